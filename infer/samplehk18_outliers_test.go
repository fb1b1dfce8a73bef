package infer

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// samplehk18Field returns n 32² maps of a Gaussian field with P ∝ k^−slope
// (0 < |k|), amplitude amp.
func samplehk18Field(n int, slope, amp float64, seed uint64) *stlayer.Maps {
	const s = 32
	out := stlayer.NewMaps(n, s, s)
	for b := 0; b < n; b++ {
		pg := make([]float64, s*s)
		for i := 0; i < s; i++ {
			for j := 0; j < s; j++ {
				if k := modeK(i, j, s, s); k > 0 {
					pg[i*s+j] = math.Pow(k, -slope)
				}
			}
		}
		x := fieldWithSpectrum(pg, s, s, 0, amp, seed+uint64(b), 0x51)
		copy(out.Map(b), x)
	}
	return out
}

// TestFindSpectrumOutliers: a cluster of 64² Quijote patches with 2 dust
// patches (10⁴–10⁵ times less power at k ≥ 16) gave a model whose σ and
// ps_logstd were those of the mixture (log P std 1.31 against 0.063 without
// the 2 at k = 16–22.6), and its samples 6–11 % of the patches' power at
// k = 16–32 with a statistic distance that looked fine. FindSpectrumOutliers
// flags such patches: 30 maps of one k^−3 field family with 2 maps of a
// k^−1 family 10⁻² as bright: exactly the 2 flagged, the per-bin log P
// std with them is several times that without them (which equals the std
// of the 30 alone), and the 30 alone have none.
func TestFindSpectrumOutliers(t *testing.T) {
	clean := samplehk18Field(30, 3, 1, 100)
	odd := samplehk18Field(2, 1, 0.01, 200)
	mixed := stlayer.NewMaps(32, 32, 32)
	copy(mixed.Data, clean.Data[:20*32*32])
	copy(mixed.Map(20), odd.Map(0))
	copy(mixed.Data[21*32*32:], clean.Data[20*32*32:])
	copy(mixed.Map(31), odd.Map(1))

	so, ok := FindSpectrumOutliers(mixed)
	if !ok {
		t.Fatal("no result")
	}
	if !slices.Equal(so.Index, []int{20, 31}) || len(so.Z) != 2 || so.Z[0] <= SpectrumOutlierZ {
		t.Fatalf("outliers %v (z %v), want [20 31]", so.Index, so.Z)
	}
	if so.Inflation < 5 {
		t.Errorf("std inflation %g, want ≥ 5 (per-bin std %v vs %v)", so.Inflation, so.LogStd, so.LogStdInliers)
	}
	ref, ok := FindSpectrumOutliers(clean)
	if !ok || len(ref.Index) != 0 || ref.LogStdInliers != nil || ref.Inflation != 0 {
		t.Fatalf("clean set: outliers %v (z %v)", ref.Index, ref.Z)
	}
	for i := range ref.LogStd {
		if math.Abs(ref.LogStd[i]-so.LogStdInliers[i]) > 1e-9 {
			t.Errorf("bin %d: std without outliers %g, of the clean set %g", i, so.LogStdInliers[i], ref.LogStd[i])
		}
	}
	if so.Note == "" || ref.Note == "" {
		t.Error("no note")
	}
	// too few maps: no result
	if _, ok := FindSpectrumOutliers(samplehk18Field(2, 3, 1, 1)); ok {
		t.Error("2 maps: want ok false")
	}
	// the dataset rows of ClusterPatches' selection
	idx := []int{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	if r := clusterPatchRows(idx, 4); !slices.Equal(r, []int{10, 12, 15, 17}) {
		t.Errorf("4 of 10 rows: %v", r)
	}
	if r := clusterPatchRows(idx, 10); !slices.Equal(r, idx) {
		t.Errorf("10 of 10 rows: %v", r)
	}
	if clusterPatchRows(idx, 11) != nil || clusterPatchRows(idx, 0) != nil {
		t.Error("11 or 0 of 10 rows: want nil")
	}
}

// TestCornerPSCompare: the reports' spectrum bins stop at |k| = p/2, so the
// modes beyond (corners, Nyquist axes; 21 % of the plane) were compared
// nowhere. CornerPS: twice the maps have 4× the power in both rings; a
// checkerboard (mode (p/2, p/2), |k| = √2·p/2) adds power to the outer ring
// only; the rings hold every mode with |k| ≥ p/2.
func TestCornerPSCompare(t *testing.T) {
	x := samplehk18Field(3, 1, 1, 7)
	x2 := stlayer.NewMaps(3, 32, 32)
	for i, v := range x.Data {
		x2.Data[i] = 2 * v
	}
	c, ok := CornerPSCompare(x2, x)
	if !ok {
		t.Fatal("no result")
	}
	if c.Edges[0] != 16 || math.Abs(c.Edges[2]-16*math.Sqrt2) > 1e-12 {
		t.Errorf("edges %v", c.Edges)
	}
	n := 0
	for i := 0; i < 32; i++ {
		for j := 0; j < 32; j++ {
			if modeK(i, j, 32, 32) >= 16 {
				n++
			}
		}
	}
	if c.ModesRings[0]+c.ModesRings[1] != n || c.ModesRings[0] == 0 || c.ModesRings[1] == 0 {
		t.Errorf("modes %v, want %d in all", c.ModesRings, n)
	}
	for r := 0; r < 2; r++ {
		if math.Abs(c.Ratio[r]-4) > 1e-9 || math.Abs(c.GeoRatio[r]-4) > 1e-9 {
			t.Errorf("ring %d: ratio %g, geometric %g, want 4", r, c.Ratio[r], c.GeoRatio[r])
		}
	}
	cb := stlayer.NewMaps(3, 32, 32)
	rng := rand.New(rand.NewPCG(1, 2))
	for b := 0; b < 3; b++ {
		a := 0.5 + rng.Float64()
		for i := 0; i < 32; i++ {
			for j := 0; j < 32; j++ {
				cb.Map(b)[i*32+j] = x.Map(b)[i*32+j] + a*float64(1-2*((i+j)%2))
			}
		}
	}
	c, _ = CornerPSCompare(cb, x)
	if math.Abs(c.Ratio[0]-1) > 1e-9 || !(c.Ratio[1] > 1.5) {
		t.Errorf("checkerboard: ratios %v, want 1 and > 1.5", c.Ratio)
	}
	if _, ok := CornerPSCompare(x, stlayer.NewMaps(1, 16, 16)); ok {
		t.Error("maps of two sizes: want ok false")
	}
}

// TestSampleReportOutliersAndCorner: SampleReport's settings carry
// corner_ps (CornerPSCompare of the tiles and the patches) and
// training_spectrum_outliers with the dataset rows of the flagged patches
// when the patches are ClusterPatches' selection.
func TestSampleReportOutliersAndCorner(t *testing.T) {
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	patches, err := ms.ClusterPatches(0, fx.dataset, n)
	if err != nil {
		t.Fatal(err)
	}
	if patches.B != n {
		t.Fatalf("%d patches, want %d", patches.B, n)
	}
	for _, b := range []int{3, 8} { // another family: 10⁻³ as bright
		for i := range patches.Map(b) {
			patches.Map(b)[i] *= 1e-3
		}
	}
	p := ms.Manifest.PatchSize
	sampled := stlayer.NewMaps(2, p, p)
	copy(sampled.Data, patches.Data[:2*p*p])
	dir := t.TempDir()
	if _, err := SampleReport(dir, cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Settings struct {
			Corner   CornerPS         `json:"corner_ps"`
			Outliers SpectrumOutliers `json:"training_spectrum_outliers"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want, _ := CornerPSCompare(ms.SampleTiles(sampled), patches)
	if !slices.Equal(m.Settings.Corner.Ratio, want.Ratio) || len(want.Ratio) != 2 {
		t.Errorf("corner_ps ratio %v, want %v", m.Settings.Corner.Ratio, want.Ratio)
	}
	rows := clusterPatchRows(ms.Components[0].PatchIndex, n)
	o := m.Settings.Outliers
	if !slices.Equal(o.Index, []int{3, 8}) || !slices.Equal(o.Rows, []int{rows[3], rows[8]}) {
		t.Errorf("outliers %v rows %v, want [3 8] rows %v", o.Index, o.Rows, []int{rows[3], rows[8]})
	}
}
