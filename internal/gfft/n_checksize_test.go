package gfft

import (
	"strings"
	"testing"
)

// TestCheckSizeSmoothRange pins CheckSize's doc: every even size ≤ 12148
// with prime factors ≤ 7 and every power of two ≤ 16384 is accepted, and
// between 12148 and 16384 exactly the nine documented even 7-smooth sizes are
// refused (the doc used to say all even 7-smooth sizes up to 16384 qualify).
func TestCheckSizeSmoothRange(t *testing.T) {
	smooth := func(n int) bool {
		for _, p := range []int{2, 3, 5, 7} {
			for n%p == 0 {
				n /= p
			}
		}
		return n == 1
	}
	refused := map[int]bool{12150: true, 13122: true, 13720: true, 14406: true, 14580: true, 14700: true, 15552: true, 15680: true, 16200: true}
	for n := 2; n <= 16384; n += 2 {
		if !smooth(n) {
			continue
		}
		err := CheckSize(n)
		switch {
		case refused[n] && err == nil:
			t.Errorf("CheckSize(%d) accepted; the doc lists it as refused", n)
		case refused[n] && !strings.Contains(err.Error(), "12148"):
			t.Errorf("CheckSize(%d): the error should say which sizes split: %v", n, err)
		case !refused[n] && err != nil:
			t.Errorf("CheckSize(%d): %v", n, err)
		}
	}
	for n := 1; n <= 16384; n *= 2 {
		if err := CheckSize(n); err != nil {
			t.Errorf("CheckSize(%d): %v", n, err)
		}
	}
	// The refused sizes really have no factor pair both ≤ 128.
	for n := range refused {
		for a := 2; a <= 128; a++ {
			if n%a == 0 && n/a <= 128 {
				t.Errorf("%d = %d·%d splits", n, a, n/a)
			}
		}
	}
}
