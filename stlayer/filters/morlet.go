package filters

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// gaborParams describes a periodised real-space Gabor filter on an M×N grid:
//
//	g(u) = Σ_{ex,ey ∈ [lo, hi]} exp(−u'ᵀ C u' + i ξ (u'_r cos θ + u'_c sin θ)) / (2 π_n σ² / s),
//	u' = (r + ex·M, c + ey·N),  C = R_θ diag(1, s²) R_θ⁻¹ / (2σ²),
//
// for pixel (r, c) (row, column), r ∈ [0, M), c ∈ [0, N). π_n is the value of
// π used in the normalisation (math.Pi, or Kymatio's literal 3.1415).
type gaborParams struct {
	M, N         int
	sigma, theta float64
	xi, slant    float64
	lo, hi       int // periodisation copies ex, ey ∈ [lo, hi]
	piNorm       float64
}

// expCut bounds the quadratic exponent q of the Gaussian envelope: terms
// with q > expCut (envelope below e^−60 ≈ 1e−26 of its peak) are skipped.
// With at most 25·M·N such terms, each below e^−60·s/(2πσ²), their total
// effect on any ψ̂(k) is below 25·M·N·1e−26 (< 1e−17 for maps up to
// 4096²), i.e. below float64 resolution of filters whose peak is ≈ 1.
const expCut = 60.0

// gaborPair returns the normalised periodised Gabor g_ξ (complex) and the
// normalised periodised envelope g_0 (the same Gabor with ξ = 0, real).
func gaborPair(p gaborParams) (gab []complex128, env []float64) {
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

// distToRange is the distance from 0 to the integer interval [a, b].
func distToRange(a, b int) float64 {
	switch {
	case a > 0:
		return float64(a)
	case b < 0:
		return float64(-b)
	}
	return 0
}

// morletFourier returns Re DFT(ψ) of the Morlet ψ = g_ξ − K g_0,
// K = Σ g_ξ / Σ g_0 (so that Σ_u ψ(u) = 0).
func morletFourier(p gaborParams) []float64 {
	gab, env := gaborPair(p)
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

// gaussianFourier returns Re DFT(g_0) of the isotropic periodised Gaussian
// (ξ = 0, θ = 0, slant 1).
func gaussianFourier(p gaborParams) []float64 {
	_, env := gaborPair(p)
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

// MorletTheta returns the orientation of Morlet filter l out of L in the
// Cheng/Kymatio convention, θ_l = (int(L − L/2 − 1) − l)·π/L, where
// int(L − L/2 − 1) is Python's int() (truncation toward zero) of the float
// L − L/2 − 1: ⌊L/2⌋ − 1 for L ≥ 2 (L/2 − 1 for even L, (L−3)/2 for odd L)
// and 0 for L = 1. For L = 4: θ = π/4, 0, −π/4, −π/2; for L = 8: θ = 3π/8 …
// −4π/8 (TestMorletThetaPythonInt pins these values).
// θ is measured from the row axis: the wave vector is ξ(cos θ, sin θ) in
// (row, column) coordinates.
func MorletTheta(l, L int) float64 {
	off := int(float64(L) - float64(L)/2 - 1) // truncation, as Python's int()
	return float64(off-l) * math.Pi / float64(L)
}

// morletBank builds J·L Morlets (index k = j·L + l) with the shared
// Kymatio/Cheng parameters σ_j = 0.8·2^j, ξ_j = (3π/4)·2^−j, slant 4/L,
// θ_l = MorletTheta(l, L).
func morletBank(M, N, J, L, lo, hi int, piNorm float64, zeroDC bool, name string) *stlayer.FilterBank {
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
		f := morletFourier(p)
		if zeroDC {
			f[0] = 0
		}
		copy(fb.Filter(k), f)
	})
	return fb
}

// MorletCheng returns the Morlet bank of Cheng's `scattering` package
// (Scattering2d(..., wavelets='morlet'), FiltersSet.generate_wavelets) on an
// M×N grid (M rows, N columns; M ≠ N allowed): K = J·L filters, index
// k = j·L + l, j = 0…J−1 (finest first), l = 0…L−1.
//
// Filter (j, l) is ψ̂ = Re DFT(ψ) with ψ = g_ξ − K g_0 the real-space Morlet,
//
//	g_ξ(u) = Σ_{ex,ey∈{−1,0}} exp(−u'ᵀ R_θ D R_θ⁻¹ u'/(2σ²) + i ξ(u'_r cos θ + u'_c sin θ)) · s/(2πσ²),
//
// u' = (r + ex·M, c + ey·N) the periodised (row, column) offset, D = diag(1, s²),
// K = Σ_u g_ξ / Σ_u g_0 (exact zero mean), σ = 0.8·2^j, ξ = (3π/4)·2^−j
// radians/pixel, slant s = 4/L, θ = MorletTheta(l, L) = (int(L−L/2−1) − l)·π/L
// measured from the row axis (the filter peaks near k = ξ(cos θ, sin θ) in
// (k_row, k_col)). Normalisation: π = math.Pi, so the peak of ψ̂ is ≈ 1; the
// DC value ψ̂[0,0] is set to exactly 0 as Cheng does.
func MorletCheng(M, N, J, L int) *stlayer.FilterBank {
	checkSize("MorletCheng", M, N)
	checkJL("MorletCheng", J, L)
	checkScales("MorletCheng", J, L)
	checkBank("MorletCheng", J*L, M, N)
	name := fmt.Sprintf("morlet-cheng J%d L%d %dx%d", J, L, M, N)
	return cached(name, func() *stlayer.FilterBank {
		return morletBank(M, N, J, L, -1, 0, math.Pi, true, name)
	})
}

// kymatioPi is the literal value of π in Kymatio's gabor_2d normalisation.
const kymatioPi = 3.1415

// MorletKymatio returns Kymatio's Scattering2D filters at full resolution on
// the M×N grid it is given (Kymatio builds them at the padded size: for a
// 256×256 input with J = 6 that is 384×384; the caller passes that size).
//
// psi: K = J·L Morlets, index k = j·L + l, with the same formula and
// parameters as MorletCheng except that (i) the periodisation sums 5×5 copies
// ex, ey ∈ {−2, …, 2}, (ii) the normalisation uses Kymatio's literal 3.1415
// instead of π (ψ̂ is larger by π/3.1415 ≈ 1.0000295), and (iii) ψ̂[0,0] is
// left as computed (zero up to round-off). Values are float64 (Kymatio builds
// them in complex64/float32; this difference is ~1e−7 relative).
//
// phi: K = 1, the Fourier transform Re DFT(g) of the periodised Gaussian
// g(u) = Σ exp(−|u'|²/(2σ²))/(2·3.1415·σ²), σ = 0.8·2^(J−1), same 5×5
// copies; φ̂(0) = Σ g ≈ π/3.1415.
//
// Kymatio's lower-resolution "levels" of each filter (periodize_filter_fft at
// res) are the low-frequency (M/2^res)×(N/2^res) blocks: Cropped(psi, M>>res, N>>res).
func MorletKymatio(M, N, J, L int) (psi *stlayer.FilterBank, phi *stlayer.FilterBank) {
	checkSize("MorletKymatio", M, N)
	checkJL("MorletKymatio", J, L)
	checkScales("MorletKymatio", J, L)
	checkBank("MorletKymatio", J*L, M, N)
	pname := fmt.Sprintf("morlet-kymatio J%d L%d %dx%d", J, L, M, N)
	psi = cached(pname, func() *stlayer.FilterBank {
		return morletBank(M, N, J, L, -2, 2, kymatioPi, false, pname)
	})
	fname := fmt.Sprintf("gaussian-kymatio J%d %dx%d", J, M, N)
	phi = cached(fname, func() *stlayer.FilterBank {
		fb := newBank(1, M, N, fname)
		p := gaborParams{
			M: M, N: N, sigma: 0.8 * math.Pow(2, float64(J-1)),
			theta: 0, xi: 0, slant: 1, lo: -2, hi: 2, piNorm: kymatioPi,
		}
		copy(fb.Filter(0), gaussianFourier(p))
		return fb
	})
	return psi, phi
}
