package gfft

import "testing"

// TestReview19CheckSizePrimeSides pins what datasets.ValidateMaps' doc says
// of the graph engine's four-step FFT: sides with a prime factor above 128
// (262 = 2·131, 501 = 3·167, 997) are refused, their smooth neighbours
// (260, 500, 996 = 4·3·83) taken.
func TestReview19CheckSizePrimeSides(t *testing.T) {
	for _, n := range []int{262, 501, 997} {
		if CheckSize(n) == nil {
			t.Errorf("CheckSize(%d) accepted a side with a prime factor above %d", n, maxFactor)
		}
	}
	for _, n := range []int{260, 500, 996} {
		if err := CheckSize(n); err != nil {
			t.Errorf("CheckSize(%d): %v", n, err)
		}
	}
}
