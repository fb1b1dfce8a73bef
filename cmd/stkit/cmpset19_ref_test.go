package main

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// --compare-ref each: every map normalised by its own reference, so a map
// ×2 has the spectra's C01 and C11 of the map (z = 0: "did the
// non-Gaussian shape change?") and only P00 and S1 move; the pooled
// reference of A and B shows the amplitude in C01 and C11 too.
func TestCmpset19EachRef(t *testing.T) {
	const n = 4
	x := stlayer.NewMaps(2*n, 32, 32)
	for i := range n {
		f, err := datasets.LogNormalField(32, 32, -2.5, 0.8, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(x.Map(i), f)
		for p, v := range f {
			x.Map(n + i)[p] = 2 * v
		}
	}
	spec := stats.Spec{Kind: stats.Spectra, J: 3}
	eng := cpu.New()
	c, err := compareCoeffsEach19(eng, spec, x)
	if err != nil {
		t.Fatal(err)
	}
	op, err := stats.BuildWithRef(spec, eng, x)
	if err != nil {
		t.Fatal(err)
	}
	lab := op.Labels()
	pooled, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	maxZ := func(r compareResult, class string) float64 {
		z := 0.0
		for _, p := range r.Parts {
			if p.Class == class {
				z = max(z, math.Abs(p.Z))
			}
		}
		return z
	}
	each := compareSets(c, lab, n, n)
	pool := compareSets(pooled, lab, n, n)
	for _, cl := range []string{"C01", "C11"} {
		if z := maxZ(each, cl); z > 1e-6 {
			t.Errorf("each: %s max |z| %g, want 0 (the same shape)", cl, z)
		}
		t.Logf("pooled: %s max |z| %g", cl, maxZ(pool, cl))
	}
	if z := max(maxZ(pool, "C01"), maxZ(pool, "C11")); z < 2 {
		t.Errorf("pooled: C01, C11 max |z| %g, want the amplitude seen", z)
	}
	if z := maxZ(each, "P00"); z < 1 {
		t.Errorf("each: P00 max |z| %g, want the amplitude seen", z)
	}
	// the map alone: stats' own coefficients of that map
	one := &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Map(n)}
	op1, err := stats.BuildWithRef(spec, eng, one)
	if err != nil {
		t.Fatal(err)
	}
	c1, err := eng.Forward(op1.Key(), op1.Stat(), one)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c1.Row(0) {
		if c.Row(n)[k] != v {
			t.Fatalf("coefficient %d: %v, stats of the map alone %v", k, c.Row(n)[k], v)
		}
	}
}
