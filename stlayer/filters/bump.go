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
// σ0 = 1/(0.496·2^−0.55·k0) ≈ 1.10539 pixels (k0 = PyWPHK0).
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
// frequency grid, into dst (M×N, zero on entry).
func bumpFilter(M, N, j int, theta float64, L int, dst []float64) {
	bumpFilterOn(M, N, j, theta, L, identity(M), identity(N), dst)
}

// identity returns 0, 1, …, n−1.
func identity(n int) []int {
	a := make([]int, n)
	for i := range a {
		a[i] = i
	}
	return a
}

// bumpFilterOn is bumpFilter restricted to the rows and columns of the M×N
// grid where rowAt and colAt are ≥ 0: the value of grid cell (r, c) goes to
// dst[rowAt[r]·w + colAt[c]] (w the number of kept columns). The kept cells
// receive exactly bumpFilter's values: each cell sums the same aliases of the
// doubled grid in the same order (n, then m, ascending), only the skipped
// rows and columns are not evaluated. Rows and columns of the doubled grid
// with |k_row| or |k_col| ≥ 2ξ are skipped too: there |k| = Hypot(k_col,
// k_row) ≥ 2ξ (Hypot never rounds below the larger of its arguments), outside
// the support.
func bumpFilterOn(M, N, j int, theta float64, L int, rowAt, colAt []int, dst []float64) {
	c := bumpNorm(L)
	xi := PyWPHK0 / math.Pow(2, float64(j))
	w := 0
	for _, a := range colAt {
		if a >= 0 {
			w++
		}
	}
	for n := -M; n < M; n++ {
		ky := 2 * math.Pi * float64(n) / float64(M)
		ra := rowAt[mod(n, M)]
		if ra < 0 || !(math.Abs(ky) < 2*xi) {
			continue
		}
		row := ra * w
		for m := -N; m < N; m++ {
			ca := colAt[mod(m, N)]
			if ca < 0 {
				continue
			}
			kx := 2 * math.Pi * float64(m) / float64(N)
			if !(math.Abs(kx) < 2*xi) {
				continue
			}
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
			dst[row+ca] += v
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
// aliases (n mod M, m mod N), as PyWPH's _periodization does.
// ψ̂[0,0] = 0 exactly, and ψ̂ ≥ 0 up to round-off: on the edge of the
// angular window (|arg k − θ| = π/2, where cos(arg k − θ) is ±6e−17 in
// float64) an odd power L − 1 leaves values below 1e−40 of the peak that
// can be negative, as in PyWPH.
func BumpSteerable(M, N, J, L int) *stlayer.FilterBank {
	checkSize("BumpSteerable", M, N)
	checkJL("BumpSteerable", J, L)
	checkScales("BumpSteerable", J, L)
	checkBank("BumpSteerable", J*L, M, N)
	name := fmt.Sprintf("bump-steerable-pywph J%d L%d %dx%d", J, L, M, N)
	return cached(name, func() *stlayer.FilterBank { return bumpBank(M, N, J, L, L, name) })
}

// BumpSteerableBand returns the L bump-steerable wavelets of scale j
// (BumpSteerable's filters j·L … j·L+L−1, θ_l = l·π/L) of an M×N grid,
// cropped to their low-frequency h×w block (1 ≤ h ≤ M, 1 ≤ w ≤ N) as Cropped
// crops a bank: filter l, row a, column b holds ψ̂_{j,θ_l} at the grid cell
// (fftFreq(a, h) mod M, fftFreq(b, w) mod N). The values are bit for bit
// those of Cropped(Subset(BumpSteerable(M, N, J, L), {j·L, …, j·L+L−1}), h,
// w) for any J > j, but only the L·h·w kept values are evaluated and stored,
// never the M×N filters (the bank of J·L full-size filters is 1.2 GB at
// 2048², J = 9, L = 4). Bump wavelets vanish for |k| ≥ 2ξ_j = 1.7π/2^j, so
// a crop of h ≥ M/2^{j−1} rows (and likewise columns) keeps their whole
// support. Cached per (M, N, j, L, h, w); h = M, w = N gives the uncropped
// filters of scale j. Panics (before caching) for invalid sizes, j outside
// [0, MaxJ] or crops outside the grid.
func BumpSteerableBand(M, N, j, L, h, w int) *stlayer.FilterBank {
	name := bandName("BumpSteerableBand", "bump-steerable-pywph", M, N, j, L, h, w)
	return cached(name, func() *stlayer.FilterBank {
		rowAt, colAt := cropIndex(M, h), cropIndex(N, w)
		fb := newBank(L, h, w, name)
		parallelFor(L, func(l int) {
			bumpFilterOn(M, N, j, float64(l)*math.Pi/float64(L), L, rowAt, colAt, fb.Filter(l))
		})
		return fb
	})
}

// cropIndex returns, for each of the n positions of an axis, its position in
// the low-frequency crop of length h ≤ n (Cropped's choice: crop position a
// holds fftFreq(a, h) mod n), or −1 for a position outside the crop.
func cropIndex(n, h int) []int {
	at := make([]int, n)
	for i := range at {
		at[i] = -1
	}
	for a := 0; a < h; a++ {
		at[mod(fftFreq(a, h), n)] = a
	}
	return at
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
		rows, cols := identity(M), identity(N)
		pool := newScratchPool(M, N)
		parallelFor(len(js), func(i int) {
			p := gaborParams{
				M: M, N: N, sigma: PyWPHSigma0() * math.Pow(2, float64(js[i])),
				theta: 0, xi: 0, slant: 1, lo: -2, hi: 1, piNorm: math.Pi,
			}
			s := pool.get()
			defer pool.put(s)
			s.gaussian(p, rows, cols, fb.Filter(i))
		})
		return fb
	})
}

// bandName checks the arguments of a per-scale band builder fn (the L
// filters of scale j of an M×N bank, cropped to h×w), panicking with fn's
// name for invalid sizes, j outside [0, MaxJ] or crops outside the grid, and
// returns the cache name of the band of family kind.
func bandName(fn, kind string, M, N, j, L, h, w int) string {
	checkSize(fn, M, N)
	checkJL(fn, 1, L)
	if j < 0 || j > MaxJ {
		panic(fmt.Sprintf("filters.%s: scale j=%d outside [0, %d]", fn, j, MaxJ))
	}
	checkScales(fn, j+1, L)
	if h < 1 || w < 1 || h > M || w > N {
		panic(fmt.Sprintf("filters.%s: crop %dx%d of a %dx%d grid", fn, h, w, M, N))
	}
	checkBank(fn, L, h, w)
	name := fmt.Sprintf("%s j%d L%d %dx%d", kind, j, L, M, N)
	if h != M || w != N {
		name += fmt.Sprintf(" crop %dx%d", h, w)
	}
	return name
}
