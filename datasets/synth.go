package datasets

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/stkit-org/stkit/stlayer"
)

// synthStream is the second PCG seed word (the stream) for every generator.
const synthStream = 0x5eed_da7a_5e75_0001

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, synthStream)) }

func checkSize(m, n int) error {
	if m < 2 || n < 2 {
		return fmt.Errorf("datasets: synthetic maps need at least 2×2 pixels, got %d×%d", m, n)
	}
	if m > 1<<15 || n > 1<<15 {
		return fmt.Errorf("datasets: synthetic maps are limited to 32768 pixels a side, got %d×%d", m, n)
	}
	return nil
}

// WhiteNoise returns i.i.d. N(0, 1) pixels (not standardised: the sample
// mean and variance fluctuate around 0 and 1).
func WhiteNoise(m, n int, seed uint64) ([]float64, error) {
	if err := checkSize(m, n); err != nil {
		return nil, err
	}
	return whiteNoise(m, n, seed), nil
}

func whiteNoise(m, n int, seed uint64) []float64 {
	r := newRand(seed)
	x := make([]float64, m*n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

// GaussianRandomField returns a periodic Gaussian random field with power
// spectrum P(k) ∝ |k|^slope (e.g. slope = −3 for a red, smooth field; 0 for
// white noise), built by filtering WhiteNoise(m, n, seed) in Fourier space
// with |k|^(slope/2) and a zero k = 0 mode, then standardised: the returned
// map has sample mean exactly 0 and sample variance (1/(mn) Σ x²) exactly 1
// (to rounding).
func GaussianRandomField(m, n int, slope float64, seed uint64) ([]float64, error) {
	if err := checkSize(m, n); err != nil {
		return nil, err
	}
	if math.IsNaN(slope) || math.IsInf(slope, 0) {
		return nil, fmt.Errorf("datasets: GRF slope must be finite, got %v", slope)
	}
	f := newFFT2(m, n)
	z := toComplex(whiteNoise(m, n, seed))
	f.forward(z)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := f.radius(i, j)
			if k == 0 {
				z[i*n+j] = 0
				continue
			}
			z[i*n+j] *= complex(math.Pow(k, slope/2), 0)
		}
	}
	f.inverse(z)
	return standardise(realPart(z))
}

// LogNormalField returns exp(σ·g), standardised to mean 0 and variance 1,
// where g = GaussianRandomField(m, n, slope, seed). σ > 0 sets the
// non-Gaussianity: the skewness of exp(σ·g) for a unit Gaussian g is
// (e^{σ²} + 2)·sqrt(e^{σ²} − 1) (0.95 for σ = 0.3, 6.2 for σ = 1).
func LogNormalField(m, n int, slope, sigma float64, seed uint64) ([]float64, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("datasets: log-normal sigma must be positive and finite, got %v", sigma)
	}
	g, err := GaussianRandomField(m, n, slope, seed)
	if err != nil {
		return nil, err
	}
	for i, x := range g {
		g[i] = math.Exp(sigma * x)
	}
	return standardise(g)
}

// Filamentary returns a field made of count (1 to 2^20) random curved
// filaments, standardised to mean 0 and variance 1. Each filament is a circular arc:
// start point uniform on the (periodic) map, initial direction θ0 uniform in
// [0, π), length L uniform in [0.1, 0.5]·min(m, n) pixels, total bend uniform
// in [−π/3, π/3] (the direction turns linearly along the arc), brightness
// a = exp(0.5·N(0, 1)) per unit length. The arcs are drawn as line densities
// (samples every 0.5 pixel, bilinear deposit, periodic wrap) and convolved
// with a Gaussian of standard deviation width pixels (in Fourier space, so
// the field stays periodic). The result is strongly non-Gaussian (positive
// skewness, heavy tail) with anisotropic, elongated structures of thickness
// ≈ width.
func Filamentary(m, n, count int, width float64, seed uint64) ([]float64, error) {
	if err := checkSize(m, n); err != nil {
		return nil, err
	}
	if count < 1 || count > 1<<20 {
		return nil, fmt.Errorf("datasets: filament count must be in 1..%d, got %d", 1<<20, count)
	}
	if !(width > 0) || math.IsInf(width, 0) {
		return nil, fmt.Errorf("datasets: filament width must be positive and finite, got %v", width)
	}
	r := newRand(seed)
	x := make([]float64, m*n)
	deposit := func(y, xx, w float64) {
		y0, x0 := math.Floor(y), math.Floor(xx)
		fy, fx := y-y0, xx-x0
		i0 := mod(int(y0), m)
		j0 := mod(int(x0), n)
		i1, j1 := (i0+1)%m, (j0+1)%n
		x[i0*n+j0] += w * (1 - fy) * (1 - fx)
		x[i0*n+j1] += w * (1 - fy) * fx
		x[i1*n+j0] += w * fy * (1 - fx)
		x[i1*n+j1] += w * fy * fx
	}
	const ds = 0.5
	for c := 0; c < count; c++ {
		y, xx := r.Float64()*float64(m), r.Float64()*float64(n)
		theta := r.Float64() * math.Pi
		length := (0.1 + 0.4*r.Float64()) * float64(min(m, n))
		bend := (r.Float64()*2 - 1) * math.Pi / 3
		amp := math.Exp(0.5 * r.NormFloat64())
		steps := int(math.Ceil(length / ds))
		for s := 0; s <= steps; s++ {
			deposit(y, xx, amp*ds)
			t := theta + bend*float64(s)/float64(steps)
			y += ds * math.Sin(t)
			xx += ds * math.Cos(t)
			// keep coordinates bounded (periodic)
			y, xx = math.Mod(y+float64(m), float64(m)), math.Mod(xx+float64(n), float64(n))
		}
	}
	f := newFFT2(m, n)
	z := toComplex(x)
	f.forward(z)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := f.radius(i, j)
			z[i*n+j] *= complex(math.Exp(-2*math.Pi*math.Pi*width*width*k*k), 0)
		}
	}
	f.inverse(z)
	return standardise(realPart(z))
}

// GRFMatchingSpectrum returns a phase-randomised surrogate of the m×n
// reference map ref: its DFT is |REF_k|·e^{iφ_k}, with REF the DFT of ref and
// φ_k the phases of the DFT of WhiteNoise(m, n, seed) (uniform, independent up
// to the Hermitian symmetry φ_{−k} = −φ_k that keeps the map real; at the
// Nyquist frequencies of an even side, which are their own negatives, the
// DFT is real and e^{iφ_k} = ±1), and the k = 0 coefficient kept as REF_0. So |DFT| equals the reference's at every
// frequency: the full 2D power spectrum, the mean and the variance are
// reproduced exactly, and the one-point distribution tends to a Gaussian.
// This is the "random phase" initialisation of microcanonical synthesis.
func GRFMatchingSpectrum(ref []float64, m, n int, seed uint64) ([]float64, error) {
	if err := checkRef(ref, m, n); err != nil {
		return nil, err
	}
	f := newFFT2(m, n)
	R := toComplex(ref)
	f.forward(R)
	W := toComplex(whiteNoise(m, n, seed))
	f.forward(W)
	for k := range W {
		a := cmplx.Abs(W[k])
		if a == 0 {
			W[k] = complex(cmplx.Abs(R[k]), 0)
			continue
		}
		W[k] *= complex(cmplx.Abs(R[k])/a, 0)
	}
	W[0] = R[0]
	f.inverse(W)
	return realPart(W), nil
}

// GRFMatchingIsotropicSpectrum returns a Gaussian random field whose expected
// power spectrum is the isotropic (annulus-averaged) power spectrum of the
// m×n reference map ref. Annuli are |k|·max(m, n) rounded to the nearest
// integer (integer radii in units of the fundamental frequency for square
// maps); P(a) is the mean of |REF_k|² over the non-zero frequencies of
// annulus a. The output's DFT is W_k·sqrt(P(a(k))/(mn)), W the DFT of
// WhiteNoise(m, n, seed) (so E|X_k|² = P(a(k))), with the k = 0 coefficient
// set to REF_0 (same mean as ref).
func GRFMatchingIsotropicSpectrum(ref []float64, m, n int, seed uint64) ([]float64, error) {
	if err := checkRef(ref, m, n); err != nil {
		return nil, err
	}
	f := newFFT2(m, n)
	R := toComplex(ref)
	f.forward(R)
	power, _, bin := f.annulusPower(R)
	W := toComplex(whiteNoise(m, n, seed))
	f.forward(W)
	scale := 1 / float64(m*n)
	for k := range W {
		W[k] *= complex(math.Sqrt(power[bin[k]]*scale), 0)
	}
	W[0] = R[0]
	f.inverse(W)
	return realPart(W), nil
}

// StackMaps copies equally sized m×n maps into a batch [B = len(maps), m, n].
func StackMaps(m, n int, maps ...[]float64) (*stlayer.Maps, error) {
	if len(maps) == 0 || m < 1 || n < 1 {
		return nil, fmt.Errorf("datasets: StackMaps needs at least one map of at least 1×1 pixel")
	}
	out := stlayer.NewMaps(len(maps), m, n)
	for b, x := range maps {
		if len(x) != m*n {
			return nil, fmt.Errorf("datasets: StackMaps: map %d has %d pixels, want %d×%d = %d", b, len(x), m, n, m*n)
		}
		copy(out.Map(b), x)
	}
	return out, nil
}

func checkRef(ref []float64, m, n int) error {
	if err := checkSize(m, n); err != nil {
		return err
	}
	if len(ref) != m*n {
		return fmt.Errorf("datasets: reference map has %d pixels, want %d×%d = %d", len(ref), m, n, m*n)
	}
	for i, x := range ref {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("datasets: reference map has a non-finite pixel %v at row %d, column %d", x, i/n, i%n)
		}
	}
	return nil
}

// standardise subtracts the mean and divides by the standard deviation
// (1/N normalisation).
func standardise(x []float64) ([]float64, error) {
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	ss := 0.0
	for i := range x {
		x[i] -= mean
		ss += x[i] * x[i]
	}
	sd := math.Sqrt(ss / float64(len(x)))
	if !(sd > 0) || math.IsInf(sd, 0) {
		return nil, fmt.Errorf("datasets: cannot standardise a field with standard deviation %v", sd)
	}
	for i := range x {
		x[i] /= sd
	}
	return x, nil
}

func mod(a, n int) int {
	a %= n
	if a < 0 {
		a += n
	}
	return a
}

func toComplex(x []float64) []complex128 {
	z := make([]complex128, len(x))
	for i, v := range x {
		z[i] = complex(v, 0)
	}
	return z
}

func realPart(z []complex128) []float64 {
	x := make([]float64, len(z))
	for i, v := range z {
		x[i] = real(v)
	}
	return x
}

// fft2 is a 2D DFT over row-major m×n complex data built from gonum's 1D
// transforms (rows, then columns).
type fft2 struct {
	m, n       int
	rows, cols *fourier.CmplxFFT
	col        []complex128
}

func newFFT2(m, n int) *fft2 {
	return &fft2{m: m, n: n, rows: fourier.NewCmplxFFT(n), cols: fourier.NewCmplxFFT(m), col: make([]complex128, m)}
}

// forward computes X_k = Σ_r x_r e^{−2πi(k1 r1/m + k2 r2/n)} in place.
func (f *fft2) forward(z []complex128) { f.transform(z, false) }

// inverse computes x_r = (1/(mn)) Σ_k X_k e^{+2πi(k1 r1/m + k2 r2/n)} in place.
func (f *fft2) inverse(z []complex128) {
	f.transform(z, true)
	s := complex(1/float64(f.m*f.n), 0)
	for i := range z {
		z[i] *= s
	}
}

func (f *fft2) transform(z []complex128, inv bool) {
	m, n := f.m, f.n
	for i := 0; i < m; i++ {
		row := z[i*n : (i+1)*n]
		if inv {
			f.rows.Sequence(row, row)
		} else {
			f.rows.Coefficients(row, row)
		}
	}
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			f.col[i] = z[i*n+j]
		}
		if inv {
			f.cols.Sequence(f.col, f.col)
		} else {
			f.cols.Coefficients(f.col, f.col)
		}
		for i := 0; i < m; i++ {
			z[i*n+j] = f.col[i]
		}
	}
}

// freqIndex returns the signed frequency of DFT index k of an n-point
// transform (numpy's fftfreq times n).
func freqIndex(k, n int) int {
	if k <= (n-1)/2 {
		return k
	}
	return k - n
}

// radius returns |k| in cycles per pixel for DFT index (i, j).
func (f *fft2) radius(i, j int) float64 {
	ky := float64(freqIndex(i, f.m)) / float64(f.m)
	kx := float64(freqIndex(j, f.n)) / float64(f.n)
	return math.Hypot(ky, kx)
}

// annulusPower averages |Z_k|² over annuli a = round(|k|·max(m, n)),
// excluding k = 0 (annulus 0 holds only k = 0 and gets power 0). It returns
// the mean power and the mean |k| per annulus, and the annulus of every
// frequency.
func (f *fft2) annulusPower(Z []complex128) (power, kmean []float64, bin []int) {
	L := float64(max(f.m, f.n))
	bin = make([]int, len(Z))
	nb := 0
	for i := 0; i < f.m; i++ {
		for j := 0; j < f.n; j++ {
			a := int(math.Round(f.radius(i, j) * L))
			bin[i*f.n+j] = a
			nb = max(nb, a+1)
		}
	}
	power = make([]float64, nb)
	kmean = make([]float64, nb)
	count := make([]int, nb)
	for i := 0; i < f.m; i++ {
		for j := 0; j < f.n; j++ {
			k := i*f.n + j
			if k == 0 {
				continue
			}
			a := bin[k]
			power[a] += real(Z[k])*real(Z[k]) + imag(Z[k])*imag(Z[k])
			kmean[a] += f.radius(i, j)
			count[a]++
		}
	}
	for a := range power {
		if count[a] > 0 {
			power[a] /= float64(count[a])
			kmean[a] /= float64(count[a])
		}
	}
	return power, kmean, bin
}
