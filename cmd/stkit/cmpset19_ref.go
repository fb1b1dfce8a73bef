package main

import (
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// compareCoeffsEach19 is the statistic of every map of x with its own
// reference (--compare-ref each): stats.BuildWithRef on the map alone, then
// the map's coefficients, as stats computes one map. For complex data x
// holds the pairs (Q, U) stacked by rows, one per map.
func compareCoeffsEach19(eng stlayer.Engine, spec stats.Spec, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	px := x.M * x.N
	var out *stlayer.Coeffs
	for b := range x.B {
		one := &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: x.Data[b*px : (b+1)*px]}
		op, err := stats.BuildWithRef(spec, eng, one)
		if err != nil {
			return nil, badInputf("map %d: %v", b, err)
		}
		c, err := eng.Forward(op.Key(), op.Stat(), one)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = &stlayer.Coeffs{B: x.B, K: c.K, H: c.H, W: c.W, Data: make([]complex128, x.B*c.PerMap())}
		}
		copy(out.Row(b), c.Row(0))
	}
	return out, nil
}

// refScope19 is the JSON config's "reference" for ref (--compare-ref).
func refScope19(ref string) string {
	if ref == "each" {
		return "each map its own (--compare-ref each: the shape of the non-Gaussian statistics, amplitudes normalised away)"
	}
	return "the maps of A and B together (one operator for both sets)"
}
