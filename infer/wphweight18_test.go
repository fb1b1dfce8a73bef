package infer

import (
	"context"
	"math"
	"math/cmplx"
	"sort"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// scaledMaps returns λ·x.
func scaledMaps(x *stlayer.Maps, s float64) *stlayer.Maps {
	out := &stlayer.Maps{B: x.B, M: x.M, N: x.N, Data: make([]float64, len(x.Data))}
	for i, v := range x.Data {
		out.Data[i] = s * v
	}
	return out
}

// classRelL2 returns ‖Φ_c(x) − mean_b Φ_c(target_b)‖/‖mean Φ_c‖ per class c
// of op, for the first map of x.
func classRelL2(t *testing.T, eng stlayer.Engine, op stats.Op, target, x *stlayer.Maps) map[string]float64 {
	t.Helper()
	ct, lab, err := stats.Forward(eng, op, target)
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := stats.Forward(eng, op, x)
	if err != nil {
		t.Fatal(err)
	}
	num, den := map[string]float64{}, map[string]float64{}
	for i := 0; i < ct.PerMap(); i++ {
		var tm complex128
		for b := 0; b < ct.B; b++ {
			tm += ct.Row(b)[i] / complex(float64(ct.B), 0)
		}
		d := cmplx.Abs(cs.Row(0)[i] - tm)
		num[lab.Class[i]] += d * d
		den[lab.Class[i]] += cmplx.Abs(tm) * cmplx.Abs(tm)
	}
	out := map[string]float64{}
	for c := range num {
		out[c] = math.Sqrt(num[c] / den[c])
	}
	return out
}

// TestWPHWeight18RawUnitFree: a raw WPH (Norm "none") synthesis used to
// weigh its statistic in the map's units² against the dimensionless power
// spectrum and histogram terms: on a 128² dust Q tile the statistic was
// 7.6e-12 of a 1.5e-3 loss and the syntheses missed C01, S01 and Cphase by
// 75–79 % (relative L2), by 5–11 % on the same tile ×1000. The raw
// coefficients are now weighed by their class's target scale: the loss of
// the starting maps is the same for the target ×1, ×1e3 and ×1e-3 (1e-9 of
// the total),
// the statistic term dominates it, and 60 iterations match every WPH class
// to < 3 % at every scale, the same to 1 % (absolute).
func TestWPHWeight18RawUnitFree(t *testing.T) {
	eng := cpu.New()
	base := logNormalTarget(t, 32, 7)
	var parts0 []float64
	var rel0 map[string]float64
	for _, s := range []float64{1, 1e3, 1e-3} {
		target := scaledMaps(base, s)
		op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WPH, J: 3, L: 4}, eng, target)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := Preset(PresetQuality, 1, 3)
		cfg.Steps = 60
		loss, err := NewSynthLoss(eng, "wph", op, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		x0, err := InitialMaps(cfg.Init, target, 1, cfg.Seed)
		if err != nil {
			t.Fatal(err)
		}
		_, parts, _, err := loss.Eval(x0)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 3 {
			t.Fatalf("scale %g: %d loss parts, want 3 (statistic, PS, histogram)", s, len(parts))
		}
		if parts[0] < parts[1]+parts[2] {
			t.Errorf("scale %g: loss parts at the start %.3g: the statistic term is below the PS and histogram terms", s, parts)
		}
		res, err := Generate(context.Background(), loss, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		rel := classRelL2(t, eng, op, target, res.Maps)
		t.Logf("scale %g: parts at start %.4g, loss %.3g → %.3g, class errors %v", s, parts, res.InitialLoss, res.Loss, rel)
		if s == 1 {
			parts0, rel0 = parts, rel
		}
		for i := range parts {
			// the GRF start carries the target's spectrum: the PS part is
			// a rounding error (1e-31), compared with the total
			if math.Abs(parts[i]-parts0[i]) > 1e-9*(parts0[0]+parts0[1]+parts0[2]) {
				t.Errorf("scale %g: loss part %d at the start %.10g, %.10g at scale 1: the loss depends on the units", s, i, parts[i], parts0[i])
			}
		}
		for _, c := range []string{"S11", "S00", "S01", "C01", "Cphase", "L"} {
			r, ok := rel[c]
			if !ok {
				t.Fatalf("scale %g: no class %s in the WPH labels", s, c)
			}
			if r > 0.03 {
				t.Errorf("scale %g: class %s relative L2 error %.4f, want < 0.03", s, c, r)
			}
			if math.Abs(r-rel0[c]) > 0.01 {
				t.Errorf("scale %g: class %s relative L2 error %.4f, %.4f at scale 1", s, c, r, rel0[c])
			}
		}
	}
}

// TestWPHWeight18StdSetBalance: with std weights (a set of target maps)
// the PS and histogram terms weighed PSWeight and HistWeight × the mean
// statistic weight mean_k 1/(K σ_k²), in units⁻² and driven by the
// smallest σ_k: on a set of dust tiles the terms started at [4.0, 4e11,
// 5e10]. They are now whitened by the set's own spreads (of the log power
// per bin and of the sorted pixels): the loss at the start is the same in
// any units and the statistic term is within 100× of the others.
func TestWPHWeight18StdSetBalance(t *testing.T) {
	eng := cpu.New()
	base := stlayer.NewMaps(3, 32, 32)
	for b := 0; b < 3; b++ {
		copy(base.Map(b), logNormalTarget(t, 32, uint64(11+b)).Data)
	}
	var parts0 []float64
	for _, s := range []float64{1, 1e3} {
		target := scaledMaps(base, s)
		op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WPH, J: 3, L: 4}, eng, target)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := Preset(PresetQuality, 1, 3)
		cfg.Weights = WeightStd
		loss, err := NewSynthLoss(eng, "wph", op, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		x0, err := InitialMaps(cfg.Init, target, 1, cfg.Seed)
		if err != nil {
			t.Fatal(err)
		}
		_, parts, _, err := loss.Eval(x0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("scale %g: parts at the start %.4g", s, parts)
		if s == 1 {
			parts0 = parts
		}
		for i := range parts {
			if math.Abs(parts[i]-parts0[i]) > 1e-6*parts0[i] {
				t.Errorf("scale %g: loss part %d at the start %.10g, %.10g at scale 1", s, i, parts[i], parts0[i])
			}
		}
		for i := 1; i < len(parts); i++ {
			if r := parts[i] / parts[0]; !(r > 1e-4 && r < 100) {
				t.Errorf("scale %g: loss part %d is %.3g × the statistic term's at the start: want within [1e-4, 100]", s, i, r)
			}
		}
	}
}

// TestWPHWeight18PSHistWeights pins the weights of the PS and histogram
// terms with std weights (GenerateConfig.PSWeight, HistWeight): bin b
// weighs PSWeight/(K σ_b²), σ_b² the unbiased variance of log P_b over the
// target maps, and the histogram HistWeight/(K v), v the variance over the
// maps of their sorted pixels averaged over the ranks.
func TestWPHWeight18PSHistWeights(t *testing.T) {
	const m = 32
	eng := cpu.New()
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4, Synthesis: true, Iso: true}, m, m)
	if err != nil {
		t.Fatal(err)
	}
	target := gMaps(m, 1, 2, 3)
	loss, err := NewSynthLoss(eng, "t", op, target, GenerateConfig{Weights: WeightStd, PSWeight: 2.5, HistWeight: 4})
	if err != nil {
		t.Fatal(err)
	}
	k := float64(len(loss.Terms[0].Target))
	ps := loss.Terms[1]
	c, err := stlayer.ForwardChunked(eng, ps.Op.Key(), ps.Op.Stat(), target, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range ps.Weight {
		var s, s2 float64
		for b := 0; b < 3; b++ {
			v := real(c.Row(b)[i])
			s, s2 = s+v, s2+v*v
		}
		vr := (s2 - s*s/3) / 2
		want := 2.5 / (k * vr)
		if got := w * ps.scale(); math.Abs(got-want) > 1e-6*want {
			t.Errorf("bin %d weighs %g, want 2.5/(K σ_b²) = %g (σ_b² %g)", i, got, want, vr)
		}
	}
	// sorted pixels' spread, by hand
	v := 0.0
	sorted := make([][]float64, 3)
	for b := range sorted {
		sorted[b] = append([]float64(nil), target.Map(b)...)
		sort.Float64s(sorted[b])
	}
	for i := 0; i < m*m; i++ {
		mu := (sorted[0][i] + sorted[1][i] + sorted[2][i]) / 3
		for b := range sorted {
			v += (sorted[b][i] - mu) * (sorted[b][i] - mu) / 2
		}
	}
	v /= m * m
	if h := loss.Pixel[0].(*HistogramTerm); math.Abs(h.Scale-4/(k*v)) > 1e-9*h.Scale {
		t.Errorf("histogram scale %g, want 4/(K v) = %g (v %g)", h.Scale, 4/(k*v), v)
	}
}
