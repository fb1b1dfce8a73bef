package filters

import (
	"fmt"
	"math"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// PyWPHK0 is PyWPH's central wavenumber of the mother bump-steerable wavelet,
// k0 = 0.85π radians/pixel (WPHOp.load_filters).
const PyWPHK0 = 0.85 * math.Pi

// PyWPHSigma0 returns the width of PyWPH's mother Gaussian low-pass,
// σ0 = 1/(0.496·2^−0.55·k0) ≈ 1.1047 pixels (k0 = PyWPHK0).
func PyWPHSigma0() float64 { return 1 / (0.496 * math.Pow(2, -0.55) * PyWPHK0) }

// bumpNorm is PyWPH's normalisation c = 2^(L−1)/1.29 · (L−1)! / √(L·(2(L−1))!).
func bumpNorm(L int) float64 {
	lg1, _ := math.Lgamma(float64(L))       // ln (L−1)!
	lg2, _ := math.Lgamma(float64(2*L - 1)) // ln (2(L−1))!
	return math.Exp(float64(L-1)*math.Ln2 - math.Log(1.29) + lg1 - 0.5*(math.Log(float64(L))+lg2))
}

// pyMod is Python's float modulo a % b for b > 0 (result in [0, b)).
func pyMod(a, b float64) float64 {
	r := math.Mod(a, b)
	if r != 0 && r < 0 {
		r += b
	}
	return r
}

// bumpFilter returns PyWPH's bump-steerable wavelet of scale j and angle theta
// (radians, from the column axis) on the M×N grid, folded from the doubled
// frequency grid.
func bumpFilter(M, N, j int, theta float64, L int, dst []float64) {
	c := bumpNorm(L)
	xi := PyWPHK0 / math.Pow(2, float64(j))
	for n := -M; n < M; n++ {
		ky := 2 * math.Pi * float64(n) / float64(M)
		row := mod(n, M) * N
		for m := -N; m < N; m++ {
			kx := 2 * math.Pi * float64(m) / float64(N)
			k := math.Hypot(kx, ky)
			if !(k > 0 && k < 2*xi) {
				continue
			}
			ang := math.Atan2(ky, kx)
			d := pyMod(ang-theta, 2*math.Pi)
			if !(d <= math.Pi/2 || d >= 3*math.Pi/2) {
				continue
			}
			u := (k - xi) * (k - xi)
			v := c * math.Exp(-u/(xi*xi-u)) * ipow(math.Cos(ang-theta), L-1)
			dst[row+mod(m, N)] += v
		}
	}
}

// ipow returns x^n for n ≥ 0.
func ipow(x float64, n int) float64 {
	r := 1.0
	for ; n > 0; n-- {
		r *= x
	}
	return r
}

func bumpBank(M, N, J, L, nTheta int, name string) *stlayer.FilterBank {
	fb := newBank(J*nTheta, M, N, name)
	parallelFor(J*nTheta, func(k int) {
		j, t := k/nTheta, k%nTheta
		bumpFilter(M, N, j, float64(t)*math.Pi/float64(L), L, fb.Filter(k))
	})
	return fb
}

// BumpSteerable returns PyWPH's bump-steerable wavelets (the WPHOp default
// band-pass, real data) on an M×N grid (M rows, N columns; M ≠ N allowed):
// K = J·L filters, index k = j·L + l, j = 0…J−1, θ_l = l·π/L, l = 0…L−1.
//
//	ψ̂_{j,θ}(k) = c · exp(−(|k|−ξ)²/(ξ² − (|k|−ξ)²)) · 1{0<|k|<2ξ}
//	            · cos^{L−1}(arg k − θ) · 1{|arg k − θ| ≤ π/2 (mod 2π)},
//
// ξ = k0/2^j, k0 = PyWPHK0 = 0.85π, c = 2^{L−1}/1.29 · (L−1)!/√(L·(2(L−1))!).
// Angle convention (PyWPH): arg k = atan2(k_row, k_col), i.e. θ is measured
// from the COLUMN axis (k_x along columns, k_y along rows) — opposite to the
// Morlet banks. ψ̂ is evaluated at k = (2π m/N, 2π n/M) for m ∈ [−N, N),
// n ∈ [−M, M) (the doubled grid, |k_i| < 2π) and folded onto M×N by summing the
// aliases (n mod M, m mod N), as PyWPH's _periodization does. ψ̂ ≥ 0 and
// ψ̂[0,0] = 0.
func BumpSteerable(M, N, J, L int) *stlayer.FilterBank {
	checkSize("BumpSteerable", M, N)
	checkJL("BumpSteerable", J, L)
	checkScales("BumpSteerable", J, L)
	checkBank("BumpSteerable", J*L, M, N)
	name := fmt.Sprintf("bump-steerable-pywph J%d L%d %dx%d", J, L, M, N)
	return cached(name, func() *stlayer.FilterBank { return bumpBank(M, N, J, L, L, name) })
}

// BumpSteerableFull is BumpSteerable with 2L orientations covering [0, 2π),
// as PyWPH builds for complex data (cplx=True): K = J·2L, index k = j·2L + t,
// θ_t = t·π/L, t = 0…2L−1. Filter t+L is filter t mirrored, ψ̂_{θ+π}(k) = ψ̂_θ(−k);
// the first L filters of each scale equal BumpSteerable's.
func BumpSteerableFull(M, N, J, L int) *stlayer.FilterBank {
	checkSize("BumpSteerableFull", M, N)
	checkJL("BumpSteerableFull", J, L)
	checkScales("BumpSteerableFull", J, L)
	checkBank("BumpSteerableFull", 2*J*L, M, N)
	name := fmt.Sprintf("bump-steerable-pywph-full J%d L%d(2L angles) %dx%d", J, L, M, N)
	return cached(name, func() *stlayer.FilterBank { return bumpBank(M, N, J, L, 2*L, name) })
}

// PyWPHScalingJs returns PyWPH's default scales of the scaling ("L") moments,
// and hence of its low-pass filters phi_f: j = −1, 0, …, ⌊J/4⌋ (WPHOp.load_model
// with sm_j_list=[]; e.g. {−1, 0, 1} for J = 6, {−1, 0, 1, 2} for J = 8).
func PyWPHScalingJs(J int) []int {
	js := []int{}
	for j := -1; j <= J/4; j++ {
		js = append(js, j)
	}
	return js
}

// GaussianPyWPH returns PyWPH's Gaussian low-pass filters (GaussianFilter with
// fourier=True, used for the scaling moments) for the scales js: K = len(js),
// filter i has scale js[i]. In real space
//
//	g_j(r, c) = Σ_{ex,ey∈{−2,−1,0,1}} exp(−((r+ex·M)² + (c+ey·N)²)/(2σ_j²)) / (2πσ_j²),
//
// σ_j = PyWPHSigma0()·2^j (σ0 = 1/(0.496·2^−0.55·0.85π)), unit integral; the
// stored filter is Re DFT(g_j), so φ̂(0) = Σ g_j ≈ 1 (1.0096 for j = −1, where
// the sampled Gaussian is too narrow for the sum to be 1). Negative j are
// allowed (σ = σ0/2 for j = −1); js must lie in [MinGaussianJ, MaxJ] (panic
// otherwise). PyWPH's WPHOp (v1.1) builds these for the
// scaling-moment scales sm_j_list, by default PyWPHScalingJs(J) = −1 … ⌊J/4⌋.
func GaussianPyWPH(M, N int, js []int) *stlayer.FilterBank {
	checkSize("GaussianPyWPH", M, N)
	if len(js) == 0 {
		panic("filters.GaussianPyWPH: empty js")
	}
	for _, j := range js {
		if j < MinGaussianJ || j > MaxJ {
			panic(fmt.Sprintf("filters.GaussianPyWPH: scale j=%d outside [%d, %d]", j, MinGaussianJ, MaxJ))
		}
	}
	checkBank("GaussianPyWPH", len(js), M, N)
	parts := make([]string, len(js))
	for i, j := range js {
		parts[i] = fmt.Sprint(j)
	}
	name := fmt.Sprintf("gaussian-pywph j=[%s] %dx%d", strings.Join(parts, ","), M, N)
	return cached(name, func() *stlayer.FilterBank {
		fb := newBank(len(js), M, N, name)
		parallelFor(len(js), func(i int) {
			p := gaborParams{
				M: M, N: N, sigma: PyWPHSigma0() * math.Pow(2, float64(js[i])),
				theta: 0, xi: 0, slant: 1, lo: -2, hi: 1, piNorm: math.Pi,
			}
			copy(fb.Filter(i), gaussianFourier(p))
		})
		return fb
	})
}
