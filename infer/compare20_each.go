package infer

import (
	"errors"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// CoeffsOwnRef returns the statistic spec of every map of x, each with its
// own reference: stats.BuildWithRef on the map alone, then the map's
// coefficients, as `stkit stats` computes one map (`stkit stats --compare
// --compare-ref each`). Compared with CompareSets, such coefficients ask
// "did the non-Gaussian shape change?": the normalised classes (the
// spectra's C01 and C11, scov --synthesis or --iso, wph norm auto) of maps
// and of rescaled copies of them are identical, and only the unnormalised
// rows (P00, S1, the mean) move; one operator with its reference over A
// and B together (stats.BuildWithRef on both sets) asks "do A and B
// differ?" and sees an amplitude in every class. For complex data x holds
// the pairs (Q, U) stacked by rows, one per map. A map the statistic
// refuses is an input error (ErrModelInput) naming its index in x (a
// constant map's *stats.ConstantMapError has its Map set to that index:
// "map 1 is constant …", not the index 0 of the one-map call). spec's
// zero fields (J, L, Kind, …) take their defaults for the maps' size, as
// in the other entry points: stats.BuildWithRef fills them for each map,
// from one part's size for complex data (half x's rows), so that a zero
// J of 32×64 (Q, U) pairs is 3, that of the 32×64 parts, not 4, that of
// the 64×64 stacks x holds (which spec.WithDefaults(x.M, x.N) would give).
// A constant map under wph norm auto is refused too (a *stats.ConstantMapError,
// or for complex data a constant z = Q + iU): as its own reference its σ is
// 0 (counted as 1) or round-off, and its coefficients are 0 or ratios of
// round-off (32×32, J = 2: every one 0 for a map of 3, up to 1.0 for a map
// of 0.001), not a shape; stats.CheckConstant, for a reference over a set,
// refuses only the identically zero map there.
func CoeffsOwnRef(eng stlayer.Engine, spec stats.Spec, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	px := x.M * x.N
	var out *stlayer.Coeffs
	for b := range x.B {
		one := &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: x.Data[b*px : (b+1)*px]}
		op, err := stats.BuildWithRef(spec, eng, one)
		if err != nil {
			var ce *stats.ConstantMapError
			if errors.As(err, &ce) && ce.Ref {
				// the map alone is its own reference: say so in --compare-ref
				// each's words
				if cerr := constantOwnRef(spec, one, b); cerr != nil {
					return nil, cerr
				}
			}
			if errors.As(err, &ce) {
				e := *ce
				e.Map = b
				return nil, inputErrorf("%w", &e)
			}
			return nil, inputErrorf("map %d: %w", b, err)
		}
		if err := constantOwnRef(spec, one, b); err != nil {
			return nil, err
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

// constantOwnRef refuses map b of x (one map, its own reference) when spec
// is wph norm auto and the map is constant: for complex data the stacked
// pair (Q, U) with Q and U each constant (z = Q + iU one value). Other
// statistics: nil (stats.BuildWithRef has refused those undefined there).
func constantOwnRef(spec stats.Spec, x *stlayer.Maps, b int) error {
	if spec.Kind != stats.WPH || !strings.EqualFold(spec.Norm, "auto") || spec.Cross || len(x.Data) == 0 {
		return nil
	}
	if !wph.IsConstantRef(x, spec.Complex) { // Q and U each constant (complex)
		return nil
	}
	parts := [][]float64{x.Data}
	if spec.Complex {
		h := len(x.Data) / 2
		parts = [][]float64{x.Data[:h], x.Data[h:]}
	}
	why := "with the map as its own reference (each map its own, as stkit stats --compare-ref each) the σ that norm auto divides by is 0 (counted as 1) or round-off, " +
		"so its coefficients are 0 or ratios of round-off, not a shape; a reference over both sets (--compare-ref pooled) is defined"
	if spec.Complex {
		return inputErrorf("the complex map z = Q + iU of pair %d is constant (Q = %g, U = %g everywhere): complex wph with norm auto is undefined on it (%s); give maps that vary",
			b, parts[0][0], parts[1][0], why)
	}
	return inputErrorf("%w", &stats.ConstantMapError{Spec: spec, Map: b, Value: x.Data[0], Why: why})
}
