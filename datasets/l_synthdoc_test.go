package datasets

import (
	"math"
	"math/cmplx"
	"strings"
	"testing"
)

// The generators' size limits (2 … 32768 a side), Filamentary's count limit
// (1 … 2^20), and GRFMatchingSpectrum at the Nyquist frequencies of even
// sides: the surrogate's DFT there is ±|REF_k|, real.
func TestSynthDocumentedLimits(t *testing.T) {
	for _, c := range []struct {
		m, n int
		ok   bool
	}{{2, 2, true}, {2, 32768, true}, {1, 4, false}, {32769, 2, false}, {2, 32769, false}} {
		_, err := WhiteNoise(c.m, c.n, 1)
		if (err == nil) != c.ok {
			t.Errorf("WhiteNoise(%d, %d): %v, want ok %v", c.m, c.n, err, c.ok)
		}
	}
	if _, err := Filamentary(8, 8, 1<<20+1, 1, 0); err == nil || !strings.Contains(err.Error(), "1..1048576") {
		t.Errorf("Filamentary with 2^20+1 filaments: %v", err)
	}
	const m, n = 8, 6
	ref, _ := LogNormalField(m, n, -2, 0.5, 3)
	x, err := GRFMatchingSpectrum(ref, m, n, 9)
	if err != nil {
		t.Fatal(err)
	}
	R, X := spectrum(ref, m, n), spectrum(x, m, n)
	for _, k := range [][2]int{{4, 0}, {0, 3}, {4, 3}} {
		i := k[0]*n + k[1]
		if math.Abs(imag(X[i])) > 1e-12 || math.Abs(math.Abs(real(X[i]))-cmplx.Abs(R[i])) > 1e-12 {
			t.Errorf("Nyquist frequency %v: X = %v, want ±|REF| = ±%v", k, X[i], cmplx.Abs(R[i]))
		}
	}
}
