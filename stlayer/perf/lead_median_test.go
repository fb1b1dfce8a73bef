package perf

import "testing"

// The median of an even number of repetitions is the lower middle one
// (reps 2: the faster run, not the slower); odd counts are unchanged.
func TestLowMedianIndex(t *testing.T) {
	for n, want := range map[int]int{1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 6: 2} {
		if got := lowMedianIndex(n); got != want {
			t.Errorf("lowMedianIndex(%d) = %d, want %d", n, got, want)
		}
	}
}
