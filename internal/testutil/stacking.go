package testutil

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// stackingPrim makes any prim prefer stacked operations (stlayer.Stacker).
type stackingPrim struct{ stlayer.Prim }

func (stackingPrim) PrefersStacking() bool { return true }

// Stacked returns s evaluated on a prim that prefers stacked operations, so
// that an engine without that preference (the CPU engine) runs the stacked
// code paths the graph engine builds.
func Stacked(s stlayer.Stat) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return s(stackingPrim{p}, x) }
}

// CompareStacked evaluates s and Stacked(s) on x with eng (an engine that
// does not stack by itself, e.g. the CPU engine) and fails t unless the
// coefficients agree to 1e-12 (relative, floor 1e-14), the losses Σ|Φ|² to
// 1e-12 and their gradients to 1e-10 (floor 1e-14). key is the statistic's
// key; the stacked variant is cached under key + "|stacked".
func CompareStacked(t testing.TB, name string, eng stlayer.Engine, key string, s stlayer.Stat, x *stlayer.Maps) {
	t.Helper()
	a, err := eng.Forward(key, s, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := eng.Forward(key+"|stacked", Stacked(s), x)
	if err != nil {
		t.Fatal(err)
	}
	CompareScaled(t, name+" coefficients", b.Data, a.Data, 1e-12, 1e-14)
	la, ga, err := eng.LossGrad(key, s, x, stlayer.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	lb, gb, err := eng.LossGrad(key+"|stacked", Stacked(s), x, stlayer.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(la-lb) > 1e-12*math.Abs(la) {
		t.Errorf("%s: loss %v stacked vs %v", name, lb, la)
	}
	CompareFloor(t, name+" gradient", gb, ga, 1e-10, 1e-14)
}
