package testutil

import (
	"math"
	"testing"
)

// TestCompareInfinite: an infinite want made the scale, and so every
// tolerance, infinite: CompareScaled passed got = [1, 5] against want =
// [+Inf, 1] and CompareFloor passed [0, 7] against [−Inf, 1] (no error).
// Infinite values must now be equal, and the finite ones keep the scale of
// the finite wants.
func TestCompareInfinite(t *testing.T) {
	inf := math.Inf(1)
	r := &recorder{TB: t}
	CompareScaled(r, "scaled", []complex128{1, 5}, []complex128{complex(inf, 0), 1}, 1e-8, 1e-12)
	if len(r.errs) != 3 { // the Inf, the 5, the count
		t.Errorf("CompareScaled with an infinite want: %d errors %v, want 3", len(r.errs), r.errs)
	}
	r = &recorder{TB: t}
	if worst := CompareScaled(r, "equal", []complex128{complex(0, -inf), 1 + 1e-10}, []complex128{complex(0, -inf), 1}, 1e-8, 1e-12); len(r.errs) != 0 || math.Abs(worst-1e-10) > 1e-15 {
		t.Errorf("CompareScaled on equal infinities: worst %g, errors %v", worst, r.errs)
	}
	r = &recorder{TB: t}
	CompareFloor(r, "floor", []float64{0, 7}, []float64{-inf, 1}, 1e-6, 1e-3)
	if len(r.errs) != 2 { // the −Inf, the 7
		t.Errorf("CompareFloor with an infinite want: %d errors %v, want 2", len(r.errs), r.errs)
	}
	r = &recorder{TB: t}
	if worst := CompareFloor(r, "floor equal", []float64{inf, 2}, []float64{inf, 2}, 1e-6, 1e-3); len(r.errs) != 0 || worst != 0 {
		t.Errorf("CompareFloor on equal infinities: worst %g, errors %v", worst, r.errs)
	}
}
