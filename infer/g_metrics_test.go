package infer

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gNoise returns an m×n map of unit white noise.
func gNoise(m, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, m*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// TestPSRatioStatsDifferentEdges: spectra of 60² and 64² maps have 10 bins
// each, the last ending at 30 and at 32 cycles per map; PSRatioStats
// compared them bin by bin (ratio ≈ 1 of unrelated bins). Different edges
// are different binnings: nil ratio, NaN deviations. Spectra of the same
// binning, or a hand-made one without edges of the same bin count, are
// still compared.
func TestPSRatioStatsDifferentEdges(t *testing.T) {
	a := IsoPowerSpectrum(gNoise(60, 60, 1), 60, 60)
	b := IsoPowerSpectrum(gNoise(64, 64, 2), 64, 64)
	if len(a.P) != 10 || len(b.P) != 10 || a.Edges[10] != 30 || b.Edges[10] != 32 {
		t.Fatalf("bins: %d (last edge %g) and %d (last edge %g), want 10 each, ending at 30 and 32", len(a.P), a.Edges[len(a.Edges)-1], len(b.P), b.Edges[len(b.Edges)-1])
	}
	if r, mx, mn := PSRatioStats(a, b, 2); r != nil || !math.IsNaN(mx) || !math.IsNaN(mn) {
		t.Errorf("60² against 64²: ratio %v, max %g, mean %g; want nil, NaN, NaN", r, mx, mn)
	}
	c := IsoPowerSpectrum(gNoise(64, 64, 3), 64, 64)
	r, mx, mn := PSRatioStats(c, b, 2)
	if len(r) != 10 || math.IsNaN(mx) || !(mx >= mn) || !(mn > 0) {
		t.Fatalf("64² against 64²: ratio %v, max %g, mean %g", r, mx, mn)
	}
	// 64×128 and 128×64 maps have the same bins (physical frequency).
	d := IsoPowerSpectrum(gNoise(64, 128, 4), 64, 128)
	e := IsoPowerSpectrum(gNoise(128, 64, 5), 128, 64)
	if r, _, _ := PSRatioStats(d, e, 2); len(r) != len(e.P) {
		t.Errorf("64×128 against 128×64: %d ratios for %d bins", len(r), len(e.P))
	}
	// No edges on the synthesis side: the bin counts decide.
	h := &PowerSpectrum{P: append([]float64(nil), c.P...)}
	r2, mx2, mn2 := PSRatioStats(h, b, 2)
	if len(r2) != 10 || mx2 != mx || mn2 != mn {
		t.Errorf("edge-less copy: ratio %v, max %g, mean %g; want %v, %g, %g", r2, mx2, mn2, r, mx, mn)
	}
}
