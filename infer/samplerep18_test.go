package infer

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// samplerep18Maps returns n 32² Gaussian random fields (slope −2) whose
// amplitudes vary from map to map as exp(0.4 g), g standard normal: a
// process with a log-normal spread of P per bin, as dust patches.
func samplerep18Maps(t *testing.T, n int, seed uint64) *stlayer.Maps {
	t.Helper()
	x := stlayer.NewMaps(n, 32, 32)
	rng := rand.New(rand.NewPCG(seed, 18))
	for b := 0; b < n; b++ {
		f, err := datasets.GaussianRandomField(32, 32, -2, seed*1000+uint64(b))
		if err != nil {
			t.Fatal(err)
		}
		a := math.Exp(0.4 * rng.NormFloat64())
		for i, v := range f {
			x.Map(b)[i] = a * v
		}
	}
	return x
}

// samplerep18LogPStats returns the mean and the variance (ddof 1) of log P
// per IsoPowerSpectrum bin over the maps of x.
func samplerep18LogPStats(x *stlayer.Maps) (mean, vr []float64) {
	var lp [][]float64
	for b := 0; b < x.B; b++ {
		ps := IsoPowerSpectrum(x.Map(b), x.M, x.N)
		l := make([]float64, len(ps.P))
		for i, v := range ps.P {
			l[i] = math.Log(v)
		}
		lp = append(lp, l)
	}
	mean, vr = make([]float64, len(lp[0])), make([]float64, len(lp[0]))
	for i := range mean {
		for _, l := range lp {
			mean[i] += l[i] / float64(len(lp))
		}
		for _, l := range lp {
			vr[i] += (l[i] - mean[i]) * (l[i] - mean[i]) / float64(len(lp)-1)
		}
	}
	return mean, vr
}

// TestSamplerep18GeometricPSOneTile: with one sampled tile, GeometricPS's
// standard error counted only the target maps' mean (the tile's variance
// was 0): one real map of the process against 200 others of it lay
// "max 13.8 standard errors" off, as stkit sample printed next to "within
// the sampling noise". The one map now takes the target maps' per-map
// variance: SE² = var_t (1 + 1/n_t), checked bin by bin against log P
// computed here, and 20 held-out maps of the process score max |log
// ratio|/SE of order 1 (median ≤ 2.5; the old figure is √201 ≈ 14 times
// larger). One target map is the mirror case; one map on each side has no
// standard error (−1); several on each side keep each set's own variance.
func TestSamplerep18GeometricPSOneTile(t *testing.T) {
	const nt = 200
	target := samplerep18Maps(t, nt, 1)
	mt, vt := samplerep18LogPStats(target)
	held := samplerep18Maps(t, 20, 2)
	var zNew, zOld []float64
	for h := 0; h < held.B; h++ {
		one := stlayer.NewMaps(1, 32, 32)
		copy(one.Data, held.Map(h))
		g := GeometricPSCompare(one, target)
		if g.SEScatter != GeoSESynthFromTarget {
			t.Fatalf("one tile: SEScatter %q, want %q", g.SEScatter, GeoSESynthFromTarget)
		}
		ms, _ := samplerep18LogPStats(one)
		old := 0.0
		for i, se := range g.SE {
			want := math.Sqrt(vt[i] * (1 + 1.0/nt))
			if math.Abs(se-want) > 1e-9*want {
				t.Errorf("map %d bin %d: SE %.6g, want √(var_t (1 + 1/%d)) = %.6g", h, i, se, nt, want)
			}
			if d := math.Log(g.Ratio[i]) - (ms[i] - mt[i]); math.Abs(d) > 1e-9 {
				t.Errorf("map %d bin %d: log ratio off by %g", h, i, d)
			}
			if g.Edges[i] >= 2 {
				old = math.Max(old, math.Abs(ms[i]-mt[i])/math.Sqrt(vt[i]/nt))
			}
		}
		zNew, zOld = append(zNew, g.MaxZ), append(zOld, old)
		if h == 0 {
			mirror := GeometricPSCompare(target, one)
			if mirror.SEScatter != GeoSETargetFromSynth || !slices.EqualFunc(mirror.SE, g.SE, func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*b }) || math.Abs(mirror.MaxZ-g.MaxZ) > 1e-9 {
				t.Errorf("one target map: SEScatter %q, SE %v, MaxZ %g; want %q, %v, %g", mirror.SEScatter, mirror.SE, mirror.MaxZ, GeoSETargetFromSynth, g.SE, g.MaxZ)
			}
		}
	}
	sort.Float64s(zNew)
	sort.Float64s(zOld)
	t.Logf("max |log ratio|/SE of one held-out map vs %d: median %.2f, max %.2f (old SE: median %.1f)", nt, zNew[10], zNew[19], zOld[10])
	if zNew[10] > 2.5 || zNew[10] < 0.3 || zNew[19] > 5 {
		t.Errorf("one real map against %d others: median max z %.2f, max %.2f; want ≈ 1–2 (a sample of the process)", nt, zNew[10], zNew[19])
	}
	if zOld[10] < 10 {
		t.Errorf("old figure median %.1f: want the √%d-fold inflation (> 10)", zOld[10], nt+1)
	}

	// one map on each side: no standard error
	a, b := stlayer.NewMaps(1, 32, 32), stlayer.NewMaps(1, 32, 32)
	copy(a.Data, held.Map(0))
	copy(b.Data, held.Map(1))
	g := GeometricPSCompare(a, b)
	if g.SEScatter != GeoSENone || g.MaxZ != -1 || slices.ContainsFunc(g.SE, func(v float64) bool { return v != -1 }) {
		t.Errorf("one map each: SEScatter %q, MaxZ %g, SE %v; want %q, −1, all −1", g.SEScatter, g.MaxZ, g.SE, GeoSENone)
	}
	// several on each side: each set's own variance, as before
	s1, s2 := stlayer.NewMaps(100, 32, 32), stlayer.NewMaps(100, 32, 32)
	copy(s1.Data, target.Data[:100*32*32])
	copy(s2.Data, target.Data[100*32*32:])
	_, v1 := samplerep18LogPStats(s1)
	_, v2 := samplerep18LogPStats(s2)
	g = GeometricPSCompare(s1, s2)
	if g.SEScatter != GeoSEOwn {
		t.Errorf("100 vs 100: SEScatter %q", g.SEScatter)
	}
	for i, se := range g.SE {
		if want := math.Sqrt(v1[i]/100 + v2[i]/100); math.Abs(se-want) > 1e-9*want {
			t.Errorf("100 vs 100 bin %d: SE %.6g, want %.6g", i, se, want)
		}
	}
	if g.MaxZ <= 0 || g.MaxZ > 5 {
		t.Errorf("100 vs 100 maps of one process: max z %.2f", g.MaxZ)
	}
	if e := GeometricPSCompare(nil, target); e.SEScatter != "" {
		t.Errorf("no bins: SEScatter %q", e.SEScatter)
	}
}

// TestSamplerep18SepMetricsZeroInJSON: pixel_correlation and
// relative_error were omitempty, so a perfect estimate's relative error 0
// was missing from metrics.json as an undefined one (the demo printed
// "–"). A perfect estimate now writes relative_error 0 and
// pixel_correlation 1; a constant truth (both undefined: NaN in Go) writes
// neither; a constant estimate of a varying truth writes its relative
// error (1: no better than the truth's mean) without a correlation. The
// demo's reader (a *float64) and a round trip through SepComponentMetrics
// read them back.
func TestSamplerep18SepMetricsZeroInJSON(t *testing.T) {
	truth := samplerep18Maps(t, 1, 3)
	flat := stlayer.NewMaps(1, 32, 32)
	mean := 0.0
	for _, v := range truth.Data {
		mean += v / float64(len(truth.Data))
	}
	for i := range flat.Data {
		flat.Data[i] = mean
	}
	type demoMetric struct { // cmd/stkit's demoSeparationScore reads these
		Corr *float64 `json:"pixel_correlation"`
		Rel  *float64 `json:"relative_error"`
	}
	for _, c := range []struct {
		name        string
		est, truth  *stlayer.Maps
		corr, rel   float64 // NaN: undefined, absent from the JSON
		wantMissing []string
	}{
		{"perfect", truth, truth, 1, 0, nil},
		{"constant truth", truth, flat, math.NaN(), math.NaN(), []string{"pixel_correlation", "relative_error"}},
		{"constant estimate", flat, truth, math.NaN(), 1, []string{"pixel_correlation"}},
	} {
		met, err := EvaluateModelSeparation(c.est, c.truth, []string{"x"})
		if err != nil {
			t.Fatal(err)
		}
		same := func(a, b float64) bool { return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-12 }
		if !same(met[0].PixelCorr, c.corr) || !same(met[0].RelError, c.rel) {
			t.Errorf("%s: corr %g rel %g, want %g %g", c.name, met[0].PixelCorr, met[0].RelError, c.corr, c.rel)
		}
		b, err := json.Marshal(&ModelSepReport{Components: []string{"x"}, Metrics: met})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var raw struct{ Metrics []map[string]json.RawMessage }
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"name", "r", "r_min_dominant", "moments_true", "ps_ratio", "pixel_correlation", "relative_error"} {
			_, ok := raw.Metrics[0][k]
			if want := !slices.Contains(c.wantMissing, k); ok != want {
				t.Errorf("%s: key %q present %v, want %v: %s", c.name, k, ok, want, b)
			}
		}
		var demo struct{ Metrics []demoMetric }
		if err := json.Unmarshal(b, &demo); err != nil {
			t.Fatal(err)
		}
		d := demo.Metrics[0]
		if (d.Rel == nil) != math.IsNaN(c.rel) || d.Rel != nil && !same(*d.Rel, c.rel) || (d.Corr == nil) != math.IsNaN(c.corr) {
			t.Errorf("%s: demo reader got corr %v rel %v, want %g %g", c.name, d.Corr, d.Rel, c.corr, c.rel)
		}
		var back ModelSepReport
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		bm := back.Metrics[0]
		if !same(bm.PixelCorr, c.corr) || !same(bm.RelError, c.rel) || bm.Name != "x" || !slices.Equal(bm.R, met[0].R) || bm.RMinDominant != met[0].RMinDominant {
			t.Errorf("%s: round trip %+v, want %+v", c.name, bm, met[0])
		}
	}
	if s := strings.Count(string(samplerep18Must(json.Marshal(SepComponentMetrics{Name: "z"}))), "relative_error\":0"); s != 1 {
		t.Errorf("a zero relative error is written %d times, want once", s)
	}
}

func samplerep18Must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
