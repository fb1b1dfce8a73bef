package plotx

import (
	"strings"
	"testing"
)

// TestIntTicksAtMostTen pins IntTicks' doc: at most ten labelled ticks, on
// integers, with the smallest step of 1, 2, 5, 10, 20, … that allows it;
// labels are the integers in full, also beyond int64, and a one-value range
// far beyond 2^53 returns (it used to loop forever: v += 1 left v unchanged).
func TestIntTicksAtMostTen(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 9, "0 1 2 3 4 5 6 7 8 9"},
		{0, 10, "0 2 4 6 8 10"}, // 11 labels at step 1
		{-10, 10, "-10 -5 0 5 10"},
		{0, 50, "0 10 20 30 40 50"},
		{1, 100, "10 20 30 40 50 60 70 80 90 100"},
		{-0.5, 3, "0 1 2 3"}, // 0, not -0
		{0, 1e20, "0 20000000000000000000 40000000000000000000 60000000000000000000 80000000000000000000 100000000000000000000"},
		{1e20, 1e20, "100000000000000000000"},
		{0.2, 0.8, ""},
	} {
		var labels []string
		for _, tk := range (IntTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("IntTicks [%g, %g]: labels %q, want %q", c.lo, c.hi, got, c.want)
		}
		if len(labels) > 10 {
			t.Errorf("IntTicks [%g, %g]: %d labels, the doc says at most ten", c.lo, c.hi, len(labels))
		}
	}
}
