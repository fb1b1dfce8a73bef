package main

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// A row small beside its class (1e-4 of the class's largest value, as a
// C01 row of the dust map's spectra) whose values in B are A's up to
// round-off of the class's sums (3e-16 of the class's scale, 3e-12 of the
// row's): identical, left out. identicalPart judged it against the row's
// own scale with rtol = 1e-12, so it stayed in χ²/dof with z ≈ 1e-11 (and
// from 1e-13 to 1.8e-5 on stkit stats dust.npy --compare dust×1.05
// --kind spectra --compare-ref each, the dust map and its flip per set).
// A row that differs by 1e-9 of the class's scale (distinct maps) is still
// compared, and so is every row on the graph engine's rtol.
func TestLibcompare20IdenticalTolerance(t *testing.T) {
	const n = 4
	lab := stlayer.NewLabels("k")
	for k := range 3 {
		lab.Add("C", map[string]int{"k": k})
	}
	c := &stlayer.Coeffs{B: 2 * n, K: 3, H: 1, W: 1, Data: make([]complex128, 2*n*3)}
	for m := range n {
		big := 0.5 + 0.1*float64(m)
		small := 1e-4 * (1 + 0.1*float64(m*m))
		c.Row(m)[0], c.Row(n + m)[0] = complex(big, 0), complex(big+0.05, 0)
		c.Row(m)[1], c.Row(n + m)[1] = complex(small, 0), complex(small+3e-16*float64(1-2*(m%2)), 0)
		c.Row(m)[2], c.Row(n + m)[2] = complex(small, 0), complex(small+1e-9, 0)
	}
	r := compareSets(c, lab, n, n)
	if len(r.Identical) != 1 || r.Identical[0] != "C(k=1)" || r.Dof != 2 || r.Parts[0].Index != 0 || r.Parts[1].Index != 2 {
		t.Fatalf("identical %q, dof %d, parts %+v; want C(k=1) identical, rows 0 and 2 compared", r.Identical, r.Dof, r.Parts)
	}
	if z := r.Parts[1].Z; math.Abs(z) < 1e-6 || math.Abs(z) > 1e-3 {
		t.Errorf("row 2 (1e-9 of the class apart): z %g", z)
	}
	// the tolerance itself: 1e-11 of the class's scale, on top of rtol × the row's
	for _, d := range []struct {
		diff float64
		want bool
	}{{0.9e-11, true}, {1.1e-11, false}} {
		a, b := []float64{1e-4, 2e-4}, []float64{1e-4 + d.diff, 2e-4}
		if got := identicalPart(a, b, 1, 1e-12); got != d.want {
			t.Errorf("values %g apart, class scale 1: identical %v, want %v", d.diff, got, d.want)
		}
	}
	if !identicalPart([]float64{1, 2}, []float64{1 + 1e-12, 2}, 2, 1e-12) {
		t.Error("rtol × the row's scale no longer counts")
	}
}
