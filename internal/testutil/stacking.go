package testutil

import "github.com/stkit-org/stkit/stlayer"

// stackingPrim makes any prim prefer stacked operations (stlayer.Stacker).
type stackingPrim struct{ stlayer.Prim }

func (stackingPrim) PrefersStacking() bool { return true }

// Stacked returns s evaluated on a prim that prefers stacked operations, so
// that an engine without that preference (the CPU engine) runs the stacked
// code paths the graph engine builds.
func Stacked(s stlayer.Stat) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return s(stackingPrim{p}, x) }
}
