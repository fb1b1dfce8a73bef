package perf

import (
	"strings"
	"testing"
)

// TestMeasureRefusesNoReps: Measure(e, c, 0), e.g. `scaling -reps 0`, built
// and ran the case, then panicked indexing the median of zero timings
// (index out of range [0] with length 0). It is now an error before any
// work (the nil engine is never touched).
func TestMeasureRefusesNoReps(t *testing.T) {
	for _, reps := range []int{0, -3} {
		r, err := Measure(nil, BenchCases()[0], reps)
		if r != nil || err == nil || !strings.Contains(err.Error(), "repetitions") {
			t.Errorf("Measure(reps=%d) = %v, %v; want an error about the repetitions", reps, r, err)
		}
	}
}
