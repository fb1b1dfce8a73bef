package infer

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestSepreport18PhiCheckByHand: x = 3 against samples 1, 2, 3 (one real
// coefficient): mean 2, σ 1, χ²/dof 1; left out in turn the samples give
// (1 vs 2, 3) z = 1.5/0.707 → 4.5, (2 vs 1, 3) 0, (3 vs 1, 2) 4.5.
func TestSepreport18PhiCheckByHand(t *testing.T) {
	pc, err := NewSepPhiCheck("t", []complex128{3}, [][]complex128{{1}, {2}, {3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pc.Chi2PerDof-1) > 1e-12 || pc.Coefficients != 1 || pc.Within2Sigma != 1 {
		t.Errorf("chi2/dof %g over %d, within 2σ %g; want 1 over 1, 1", pc.Chi2PerDof, pc.Coefficients, pc.Within2Sigma)
	}
	want := []float64{0, 4.5, 4.5}
	for i, v := range want {
		if math.Abs(pc.SamplesChi2[i]-v) > 1e-12 {
			t.Errorf("leave-one-out %v, want %v", pc.SamplesChi2, want)
			break
		}
	}
	if math.Abs(pc.SamplesChi2Max-4.5) > 1e-12 || len(pc.Classes) != 1 || pc.Classes[0].MaxZ != 1 {
		t.Errorf("max %g, classes %+v", pc.SamplesChi2Max, pc.Classes)
	}
	// complex: |Δ|/σ with σ² = Σ|y − ȳ|²/(n − 1); a class per label, worst first
	lb := stlayer.NewLabels()
	lb.Class = []string{"A", "B"}
	pc, err = NewSepPhiCheck("t", []complex128{1i, 10}, [][]complex128{{1, 1}, {-1, -1}, {1i, 0}}, lb)
	if err != nil {
		t.Fatal(err)
	}
	// coefficient B: mean 0, σ² = (1+1+0)/2 = 1, z = 10; A: mean i/3,
	// σ² = (|1−i/3|² + |−1−i/3|² + |2i/3|²)/2 = (10/9+10/9+4/9)/2 = 4/3,
	// z² = |2i/3|²/(4/3) = 1/3
	if pc.Classes[0].Class != "B" || math.Abs(pc.Classes[0].Chi2PerDof-100) > 1e-9 || math.Abs(pc.Classes[1].Chi2PerDof-1.0/3) > 1e-9 {
		t.Errorf("classes %+v, want B 100 then A 1/3", pc.Classes)
	}
	if math.Abs(pc.Chi2PerDof-(100+1.0/3)/2) > 1e-9 || pc.Within2Sigma != 0.5 {
		t.Errorf("chi2/dof %g, within %g; want %g, 0.5", pc.Chi2PerDof, pc.Within2Sigma, (100+1.0/3)/2)
	}
	if _, err := NewSepPhiCheck("t", []complex128{1}, [][]complex128{{1}, {2}}, nil); err == nil {
		t.Error("2 samples accepted")
	}
}

// sepreport18Case returns a smooth signal s, white noise samples (σ 1,
// 10 maps) and d = s + an 11th noise map, 32².
func sepreport18Case() (s, d, n *stlayer.Maps) {
	const m = 32
	r := rand.New(rand.NewPCG(18, 3))
	s = cropreportMaps(r, 1, m, m)
	for i := range s.Data {
		s.Data[i] *= 2
	}
	all := stlayer.NewMaps(11, m, m)
	for i := range all.Data {
		all.Data[i] = r.NormFloat64()
	}
	d = stlayer.NewMaps(1, m, m)
	for i := range d.Data {
		d.Data[i] = s.Data[i] + all.Data[i]
	}
	n = &stlayer.Maps{B: 10, M: m, N: m, Data: all.Data[m*m:]}
	return s, d, n
}

// TestSepreport18PhiVerdict: with s̃ = s (the residual a true noise map)
// the data check Φ(d) against Φ(s̃ + n_i) (binned spectrum) passes
// (χ²/dof 0.74, samples' up to 3.1); samples ×3 in
// amplitude fail it (χ²/dof far above the samples' own largest), as do the
// residual check; the metrics and the verdict say so.
func TestSepreport18PhiVerdict(t *testing.T) {
	s, d, n := sepreport18Case()
	eng := cpu.New()
	op := NewBinnedPSOp(d.M, d.N, false)
	opt := SepReportOptions{Engine: eng, Stats: op}
	sm, err := EvaluateSeparationWith(d, s, n, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if sm.PhiData == nil || sm.PhiResidual == nil {
		t.Fatal("no Φ checks")
	}
	t.Logf("right samples: residual %.3g (≤ %.3g), data %.3g (≤ %.3g)", sm.PhiResidual.Chi2PerDof, sm.PhiResidual.SamplesChi2Max, sm.PhiData.Chi2PerDof, sm.PhiData.SamplesChi2Max)
	if !strings.HasPrefix(sm.PhiVerdict, SepPhiVerdictPass) || sm.PhiData.Chi2PerDof > sm.PhiData.SamplesChi2Max {
		t.Errorf("right samples: %s", sm.PhiVerdict)
	}
	// the residual here is a true noise map, yet its χ²/dof (4.9) exceeds
	// the samples' largest (4.0): one bin at z = 5.2 (low-k bins hold few
	// modes, their power is far from Gaussian); it only needs to be far
	// below the ×3 case's
	if sm.PhiResidual.Samples != 10 || sm.PhiResidual.Coefficients != len(sm.PSK) {
		t.Errorf("right samples: residual %+v", sm.PhiResidual)
	}
	n3 := &stlayer.Maps{B: n.B, M: n.M, N: n.N, Data: make([]float64, len(n.Data))}
	for i, v := range n.Data {
		n3.Data[i] = 3 * v
	}
	sm3, err := EvaluateSeparationWith(d, s, n3, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("samples ×3: residual %.3g (≤ %.3g), data %.3g (≤ %.3g): %s", sm3.PhiResidual.Chi2PerDof, sm3.PhiResidual.SamplesChi2Max, sm3.PhiData.Chi2PerDof, sm3.PhiData.SamplesChi2Max, sm3.PhiVerdict)
	if !strings.HasPrefix(sm3.PhiVerdict, SepPhiVerdictFail) || sm3.PhiData.Chi2PerDof < 3*sm3.PhiData.SamplesChi2Max {
		t.Errorf("samples ×3: %s", sm3.PhiVerdict)
	}
	if sm3.PhiResidual.Chi2PerDof < 10*sm.PhiResidual.Chi2PerDof {
		t.Errorf("samples ×3: residual χ²/dof %g, samples' ≤ %g", sm3.PhiResidual.Chi2PerDof, sm3.PhiResidual.SamplesChi2Max)
	}
	// the residual spectrum's z and the samples' own range, by hand
	b := len(sm.PSK) - 1
	var p []float64
	mean, v := 0.0, 0.0
	for i := 0; i < n.B; i++ {
		p = append(p, IsoPowerSpectrum(n.Map(i), n.M, n.N).P[b])
		mean += p[i] / float64(n.B)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range p {
		v += (x - mean) * (x - mean) / float64(n.B-1)
		lo, hi = math.Min(lo, x/mean), math.Max(hi, x/mean)
	}
	z := (sm.PSResidual[b] - mean) / math.Sqrt(v)
	if math.Abs(sm.ResidualZ[b]-z) > 1e-9 || math.Abs(sm.SamplesRatioLo[b]-lo) > 1e-12 || math.Abs(sm.SamplesRatioHi[b]-hi) > 1e-12 {
		t.Errorf("top bin: z %g lo %g hi %g, want %g %g %g", sm.ResidualZ[b], sm.SamplesRatioLo[b], sm.SamplesRatioHi[b], z, lo, hi)
	}
	if !(lo < 1 && hi > 1) {
		t.Errorf("samples' range %g–%g excludes their mean", lo, hi)
	}
	// without Engine/Stats: no Φ checks, no verdict
	plain, err := EvaluateSeparation(d, s, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain.PhiData != nil || plain.PhiVerdict != "" {
		t.Errorf("Φ checks without a statistic: %+v %q", plain.PhiData, plain.PhiVerdict)
	}
	// the figure: a Φ panel after the residual one
	row, err := separationSpectraPlots(sm3)
	if err != nil {
		t.Fatal(err)
	}
	if len(row) != 3 || !strings.Contains(row[2].Title.Text, SepPhiVerdictFail) {
		t.Errorf("%d panels; last title %q", len(row), row[len(row)-1].Title.Text)
	}
}

// TestSepreport18PairedSamples: with contaminant (2 maps) and noise (3)
// samples the report's samples are c_(j mod 2) + n_j, j < 3, and their mean
// spectrum is in metrics (the CLI dropped it with both).
func TestSepreport18PairedSamples(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	c, nz := cropreportMaps(r, 2, 32, 32), cropreportMaps(r, 3, 32, 32)
	ps, err := PairedSamples(c, nz)
	if err != nil {
		t.Fatal(err)
	}
	if ps.B != 3 || ps.Map(2)[5] != c.Map(0)[5]+nz.Map(2)[5] || ps.Map(1)[7] != c.Map(1)[7]+nz.Map(1)[7] {
		t.Fatalf("paired samples: %d maps, r_2[5] %g", ps.B, ps.Map(2)[5])
	}
	if o, _ := PairedSamples(nil, nz); o != nz {
		t.Error("noise alone not returned as is")
	}
	if _, err := PairedSamples(c, cropreportMaps(r, 1, 16, 16)); err == nil {
		t.Error("samples of two sizes accepted")
	}
	d, sep := cropreportMaps(r, 1, 32, 32), cropreportMaps(r, 1, 32, 32)
	sm, err := EvaluateSeparation(d, sep, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := MeanPowerSpectrum([][]float64{ps.Map(0), ps.Map(1), ps.Map(2)}, 32, 32).P
	for b := range want {
		if math.Abs(sm.PSSamples[b]-want[b]) > 1e-12*want[b] || sm.PSFloorAbs == nil {
			t.Fatalf("bin %d: samples' mean %g, want %g (floor %v)", b, sm.PSSamples[b], want[b], sm.PSFloorAbs)
		}
	}
}

// TestSepreport18MaxDevBins: the largest |P_s̃/P_s − 1| and the largest
// deviation/σ are found per bin, each with its own k (they need not be one
// bin), and the largest deviation in units of its own bin's σ.
func TestSepreport18MaxDevBins(t *testing.T) {
	s, d, n := sepreport18Case()
	r := rand.New(rand.NewPCG(5, 5))
	sep := stlayer.NewMaps(1, s.M, s.N)
	for i := range sep.Data {
		sep.Data[i] = s.Data[i] + 0.5*r.NormFloat64()
	}
	sm, err := EvaluateSeparation(d, sep, n, s)
	if err != nil {
		t.Fatal(err)
	}
	maxDev, maxSig, kDev, kSig, atSig := 0.0, 0.0, 0.0, 0.0, 0.0
	for _, b := range sm.BinsPS {
		dev := math.Abs(sm.PSRatio[b] - 1)
		if dev > maxDev {
			maxDev, kDev, atSig = dev, sm.PSK[b], dev/sm.PSFloor[b]
		}
		if dev/sm.PSFloor[b] > maxSig {
			maxSig, kSig = dev/sm.PSFloor[b], sm.PSK[b]
		}
	}
	t.Logf("max dev %.3f at k %.3g (%.2fσ); max dev/σ %.2f at k %.3g", maxDev, kDev, atSig, maxSig, kSig)
	if sm.PSMaxDev != maxDev || sm.PSMaxDevK != kDev || sm.PSMaxDevSigma != maxSig || sm.PSMaxDevSigmaK != kSig || math.Abs(sm.PSMaxDevAtSigma-atSig) > 1e-12 {
		t.Errorf("metrics: %g at %g (%gσ), %gσ at %g", sm.PSMaxDev, sm.PSMaxDevK, sm.PSMaxDevAtSigma, sm.PSMaxDevSigma, sm.PSMaxDevSigmaK)
	}
	if kDev == kSig {
		t.Errorf("test case: both maxima in bin k = %g; want a case where they differ", kDev)
	}
}

// TestSepreport18NegativeDebiasedMarked: samples stronger than d make
// (P_d − ⟨P_r⟩)/P_s negative in some bins; the ratio panel draws one ring
// per such bin below every other point and names their count.
func TestSepreport18NegativeDebiasedMarked(t *testing.T) {
	s, d, n := sepreport18Case()
	for i := range n.Data {
		n.Data[i] *= 3
	}
	sm, err := EvaluateSeparation(d, s, n, s)
	if err != nil {
		t.Fatal(err)
	}
	neg := 0
	for _, v := range sm.PSRatioDebiased {
		if v < 0 && v != -1 {
			neg++
		}
	}
	if neg == 0 {
		t.Fatal("test case: no negative debiased bin")
	}
	row, err := separationSpectraPlots(sm)
	if err != nil {
		t.Fatal(err)
	}
	var rings *plotter.Scatter
	ents := reflect.ValueOf(&row[1].Legend).Elem().FieldByName("entries")
	for i := 0; i < ents.Len(); i++ {
		e := ents.Index(i)
		th := e.FieldByName("thumbs")
		if strings.Contains(e.FieldByName("text").String(), fmt.Sprintf("< 0 in %d bin(s)", neg)) && th.Len() == 1 {
			rings, _ = reflect.NewAt(th.Index(0).Type(), unsafe.Pointer(th.Index(0).UnsafeAddr())).Elem().Interface().(*plotter.Scatter)
		}
	}
	if rings == nil || len(rings.XYs) != neg {
		t.Fatalf("no legend entry and ring series of %d negative bins", neg)
	}
	if _, ok := rings.GlyphStyle.Shape.(draw.RingGlyph); !ok {
		t.Errorf("negative bins drawn as %T, want open rings", rings.GlyphStyle.Shape)
	}
	low := math.Inf(1)
	f := reflect.ValueOf(row[1]).Elem().FieldByName("plotters")
	pls, _ := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().([]plot.Plotter)
	for _, pl := range pls {
		if v, ok := pl.(*plotter.Scatter); ok && v != rings {
			for _, xy := range v.XYs {
				low = math.Min(low, xy.Y)
			}
		}
	}
	for _, xy := range rings.XYs {
		if !(xy.Y < low) {
			t.Errorf("ring at %g, not below the lowest point %g", xy.Y, low)
		}
	}
}

// TestSepreport18Unit: SepReportOptions.Unit reaches metrics.json, the
// maps' titles and (squared) the P(k) axis.
func TestSepreport18Unit(t *testing.T) {
	s, d, n := sepreport18Case()
	dir := t.TempDir()
	sm, err := WriteSeparationReportWith(dir, d, nil, s, n, nil, nil, SepReportOptions{Unit: "MJy/sr"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Unit string `json:"unit"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Unit != "MJy/sr" {
		t.Errorf("metrics.json unit %q (%v)", m.Unit, err)
	}
	rows, _ := separationMapPanelsUnit(d, s, nil, nil, "MJy/sr")
	if got := rows[0][0].Title.Text; got != "data d [MJy/sr]" {
		t.Errorf("map title %q", got)
	}
	row, err := separationSpectraPlots(sm)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(row[0].Y.Label.Text, "[(MJy/sr)²]") {
		t.Errorf("P(k) axis %q", row[0].Y.Label.Text)
	}
}
