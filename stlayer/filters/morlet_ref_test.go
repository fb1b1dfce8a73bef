package filters

// The Morlet construction as it was before the row-sparse, column-tiled
// rewrite (a full M×N periodised Gabor pair, then a full 2D FFT by gonum): the
// reference for the bits of morletScratch.morlet and .gaussian and of their
// banks.

import (
	"fmt"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"gonum.org/v1/gonum/dsp/fourier"
)

// refGaborPair returns the normalised periodised Gabor g_ξ (complex) and the
// normalised periodised envelope g_0 (the same Gabor with ξ = 0, real).
func refGaborPair(p gaborParams) (gab []complex128, env []float64) {
	M, N := p.M, p.N
	ct, st := math.Cos(p.theta), math.Sin(p.theta)
	s2 := p.slant * p.slant
	inv := 1 / (2 * p.sigma * p.sigma)
	c00 := (ct*ct + st*st*s2) * inv
	c01 := 2 * ct * st * (1 - s2) * inv // curv[0,1] + curv[1,0]
	c11 := (st*st + ct*ct*s2) * inv
	// Smallest eigenvalue of C, used to skip whole copies whose exponent is
	// beyond expCut everywhere.
	lmin := math.Min(1, s2) * inv
	kr, kc := p.xi*ct, p.xi*st

	gab = make([]complex128, M*N)
	env = make([]float64, M*N)
	for ex := p.lo; ex <= p.hi; ex++ {
		r0, r1 := ex*M, ex*M+M-1
		dr := distToRange(r0, r1)
		for ey := p.lo; ey <= p.hi; ey++ {
			c0, c1 := ey*N, ey*N+N-1
			dc := distToRange(c0, c1)
			if lmin*(dr*dr+dc*dc) > expCut {
				continue
			}
			for r := 0; r < M; r++ {
				x := float64(r + ex*M)
				row := r * N
				// Columns where q(x, y) = c11 y² + c01 x y + c00 x² ≤ expCut
				// (c11 > 0), widened by one pixel; q is still tested per point.
				disc := c01*c01*x*x - 4*c11*(c00*x*x-expCut)
				if disc < 0 {
					continue
				}
				sq := math.Sqrt(disc)
				cLo := max(0, int(math.Floor((-c01*x-sq)/(2*c11)))-ey*N-1)
				cHi := min(N-1, int(math.Ceil((-c01*x+sq)/(2*c11)))-ey*N+1)
				for c := cLo; c <= cHi; c++ {
					y := float64(c + ey*N)
					q := c00*x*x + c01*x*y + c11*y*y
					if q > expCut {
						continue
					}
					e := math.Exp(-q)
					env[row+c] += e
					if p.xi != 0 {
						s, co := math.Sincos(x*kr + y*kc)
						gab[row+c] += complex(e*co, e*s)
					}
				}
			}
		}
	}
	norm := 2 * p.piNorm * p.sigma * p.sigma / p.slant
	for i := range env {
		env[i] /= norm
		if p.xi == 0 {
			gab[i] = complex(env[i], 0)
		} else {
			gab[i] /= complex(norm, 0)
		}
	}
	return gab, env
}

// refMorletFourier returns Re DFT(ψ) of the Morlet ψ = g_ξ − K g_0,
// K = Σ g_ξ / Σ g_0 (so that Σ_u ψ(u) = 0).
func refMorletFourier(p gaborParams) []float64 {
	gab, env := refGaborPair(p)
	var sg complex128
	var se float64
	for i := range gab {
		sg += gab[i]
		se += env[i]
	}
	K := sg / complex(se, 0)
	for i := range gab {
		gab[i] -= K * complex(env[i], 0)
	}
	fft2(gab, p.M, p.N)
	out := make([]float64, len(gab))
	for i, v := range gab {
		out[i] = real(v)
	}
	return out
}

// refGaussianFourier returns Re DFT(g_0) of the isotropic periodised Gaussian
// (ξ = 0, θ = 0, slant 1).
func refGaussianFourier(p gaborParams) []float64 {
	_, env := refGaborPair(p)
	a := make([]complex128, len(env))
	for i, v := range env {
		a[i] = complex(v, 0)
	}
	fft2(a, p.M, p.N)
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = real(v)
	}
	return out
}

// refMorletBank builds J·L Morlets (index k = j·L + l) with the shared
// Kymatio/Cheng parameters σ_j = 0.8·2^j, ξ_j = (3π/4)·2^−j, slant 4/L,
// θ_l = MorletTheta(l, L).
func refMorletBank(M, N, J, L, lo, hi int, piNorm float64, zeroDC bool, name string) *stlayer.FilterBank {
	fb := newBank(J*L, M, N, name)
	parallelFor(J*L, func(k int) {
		j, l := k/L, k%L
		p := gaborParams{
			M: M, N: N,
			sigma: 0.8 * math.Pow(2, float64(j)),
			theta: MorletTheta(l, L),
			xi:    3.0 / 4.0 * math.Pi / math.Pow(2, float64(j)),
			slant: 4.0 / float64(L),
			lo:    lo, hi: hi,
			piNorm: piNorm,
		}
		f := refMorletFourier(p)
		if zeroDC {
			f[0] = 0
		}
		copy(fb.Filter(k), f)
	})
	return fb
}

// fft2 replaces a (M×N, row-major) by its unnormalised forward 2D DFT
// X[k1,k2] = Σ x[n1,n2] exp(−2πi(k1n1/M + k2n2/N)).
func fft2(a []complex128, M, N int) {
	row := fourier.NewCmplxFFT(N)
	for r := 0; r < M; r++ {
		s := a[r*N : (r+1)*N]
		row.Coefficients(s, s)
	}
	col := fourier.NewCmplxFFT(M)
	buf := make([]complex128, M)
	for c := 0; c < N; c++ {
		for r := 0; r < M; r++ {
			buf[r] = a[r*N+c]
		}
		col.Coefficients(buf, buf)
		for r := 0; r < M; r++ {
			a[r*N+c] = buf[r]
		}
	}
}

// sameBits fails unless got and want hold the same float64 bits.
func sameBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i, v := range got {
		if math.Float64bits(v) != math.Float64bits(want[i]) {
			t.Fatalf("%s: value %d = %v (%#x), reference %v (%#x)", what, i, v, math.Float64bits(v), want[i], math.Float64bits(want[i]))
		}
	}
}

// The Morlet and Gaussian banks are bit for bit the full-grid construction
// (refMorletBank, refGaussianFourier), and MorletChengBand bit for bit the
// crop of its scale's filters: square, non-square and odd grids, slant 1
// (L = 4) and anisotropic (L ≠ 4), scales whose Gabor reaches a few rows
// and scales that reach all of them.
func TestMorletBitsMatchFullGridConstruction(t *testing.T) {
	for _, c := range []struct{ M, N, J, L int }{
		{32, 32, 4, 4}, {24, 40, 3, 8}, {17, 21, 3, 3}, {128, 96, 6, 4}, {40, 64, 4, 6}, {64, 30, 4, 1},
	} {
		ref := refMorletBank(c.M, c.N, c.J, c.L, -1, 0, math.Pi, true, "ref")
		sameBits(t, fmt.Sprintf("MorletCheng%v", c), MorletCheng(c.M, c.N, c.J, c.L).Data, ref.Data)
		kref := refMorletBank(c.M, c.N, c.J, c.L, -2, 2, kymatioPi, false, "ref")
		psi, phi := MorletKymatio(c.M, c.N, c.J, c.L)
		sameBits(t, fmt.Sprintf("MorletKymatio%v psi", c), psi.Data, kref.Data)
		sameBits(t, fmt.Sprintf("MorletKymatio%v phi", c), phi.Data, refGaussianFourier(gaborParams{
			M: c.M, N: c.N, sigma: 0.8 * math.Pow(2, float64(c.J-1)), xi: 0, slant: 1, lo: -2, hi: 2, piNorm: kymatioPi,
		}))
		js := []int{-1, 0, c.J / 2}
		g := GaussianPyWPH(c.M, c.N, js)
		for i, j := range js {
			sameBits(t, fmt.Sprintf("GaussianPyWPH%v j=%d", c, j), g.Filter(i), refGaussianFourier(gaborParams{
				M: c.M, N: c.N, sigma: PyWPHSigma0() * math.Pow(2, float64(j)), xi: 0, slant: 1, lo: -2, hi: 1, piNorm: math.Pi,
			}))
		}
		crops := Crops(c.M, c.N, c.J)
		for j := 0; j < c.J; j++ {
			sub := Subset(ref, seq(j*c.L, c.L))
			for _, hw := range [][2]int{{c.M, c.N}, crops[j], {(c.M + 1) / 2, c.N/3 + 1}, {1, 2}, {c.M, 1}} {
				h, w := min(hw[0], c.M), min(hw[1], c.N)
				got := MorletChengBand(c.M, c.N, j, c.L, h, w)
				if got.K != c.L || got.H != h || got.W != w {
					t.Fatalf("%v j=%d crop %dx%d: bank K=%d %dx%d", c, j, h, w, got.K, got.H, got.W)
				}
				sameBits(t, fmt.Sprintf("MorletChengBand%v j=%d crop %dx%d", c, j, h, w), got.Data, Cropped(sub, h, w).Data)
				if MorletChengBand(c.M, c.N, j, c.L, h, w) != got {
					t.Errorf("%v j=%d crop %dx%d: not cached", c, j, h, w)
				}
			}
		}
	}
}

// The rows the construction leaves out are those the full-grid Morlet holds
// as +0 +0i before its FFT (what lets fourierReal use one transform, s.zero,
// for all of them), and the fine scales do leave most rows out.
func TestMorletSkippedRowsArePositiveZero(t *testing.T) {
	M, N, L := 96, 80, 4
	s := newMorletScratch(M, N)
	for j := 0; j < 5; j++ {
		for l := 0; l < L; l++ {
			p := morletParams(M, N, j, l, L, -1, 0, math.Pi)
			s.gaborPair(p)
			if j == 0 && len(s.rows) > M/4 {
				t.Errorf("j=0 l=%d: %d of %d rows stored", l, len(s.rows), M)
			}
			gab, env := refGaborPair(p)
			var sg complex128
			var se float64
			for i := range gab {
				sg += gab[i]
				se += env[i]
			}
			K := sg / complex(se, 0)
			for r := 0; r < M; r++ {
				if s.at[r] >= 0 {
					continue
				}
				for c := 0; c < N; c++ {
					v := gab[r*N+c] - K*complex(env[r*N+c], 0)
					if math.Float64bits(real(v)) != 0 || math.Float64bits(imag(v)) != 0 {
						t.Fatalf("j=%d l=%d: skipped row %d column %d holds %v, not +0", j, l, r, c, v)
					}
				}
			}
		}
	}
}
