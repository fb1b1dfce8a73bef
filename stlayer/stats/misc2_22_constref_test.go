package stats

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// BuildWithRef accepted a wph norm auto reference whose maps are all
// constant (the library path of stkit stats, synth and stats --compare-ref
// pooled), and the operator's coefficients were ratios of round-off
// (stkit stats refused it since 9376390 through CheckConstantRef alone).
// It refuses it now with CheckConstantRef's *ConstantMapError (Ref set),
// the same wording; a reference with one varying map and wph norm none
// build as before (--cross: TestFixb23CrossConstantRef).
func TestMisc2BuildWithRefConstantRef(t *testing.T) {
	eng := cpu.New()
	constant := func(vals ...float64) *stlayer.Maps {
		x := stlayer.NewMaps(len(vals), 32, 32)
		for b, v := range vals {
			for i := range x.Map(b) {
				x.Map(b)[i] = v
				if math.IsNaN(v) { // a varying map
					x.Map(b)[i] = math.Exp(math.Sin(0.4*float64(i/32)) + math.Cos(0.3*float64(i%32)))
				}
			}
		}
		return x
	}
	auto := Spec{Kind: WPH, J: 2, Norm: "auto"}
	const tail = ": the σ that norm auto divides by is 0 (counted as 1) or round-off, so its coefficients are ratios of round-off (up to 2.9 on a 64² map of 0.001), not a shape; a reference with maps that vary is defined"
	const raw = "; give maps that vary, or use a raw statistic (wst, wph with norm none, scov), which is finite there (0 for every fluctuation coefficient)"
	pair, err := StackPair(constant(0.001), constant(0.002))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		s    Spec
		x    *stlayer.Maps
		want string
	}{
		{"one map", auto, constant(0.001), "map 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (the map is its own reference" + tail + ")" + raw},
		{"two maps", auto, constant(0.001, 0.002), "map 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (every map of the batch, its reference, is constant" + tail + ")" + raw},
		{"complex", Spec{Kind: WPH, J: 2, Norm: "auto", Complex: true}, pair, "the complex map z = Q + iU of pair 0 is constant (Q = 0.001, U = 0.002 everywhere): complex wph with norm auto is undefined on it (the map is its own reference" + tail + "); give maps that vary"},
	} {
		_, err := BuildWithRef(c.s, eng, c.x)
		var ce *ConstantMapError
		if err == nil || err.Error() != c.want || !errors.As(err, &ce) || !ce.Ref {
			t.Errorf("%s: BuildWithRef error %v (%T), want a *ConstantMapError with Ref: %q", c.name, err, err, c.want)
		}
		if got := CheckConstantRef(c.s.WithDefaults(32, 32), c.x); got == nil || got.Error() != c.want {
			t.Errorf("%s: CheckConstantRef %v, want the same error", c.name, got)
		}
	}
	// defined: one varying map in the reference; norm none (cross of a
	// constant pair is refused since fixb23: TestFixb23CrossConstantRef)
	mixed := constant(0.001, math.NaN())
	for name, build := range map[string]func() error{
		"constant + varying": func() error { _, err := BuildWithRef(auto, eng, mixed); return err },
		"norm none":          func() error { _, err := BuildWithRef(Spec{Kind: WPH, J: 2}, eng, constant(0.001)); return err },
	} {
		if err := build(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
