package plotx

import (
	"math"
	"slices"
	"testing"
)

// TestLogTicksManyDecades: on [1e-300, 1e300] LogTicks labelled all 601
// powers of ten (an unreadable axis). With more than 10 powers of ten in
// range it now labels those whose exponent is a multiple of k (2, 5, 10, 20,
// 50, 100, …, the smallest leaving at most 10 labels) and puts unlabelled
// ticks at the powers between, every max(1, k/10)-th. Ranges of up to 10
// powers of ten (the dashboards' 2–6 decades) keep every decade labelled.
func TestLogTicksManyDecades(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		labels []string
		ticks  int // labelled + unlabelled
	}{
		// k = 100, minor every 10 decades: 61 ticks
		{1e-300, 1e300, []string{"1e-300", "1e-200", "1e-100", "1e0", "1e100", "1e200", "1e300"}, 61},
		// up to the largest float64: 10^-307 … 10^308 in range, k = 100
		{1e-307, math.MaxFloat64, []string{"1e-300", "1e-200", "1e-100", "1e0", "1e100", "1e200", "1e300"}, 61},
		// 11 powers (10^-5 … 10^5): k = 2, the odd ones unlabelled
		{1e-5, 1e5, []string{"1e-4", "1e-2", "1e0", "1e2", "1e4"}, 11},
		// 41 powers (10^-20 … 10^20): k = 5
		{1e-20, 1e20, []string{"1e-20", "1e-15", "1e-10", "1e-5", "1e0", "1e5", "1e10", "1e15", "1e20"}, 41},
		// 10 powers: all labelled, no minor ticks (more than 6 decades)
		{3e-6, 2e4, []string{"1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0", "1e1", "1e2", "1e3", "1e4"}, 10},
	} {
		ts := LogTicks{}.Ticks(c.lo, c.hi)
		_, labels := labelled(ts)
		if !slices.Equal(labels, c.labels) || len(ts) != c.ticks {
			t.Errorf("LogTicks(%g, %g): %d ticks, labels %q; want %d ticks, labels %q", c.lo, c.hi, len(ts), labels, c.ticks, c.labels)
		}
		for _, tk := range ts {
			if e := math.Round(math.Log10(tk.Value)); math.Abs(tk.Value/math.Pow(10, e)-1) > 1e-12 {
				t.Errorf("LogTicks(%g, %g): tick %g is no power of ten", c.lo, c.hi, tk.Value)
			}
		}
	}
	// the dashboards' ranges, 2 to 9 decades: every power of ten in range
	// labelled (below 3 decades, with 2 and 5 × 10^e)
	for lo := -12; lo <= 0; lo++ {
		for d := 2; d <= 9; d++ {
			min, max := 0.7*math.Pow(10, float64(lo)), 1.3*math.Pow(10, float64(lo+d))
			vals, _ := labelled(LogTicks{}.Ticks(min, max))
			for e := lo; e <= lo+d; e++ {
				if !containsClose(vals, math.Pow(10, float64(e))) {
					t.Errorf("LogTicks(%g, %g): labels %v lack 1e%d", min, max, vals, e)
				}
			}
		}
	}
}
