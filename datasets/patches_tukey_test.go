package datasets

import (
	"math"
	"testing"
)

// scipyTukey is scipy.signal.windows.tukey(M, alpha) (sym=True), transcribed
// from its source: the cosine tapers cover n ≤ width and n ≥ M − width − 1,
// width = ⌊α(M − 1)/2⌋.
func scipyTukey(m int, alpha float64) []float64 {
	w := make([]float64, m)
	width := int(math.Floor(alpha * float64(m-1) / 2))
	for n := 0; n < m; n++ {
		x := float64(n)
		switch {
		case alpha <= 0:
			w[n] = 1
		case n <= width:
			w[n] = 0.5 * (1 + math.Cos(math.Pi*(-1+2*x/alpha/float64(m-1))))
		case n >= m-width-1:
			w[n] = 0.5 * (1 + math.Cos(math.Pi*(-2/alpha+1+2*x/alpha/float64(m-1))))
		default:
			w[n] = 1
		}
	}
	return w
}

// TestTukeyWindowMatchesScipy: the patch window is the outer product of
// scipy's symmetric Tukey window with itself (α the tapered fraction).
func TestTukeyWindowMatchesScipy(t *testing.T) {
	for _, s := range []int{8, 9, 16, 33, 64, 256} {
		for _, a := range []float64{0.1, 0.3, 0.5, 0.75, 1} {
			w, ref := TukeyWindow(s, a), scipyTukey(s, a)
			for i := 0; i < s; i++ {
				for j := 0; j < s; j++ {
					if d := math.Abs(w[i*s+j] - ref[i]*ref[j]); d > 1e-12 {
						t.Fatalf("size %d α %g: w(%d, %d) = %g, scipy %g", s, a, i, j, w[i*s+j], ref[i]*ref[j])
					}
				}
			}
		}
	}
}

// TukeyWindow with alpha > 1 (outside PatchConfig's [0, 1], but an exported
// function) gave a lopsided window: for alpha = 2 a rising half-Hann that
// dropped from ≈1 to 0 at the last pixel. It now gives the Hann window, as
// scipy.signal.windows.tukey does for alpha ≥ 1; NaN gives the rectangular
// window, as alpha ≤ 0.
func TestTukeyWindowAlphaBeyondOne(t *testing.T) {
	for _, s := range []int{8, 9, 16} {
		hann := TukeyWindow(s, 1)
		for _, a := range []float64{1.0000001, 1.5, 2, math.Inf(1)} {
			w := TukeyWindow(s, a)
			for i := range w {
				if w[i] != hann[i] {
					t.Fatalf("size %d α %g: w[%d] = %g, want the Hann window's %g", s, a, i, w[i], hann[i])
				}
			}
		}
		if w := TukeyWindow(s, 2); w[s-1] != 0 || w[(s/2)*s+s/2] < 0.9 {
			t.Errorf("size %d α 2: corner %g, centre %g", s, w[s-1], w[(s/2)*s+s/2])
		}
		for _, a := range []float64{math.NaN(), -1, 0} {
			for i, v := range TukeyWindow(s, a) {
				if v != 1 {
					t.Fatalf("size %d α %g: w[%d] = %g, want 1 (rectangular)", s, a, i, v)
				}
			}
		}
	}
	if w := TukeyWindow(1, 0.5); len(w) != 1 || w[0] != 1 {
		t.Errorf("size 1: %v, want [1]", w)
	}
}
