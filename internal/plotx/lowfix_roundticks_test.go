package plotx

import (
	"math"
	"slices"
	"testing"
)

// TestRoundTicksHugeSpan: LinearTicks on [−1e308, 1e308] returned no tick
// (max − min overflowed to +Inf, and with it the step), RatioTicks only the
// added 1. The span and step are now halved, which cannot overflow; near
// ±MaxFloat64 the widened range max + eps (+Inf) is bounded too, so the
// tick loop ends.
func TestRoundTicksHugeSpan(t *testing.T) {
	cases := []struct {
		lo, hi float64
		labels []string
		ticks  int // labelled and unlabelled
	}{
		// step 5e307, half-steps 2.5e307
		{-1e308, 1e308, []string{"-1e308", "-5e307", "0", "5e307", "1e308"}, 9},
		// step 1e308
		{-math.MaxFloat64, math.MaxFloat64, []string{"-1e308", "0", "1e308"}, 7},
		{0, math.MaxFloat64, []string{"0", "5e307", "1e308", "1.5e308"}, 8},
	}
	for _, c := range cases {
		ts := LinearTicks{}.Ticks(c.lo, c.hi)
		_, labels := labelled(ts)
		if !slices.Equal(labels, c.labels) || len(ts) != c.ticks {
			t.Errorf("LinearTicks(%g, %g): %d ticks, labels %q; want %d, labels %q", c.lo, c.hi, len(ts), labels, c.ticks, c.labels)
		}
		for _, tk := range ts {
			if math.IsInf(tk.Value, 0) || math.IsNaN(tk.Value) {
				t.Errorf("LinearTicks(%g, %g): tick at %g", c.lo, c.hi, tk.Value)
			}
		}
	}
	// RatioTicks: the same ticks, and 1 labelled (0, within eps = 1e-9 ×
	// step of 1, gives its place to it)
	_, labels := labelled(RatioTicks{}.Ticks(-1e308, 1e308))
	if want := []string{"-1e308", "-5e307", "5e307", "1e308", "1e0"}; !slices.Equal(labels, want) {
		t.Errorf("RatioTicks(-1e308, 1e308) labels %q, want %q", labels, want)
	}
}
