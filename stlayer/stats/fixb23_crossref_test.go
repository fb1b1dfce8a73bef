package stats

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// BuildWithRef (so stkit stats --cross) built wph norm auto Cross on a
// pair whose first or second map is constant (CheckConstantRef excepted
// Cross, s22): the constant map's factors had σ of round-off and every
// cross moment correlated the other map with round-off (32² white noise
// against a map of 0.001 or 0, J = 3: S11(j=0, l=0) = 0.645, |C| up to
// 0.78; NormNone: 1e-17). CheckConstantRef refuses it now, a
// *ConstantMapError with Ref and, for a constant second map, Second; a
// batch in which one first map and one second map vary is built.
func TestFixb23CrossConstantRef(t *testing.T) {
	const M = 32
	mk := func(vals ...float64) *stlayer.Maps {
		x := stlayer.NewMaps(len(vals), M, M)
		for b, v := range vals {
			for i := range x.Map(b) {
				x.Map(b)[i] = v
				if math.IsNaN(v) { // a varying map
					x.Map(b)[i] = math.Exp(math.Sin(0.4*float64(i/M)+float64(b)) + math.Cos(0.3*float64(i%M)))
				}
			}
		}
		return x
	}
	nan := math.NaN()
	pair := func(a, b *stlayer.Maps) *stlayer.Maps {
		x, err := StackPair(a, b)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	eng := cpu.New()
	spec := Spec{Kind: WPH, J: 3, L: 4, Norm: "auto", Cross: true}
	const tail = ", and the pair's maps are normalised apart: " + constantCrossRefWhy + "); give maps that vary, or use a raw statistic (wst, wph with norm none, scov), which is finite there (0 for every fluctuation coefficient)"
	for _, c := range []struct {
		name   string
		x      *stlayer.Maps
		second bool
		want   string
	}{
		{"first constant", pair(mk(0.001), mk(nan)), false, "the first map of pair 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (the map is its own reference" + tail},
		{"both constant", pair(mk(0.001), mk(0.002)), false, "the first map of pair 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (the map is its own reference" + tail},
		{"second constant", pair(mk(nan), mk(0.002)), true, "the second map of pair 0 is constant (every pixel 0.002): wph with norm auto is undefined on it (the map is its own reference" + tail},
		{"second zero", pair(mk(nan), mk(0)), true, "the second map of pair 0 is identically zero: wph with norm auto is undefined on it (the map is its own reference" + tail},
		{"second maps of two pairs", pair(mk(nan, nan), mk(0.001, 0.002)), true, "the second map of pair 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (every second map of the batch's pairs, their reference, is constant" + tail},
	} {
		_, err := BuildWithRef(spec, eng, c.x)
		var ce *ConstantMapError
		if !errors.As(err, &ce) || !ce.Ref || ce.Second != c.second || err.Error() != c.want {
			t.Errorf("%s: BuildWithRef error %v (%T), want a *ConstantMapError with Ref, Second %v: %q", c.name, err, err, c.second, c.want)
		}
		if got := CheckConstantRef(spec, c.x); got == nil || got.Error() != c.want {
			t.Errorf("%s: CheckConstantRef %v, want the same error", c.name, got)
		}
	}
	// defined: one varying first map and one varying second map
	x := pair(mk(0.001, nan), mk(nan, 0.002))
	op, err := BuildWithRef(spec, eng, x)
	if err != nil {
		t.Fatalf("one varying map each side: %v", err)
	}
	co, _, err := Forward(eng, op, x)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range co.Data {
		if math.IsNaN(real(v)) || math.IsNaN(imag(v)) || math.IsInf(real(v), 0) {
			t.Fatalf("one varying map each side: coefficient %v", v)
		}
	}
	if f, s := wph.IsConstantCrossRef(x); f || s {
		t.Errorf("one varying map each side: IsConstantCrossRef %v, %v", f, s)
	}
}
