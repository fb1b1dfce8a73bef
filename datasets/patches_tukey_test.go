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
