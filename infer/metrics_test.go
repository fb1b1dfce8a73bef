package infer

import (
	"math"
	"math/rand/v2"
	"testing"
)

// smoothGRF returns a periodic Gaussian random field with a Gaussian power
// spectrum exp(−k²ℓ²) (k in radians/pixel), unit variance, and the analytic
// λ = ⟨(∂x u)²⟩ of the realisation computed from its spectrum.
func smoothGRF(n int, ell float64, seed uint64) (x []float64, lambda float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float64, n*n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	f := fft2(w, n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			kx := 2 * math.Pi * float64(freq(j, n)) / float64(n)
			ky := 2 * math.Pi * float64(freq(i, n)) / float64(n)
			f[i*n+j] *= complex(math.Exp(-(kx*kx+ky*ky)*ell*ell/2), 0)
		}
	}
	// inverse via conj trick
	for i := range f {
		f[i] = complex(real(f[i]), -imag(f[i]))
	}
	re := make([]float64, n*n)
	im := make([]float64, n*n)
	for i := range f {
		re[i], im[i] = real(f[i]), imag(f[i])
	}
	fr, fi := fft2(re, n, n), fft2(im, n, n)
	x = make([]float64, n*n)
	for i := range x {
		// ifft(F) = conj(fft(conj F))/N² ; real part: Re(fft(re)) − Im(fft(im))... use linearity
		v := fr[i] + complex(0, 1)*fi[i]
		x[i] = real(v) / float64(n*n)
	}
	mean, std, _, _ := Moments(x)
	for i := range x {
		x[i] = (x[i] - mean) / std
	}
	// λ from the spectrum of the normalised map
	g := fft2(x, n, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			kx := 2 * math.Pi * float64(freq(j, n)) / float64(n)
			v := g[i*n+j]
			lambda += (real(v)*real(v) + imag(v)*imag(v)) * kx * kx
		}
	}
	lambda /= float64(n*n) * float64(n*n)
	return x, lambda
}

func TestMinkowskiGaussianAnalytic(t *testing.T) {
	const n = 256
	nus := []float64{-1.5, -0.5, 0.5, 1.5}
	var v0, v1, v2 [4]float64
	var lam float64
	const reps = 4
	for r := 0; r < reps; r++ {
		x, l := smoothGRF(n, 4, uint64(r+1))
		lam += l / reps
		mf := MinkowskiFunctionals(x, n, n, 0, 1, nus)
		for i := range nus {
			v0[i] += mf.V0[i] / reps
			v1[i] += mf.V1[i] / reps
			v2[i] += mf.V2[i] / reps
		}
	}
	for i, nu := range nus {
		e0 := math.Erfc(nu/math.Sqrt2) / 2
		e1 := math.Sqrt(lam) / 8 * math.Exp(-nu*nu/2)
		e2 := lam * nu * math.Exp(-nu*nu/2) / math.Pow(2*math.Pi, 1.5)
		if math.Abs(v0[i]-e0) > 0.03 {
			t.Errorf("V0(ν=%g) = %.4f, Gaussian expectation %.4f", nu, v0[i], e0)
		}
		if math.Abs(v1[i]-e1) > 0.06*e1 {
			t.Errorf("V1(ν=%g) = %.5f, Gaussian expectation %.5f", nu, v1[i], e1)
		}
		if math.Abs(v2[i]-e2) > 0.2*math.Abs(e2) {
			t.Errorf("V2(ν=%g) = %.3g, Gaussian expectation %.3g", nu, v2[i], e2)
		}
	}
}

func TestPowerSpectrumWhiteNoise(t *testing.T) {
	const n = 128
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, n*n)
	for i := range x {
		x[i] = 2 * rng.NormFloat64() // variance 4
	}
	ps := IsoPowerSpectrum(x, n, n)
	if ps.Edges[0] != 1 || math.Abs(ps.Edges[len(ps.Edges)-1]-n/2) > 1e-9 {
		t.Fatalf("edges %v", ps.Edges)
	}
	for b := range ps.P {
		if ps.Count[b] < 30 {
			continue
		}
		tol := 4 * 4 / math.Sqrt(float64(ps.Count[b]))
		if math.Abs(ps.P[b]-4) > tol {
			t.Errorf("bin %d (k≈%.1f, %d modes): P = %.3f, white noise expectation 4 ± %.2f", b, ps.K[b], ps.Count[b], ps.P[b], tol)
		}
	}
	_, maxDev, _ := PSRatioStats(ps, ps, 2)
	if maxDev != 0 {
		t.Errorf("self ratio deviates by %g", maxDev)
	}
}

func TestWasserstein1(t *testing.T) {
	a := []float64{0, 1, 2, 3}
	b := []float64{1, 2, 3, 4}
	if w := Wasserstein1(a, b); math.Abs(w-1) > 1e-12 {
		t.Errorf("shift by 1: W1 = %g, want 1", w)
	}
	if w := Wasserstein1(a, []float64{3, 2, 1, 0}); w != 0 {
		t.Errorf("permutation: W1 = %g, want 0", w)
	}
	// different sizes: uniform samples vs uniform samples
	c := []float64{0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5}
	if w := Wasserstein1(a, c); w > 0.3 {
		t.Errorf("W1 between two discretisations of one law = %g", w)
	}
}
