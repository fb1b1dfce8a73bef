package datasets

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestReview19FFT2: the exported FFT2 (shared with the CLI's joint phase
// surrogates, which had a copy of fft2) is the unnormalised forward DFT,
// checked against the direct sum on a 6×10 array (sides not powers of two),
// and Inverse undoes Forward.
func TestReview19FFT2(t *testing.T) {
	const m, n = 6, 10
	rng := rand.New(rand.NewPCG(19, 5))
	x := make([]complex128, m*n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	f := NewFFT2(m, n)
	if gm, gn := f.Size(); gm != m || gn != n {
		t.Fatalf("Size() = %d, %d, want %d, %d", gm, gn, m, n)
	}
	z := append([]complex128(nil), x...)
	f.Forward(z)
	for k1 := range m {
		for k2 := range n {
			var want complex128
			for r1 := range m {
				for r2 := range n {
					ph := -2 * math.Pi * (float64(k1*r1)/m + float64(k2*r2)/n)
					want += x[r1*n+r2] * cmplx.Exp(complex(0, ph))
				}
			}
			if d := cmplx.Abs(z[k1*n+k2] - want); d > 1e-12*float64(m*n) {
				t.Fatalf("X[%d,%d] = %v, direct sum %v (|Δ| %.3g)", k1, k2, z[k1*n+k2], want, d)
			}
		}
	}
	f.Inverse(z)
	for i := range x {
		if d := cmplx.Abs(z[i] - x[i]); d > 1e-13 {
			t.Fatalf("Inverse(Forward(x))[%d] = %v, want %v (|Δ| %.3g)", i, z[i], x[i], d)
		}
	}
}
