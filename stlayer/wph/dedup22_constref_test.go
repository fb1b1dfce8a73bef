package wph

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// IsConstantRef is the test that FitNorm (checkConstantRef) and
// stats.CheckConstantRef share (dedup, s22): true only when every map is
// constant, for complex each half (Q, U stacked by rows) on its own; a nil
// or empty batch, maps of no pixel and short data are not refused.
func TestDedupIsConstantRef(t *testing.T) {
	fill := func(B, M, N int, f func(b, i int) float64) *stlayer.Maps {
		x := stlayer.NewMaps(B, M, N)
		for b := range B {
			for i := range x.Map(b) {
				x.Map(b)[i] = f(b, i)
			}
		}
		return x
	}
	const M, N = 8, 8
	half := M * N / 2
	for _, c := range []struct {
		name    string
		x       *stlayer.Maps
		complex bool
		want    bool
	}{
		{"nil", nil, false, false},
		{"no maps", &stlayer.Maps{M: M, N: N}, false, false},
		{"no pixel", &stlayer.Maps{B: 1, Data: []float64{1}}, false, false},
		{"short data", &stlayer.Maps{B: 2, M: M, N: N, Data: make([]float64, M*N)}, false, false},
		{"one constant map", fill(1, M, N, func(b, i int) float64 { return 0.001 }), false, true},
		{"three constant maps", fill(3, M, N, func(b, i int) float64 { return float64(b) }), false, true},
		{"second map varies", fill(2, M, N, func(b, i int) float64 { return float64(b * i) }), false, false},
		{"Q, U constant apart", fill(1, M, N, func(b, i int) float64 { return float64(i / half) }), true, true},
		{"same map as real", fill(1, M, N, func(b, i int) float64 { return float64(i / half) }), false, false},
		{"U varies", fill(1, M, N, func(b, i int) float64 { return float64(max(0, i-half)) }), true, false},
	} {
		if got := IsConstantRef(c.x, c.complex); got != c.want {
			t.Errorf("%s: IsConstantRef = %v, want %v", c.name, got, c.want)
		}
	}
}
