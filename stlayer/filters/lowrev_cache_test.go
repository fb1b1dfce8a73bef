package filters

import "testing"

// TestCachingExceptTruncated pins the package doc's caching statement: a
// constructor, Cropped and Subset return the same pointer for the same
// arguments, Truncated a new bank each call (its own doc says "not cached";
// the package doc said every bank was cached).
func TestCachingExceptTruncated(t *testing.T) {
	a, b := BumpSteerable(16, 16, 2, 4), BumpSteerable(16, 16, 2, 4)
	if a != b {
		t.Errorf("BumpSteerable twice: different banks")
	}
	if Cropped(a, 8, 8) != Cropped(b, 8, 8) || Subset(a, []int{1, 2}) != Subset(b, []int{1, 2}) {
		t.Errorf("Cropped or Subset twice: different banks")
	}
	t1, t2 := Truncated(a, TruncTol), Truncated(a, TruncTol)
	if t1 == t2 {
		t.Errorf("Truncated twice: the same bank, the doc says a new one")
	}
	if t1.StoredValues() != t2.StoredValues() || t1.StoredValues() == 0 {
		t.Errorf("Truncated twice: %d and %d stored values", t1.StoredValues(), t2.StoredValues())
	}
}
