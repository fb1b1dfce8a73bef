package filters

import (
	"math"
	"testing"
)

// TestMorletThetaPythonInt pins the orientation offset of the Morlet banks to
// Python's int() (truncation toward zero) of L − L/2 − 1, as Cheng's and
// Kymatio's code compute it: ⌊L/2⌋ − 1 for L ≥ 2 and 0 for L = 1 (not
// ⌈L/2⌉ − 1, which differs for odd L ≥ 3).
func TestMorletThetaPythonInt(t *testing.T) {
	// offset[L] = int(L - L/2 - 1) evaluated in Python 3.
	for L, off := range map[int]int{1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2, 8: 3, 16: 7} {
		for l := 0; l < L; l++ {
			want := float64(off-l) * math.Pi / float64(L)
			if got := MorletTheta(l, L); math.Abs(got-want) > 1e-15 {
				t.Errorf("MorletTheta(%d, %d) = %.6f, want %.6f (offset %d)", l, L, got, want, off)
			}
		}
	}
}
