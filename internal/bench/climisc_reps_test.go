package bench

import (
	"strings"
	"testing"
)

// TestTimeRepsBounded: TimeFirst with n < 1 panicked (index out of range)
// and a huge n allocated one duration per repetition before timing anything;
// n outside [1, MaxReps] is an error and f is never called.
func TestTimeRepsBounded(t *testing.T) {
	calls := 0
	f := func() error { calls++; return nil }
	for _, n := range []int{0, -1, MaxReps + 1, 1_000_000_000_000} {
		if _, _, err := TimeFirst(n, true, f); err == nil || !strings.Contains(err.Error(), "want 1 to 100") {
			t.Errorf("TimeFirst(%d): %v, want an error naming 1 to 100", n, err)
		}
	}
	if calls != 0 {
		t.Errorf("f called %d times for refused repetition counts", calls)
	}
	if _, first, err := TimeFirst(MaxReps, true, f); err != nil || calls != MaxReps+1 || first < 0 {
		t.Errorf("TimeFirst(MaxReps): %v, %d calls (want %d)", err, calls, MaxReps+1)
	}
}
