package infer

import (
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/dsp/fourier"
)

// fft2 returns the unnormalised 2D DFT of a real M×N map (row-major), in
// fftfreq order.
func fft2(x []float64, m, n int) []complex128 {
	out := make([]complex128, m*n)
	for i := range x {
		out[i] = complex(x[i], 0)
	}
	rowFFT := fourier.NewCmplxFFT(n)
	for i := 0; i < m; i++ {
		rowFFT.Coefficients(out[i*n:(i+1)*n], out[i*n:(i+1)*n])
	}
	colFFT := fourier.NewCmplxFFT(m)
	col := make([]complex128, m)
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			col[i] = out[i*n+j]
		}
		colFFT.Coefficients(col, col)
		for i := 0; i < m; i++ {
			out[i*n+j] = col[i]
		}
	}
	return out
}

// freq returns the signed integer frequency (cycles per map) of index i on an
// axis of length n, in fftfreq order.
func freq(i, n int) int {
	if i < (n+1)/2 {
		return i
	}
	return i - n
}

// PowerSpectrum is an isotropic power spectrum binned in half-octaves of the
// physical frequency.
//
// Convention: a DFT mode (kx, ky) of an M×N map, kx and ky its signed
// integer frequencies (cycles per map along each axis), has the physical
// frequency f = √((kx/M)² + (ky/N)²) cycles per pixel; K and the edges give
// it in cycles per min(M, N) pixels, |k| = min(M, N)·f (modeK). On a square
// map that is the integer |k| = √(kx² + ky²) in cycles per map; on a
// non-square one a mode along the long axis counts in steps of
// min(M, N)/max(M, N), so that a bin holds one range of physical frequency
// along both axes and P(K) is the spectrum at K cycles per min(M, N) pixels.
//
// Bin i spans [2^(i/2), 2^((i+1)/2)) from 1 up to min(M,N)/2; the last bin
// ends at min(M,N)/2 (narrower when that is not a power of √2), and a mode
// on an edge belongs to the upper bin. On a non-square map the long axis'
// lowest frequencies, |k| = min(M, N)/max(M, N), 2·min/max, … below 1, get
// bins of their own, the half-octaves [2^(i/2), 2^((i+1)/2)) for i < 0
// from the one that holds min/max, a lower edge being dropped where its
// half-octave holds no mode (on 64×128 the one bin [0.5, 1), holding
// |k| = 0.5). Every mode below min(M, N)/2 other than k = 0 is thus in one
// bin. The k = 0 mode is excluded, and so are the modes with
// |k| ≥ min(M,N)/2, the Nyquist frequency of both axes: the Nyquist row and
// column and the corners of the Fourier plane; NewPSOpCorner's corner bin
// holds those. Maps with min(M, N) ≤ 2 have no bin. P is the mean over the
// modes of the bin of |FFT(x − mean x)|²/(M·N), a spectral density in
// x² per (cycle per pixel)² (x² times the pixel area; numerically in the
// units of x², the pixel being the unit of length): white
// noise of variance σ² has P = σ² in every bin, and the mean of
// |FFT(x − mean x)|²/(M·N) over all M·N modes is the pixel variance
// (Parseval). K is the mean |k| of the modes in each bin and Count their
// number. IsoPowerSpectrum, CrossSpectrumR, PSOp, BinnedPSOp and the
// calibrated spectra of a separation with models (calibratedSpectra) share
// these bins (psBins).
type PowerSpectrum struct {
	Edges []float64 // len(P)+1 bin edges in cycles per min(M, N) pixels
	K     []float64
	P     []float64
	Count []int
}

// IsoPowerSpectrum computes the binned isotropic power spectrum of one M×N
// map (see PowerSpectrum for the convention). When m or n is < 1 or len(x)
// is not m·n it returns an empty spectrum (no bins, no edges); a map with
// min(M, N) ≤ 2 has no bins either (every mode with |k| ≥ 1 lies at or above
// the limit min(M, N)/2 ≤ 1).
func IsoPowerSpectrum(x []float64, m, n int) *PowerSpectrum {
	if m < 1 || n < 1 || len(x) != m*n || min(m, n) < 2 {
		return &PowerSpectrum{}
	}
	f := fft2(centred(x), m, n)
	edges, bin, ks := psBins(m, n)
	nb := len(edges) - 1
	ps := &PowerSpectrum{Edges: edges, K: make([]float64, nb), P: make([]float64, nb), Count: make([]int, nb)}
	norm := 1 / float64(m*n)
	for p, b := range bin {
		if b < 0 {
			continue
		}
		v := f[p]
		ps.P[b] += (real(v)*real(v) + imag(v)*imag(v)) * norm
		ps.K[b] += ks[p]
		ps.Count[b]++
	}
	for b := range ps.P {
		if ps.Count[b] > 0 {
			ps.P[b] /= float64(ps.Count[b])
			ps.K[b] /= float64(ps.Count[b])
		}
	}
	return ps
}

// modeK returns |k| of DFT mode (i, j) of an m×n map in cycles per
// min(M, N) pixels (see PowerSpectrum): min(M, N) times its physical
// frequency, the integer |k| = √(kx² + ky²) on a square map.
func modeK(i, j, m, n int) float64 {
	ki, kj := float64(freq(i, m)), float64(freq(j, n))
	if m != n {
		s := float64(min(m, n))
		ki, kj = ki*s/float64(m), kj*s/float64(n)
	}
	return math.Hypot(ki, kj)
}

// psBins returns the bin edges of PowerSpectrum for an m×n map
// (min(m, n) ≥ 2) and, for every DFT mode (row-major, fftfreq order), its
// bin (−1: k = 0 and |k| ≥ min(m, n)/2) and |k| (modeK).
func psBins(m, n int) (edges []float64, bin []int, ks []float64) {
	ks = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			ks[i*n+j] = modeK(i, j, m, n)
		}
	}
	edges = halfOctaveEdges(m, n)
	if m != n && len(edges) > 1 {
		// Half-octaves below 1 for the long axis' lowest frequencies,
		// from the one holding min/max, those holding no mode merged
		// into the half-octave below.
		fmin := float64(min(m, n)) / float64(max(m, n))
		var low []float64
		for i := -1; ; i-- {
			e := math.Pow(2, float64(i)/2)
			low = append(low, e)
			if e <= fmin {
				break
			}
		}
		slices.Reverse(low) // low[0] ≤ fmin < low[1] < … < 1
		has := make([]bool, len(low))
		lowEdges := append(slices.Clone(low), 1)
		for _, k := range ks {
			if k > 0 && k < 1 {
				if b := binOf(lowEdges, k); b >= 0 {
					has[b] = true
				}
			}
		}
		var keep []float64
		for b, e := range low {
			if b == 0 || has[b] {
				keep = append(keep, e)
			}
		}
		edges = append(keep, edges...)
	}
	bin = make([]int, m*n)
	for p, k := range ks {
		bin[p] = -1
		if p > 0 {
			bin[p] = binOf(edges, k)
		}
	}
	return edges, bin, ks
}

// centred returns x minus its mean.
func centred(x []float64) []float64 {
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	c := make([]float64, len(x))
	for i, v := range x {
		c[i] = v - mean
	}
	return c
}

// halfOctaveEdges returns the bin edges of PowerSpectrum from 1 for an m×n
// map (min(m, n) ≥ 2): 2^(i/2) up to min(m, n)/2, then min(m, n)/2.
func halfOctaveEdges(m, n int) []float64 {
	kmax := float64(min(m, n)) / 2
	var edges []float64
	for i := 0; ; i++ {
		e := math.Pow(2, float64(i)/2)
		if e > kmax*(1+1e-12) {
			break
		}
		edges = append(edges, e)
	}
	if edges[len(edges)-1] < kmax {
		edges = append(edges, kmax)
	}
	return edges
}

// binOf returns the bin b with edges[b] ≤ k < edges[b+1], or −1 when k lies
// outside [edges[0], edges[len−1]).
func binOf(edges []float64, k float64) int {
	nb := len(edges) - 1
	if nb < 1 || k < edges[0] || k >= edges[nb] {
		return -1
	}
	b := sort.SearchFloat64s(edges, k)
	if b == len(edges) || edges[b] > k {
		b--
	}
	if b >= nb {
		return -1
	}
	return b
}

// noPowerFraction is the bin power, relative to the map's variance, at or
// below which CrossSpectrumR takes a map to have no power in the bin: the
// FFT of a map without that band holds only rounding there (about 1e-31 to
// 1e-29 of the variance for 32² to 256² maps), and no physical spectrum
// spans 10 decades of power within one map at float64 precision.
const noPowerFraction = 1e-20

// CrossSpectrumR returns the correlation coefficient per half-octave bin
// (IsoPowerSpectrum's bins and edges) of two m×n maps,
//
//	r_b = Σ_{k∈b} Re(A(k) B(k)*) / √(Σ_{k∈b} |A(k)|² · Σ_{k∈b} |B(k)|²),
//
// A, B the DFTs of a and b: the real part of the cross spectrum over the
// square root of the two power spectra, each summed over the bin's modes
// (not a mean of per-mode ratios), so |r_b| ≤ 1. A bin where either map
// has no power (its bin power at most 1e-20 of the map's variance: only
// the FFT's rounding, e.g. a band-limited map or a constant one) gives NaN.
// When m or n is < 1 or len(a) or len(b) is not m·n both results are nil;
// with min(m, n) ≤ 2 there is no bin.
func CrossSpectrumR(a, b []float64, m, n int) (edges, r []float64) {
	if m < 1 || n < 1 || len(a) != m*n || len(b) != m*n {
		return nil, nil
	}
	if min(m, n) < 2 {
		return nil, []float64{}
	}
	ca, cb := centred(a), centred(b)
	fa, fb := fft2(ca, m, n), fft2(cb, m, n)
	edges, bin, _ := psBins(m, n)
	nb := len(edges) - 1
	sab, saa, sbb, cnt := make([]float64, nb), make([]float64, nb), make([]float64, nb), make([]int, nb)
	for p, bn := range bin {
		if bn < 0 {
			continue
		}
		u, v := fa[p], fb[p]
		sab[bn] += real(u)*real(v) + imag(u)*imag(v)
		saa[bn] += real(u)*real(u) + imag(u)*imag(u)
		sbb[bn] += real(v)*real(v) + imag(v)*imag(v)
		cnt[bn]++
	}
	// Σ_k |X(k)|² over all modes is M·N·Σ x² (Parseval): the variance times
	// (M·N)², so a bin power Σ_{k∈b}|X|²/(n_b M N) ≤ f·var reads
	// Σ_{k∈b}|X|² ≤ f·n_b·Σ x².
	va, vb := 0.0, 0.0
	for i := range ca {
		va += ca[i] * ca[i]
		vb += cb[i] * cb[i]
	}
	r = make([]float64, nb)
	for bn := range r {
		floor := noPowerFraction * float64(cnt[bn])
		if cnt[bn] == 0 || !(saa[bn] > floor*va) || !(sbb[bn] > floor*vb) {
			r[bn] = math.NaN()
			continue
		}
		r[bn] = sab[bn] / math.Sqrt(saa[bn]*sbb[bn])
	}
	return edges, r
}

// MeanPowerSpectrum averages the binned spectra of several maps of the same
// size. With no maps, or a map whose length is not m·n, it returns an empty
// spectrum (no bins).
func MeanPowerSpectrum(maps [][]float64, m, n int) *PowerSpectrum {
	if len(maps) == 0 {
		return &PowerSpectrum{}
	}
	for _, x := range maps {
		if len(x) != m*n {
			return &PowerSpectrum{}
		}
	}
	var acc *PowerSpectrum
	for _, x := range maps {
		ps := IsoPowerSpectrum(x, m, n)
		if acc == nil {
			acc = ps
			continue
		}
		for b := range acc.P {
			acc.P[b] += ps.P[b]
		}
	}
	for b := range acc.P {
		acc.P[b] /= float64(len(maps))
	}
	return acc
}

// PSRatioStats compares two binned spectra of the same binning: it returns the
// per-bin ratio synth/target, the maximum of |ratio − 1| over the bins whose
// lower edge is ≥ kmin (cycles per min(M, N) pixels, see PowerSpectrum),
// and the mean of |ratio − 1| over the same bins (both 0 when no bin
// qualifies). Bins with no modes or zero target
// power are skipped (ratio NaN).
// Spectra that are nil or of different binnings cannot be compared: ratio
// is nil and both deviations are NaN. Different binnings are different bin
// counts, or, when both spectra carry their edges, different edges (e.g.
// 60² and 64² maps: 10 bins each, the last ending at 30 and at 32).
func PSRatioStats(synth, target *PowerSpectrum, kmin float64) (ratio []float64, maxDev, meanDev float64) {
	if synth == nil || target == nil || len(synth.P) != len(target.P) || len(target.Count) != len(target.P) || len(target.Edges) < len(target.P) {
		return nil, math.NaN(), math.NaN()
	}
	if len(synth.Edges) > 0 && !slices.Equal(synth.Edges, target.Edges) {
		return nil, math.NaN(), math.NaN()
	}
	ratio = make([]float64, len(target.P))
	n := 0
	for b := range target.P {
		if target.Count[b] == 0 || target.P[b] == 0 {
			ratio[b] = math.NaN()
			continue
		}
		ratio[b] = synth.P[b] / target.P[b]
		if target.Edges[b] >= kmin {
			d := math.Abs(ratio[b] - 1)
			maxDev = math.Max(maxDev, d)
			meanDev += d
			n++
		}
	}
	if n > 0 {
		meanDev /= float64(n)
	}
	return ratio, maxDev, meanDev
}

// Wasserstein1 returns the Wasserstein-1 distance between the empirical pixel
// distributions of a and b (any sizes), computed from their quantile functions
// on a common grid of max(len(a), len(b)) quantiles. Units are those of the
// pixels; divide by the target's std to get the "normalised histogram" W1.
// It is NaN when a or b is empty (no distribution) or holds a NaN.
func Wasserstein1(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	sa := append([]float64(nil), a...)
	sb := append([]float64(nil), b...)
	sort.Float64s(sa)
	sort.Float64s(sb)
	return w1Sorted(sa, sb)
}

// Minkowski holds the three 2D Minkowski functionals of the excursion sets
// {x ≥ μ + ν σ} of a periodic map, per unit area (one pixel = unit area):
//
//   - V0: area fraction of the excursion set;
//   - V1: boundary length per unit area divided by 4 (the usual normalisation),
//     measured with marching squares and linear interpolation between pixel
//     centres;
//   - V2: Euler characteristic per unit area (number of connected components
//     minus number of holes), computed as V − E + F of the union of closed pixel
//     squares above threshold (8-connectivity for the excursion set).
//
// For a Gaussian field with variance σ² and λ = ⟨(∂x u)²⟩ (one derivative
// component), the expectations are V0 = erfc(ν/√2)/2,
// V1 = (1/8) √λ/σ e^{−ν²/2} and V2 = λ/σ² ν e^{−ν²/2}/(2π)^{3/2}.
type Minkowski struct {
	Nu         []float64 // thresholds in units of σ
	V0, V1, V2 []float64
}

// MinkowskiFunctionals computes the functionals of an M×N periodic map at
// thresholds μ + ν σ, where μ and σ are mean and std given by the caller
// (usually the target's, so that syntheses are compared at the same levels).
// When m or n is < 1, len(x) is not m·n, or x, mu or sigma holds a NaN or an
// infinity (no threshold, or no excursion set, is defined) every functional
// is NaN.
func MinkowskiFunctionals(x []float64, m, n int, mu, sigma float64, nus []float64) *Minkowski {
	return minkowski(x, m, n, mu, sigma, nus, true)
}

// MinkowskiFunctionalsWindow is MinkowskiFunctionals for an m×n window cut
// from a larger map (not periodic: its opposite edges do not meet, e.g. the
// interior [c, M−c)² that a --pad crop statistic averages over). Nothing
// wraps around:
//
//   - V0 = (pixels ≥ threshold)/(m·n), as for a periodic map;
//   - V1 = contour length over the (m−1)(n−1) cells whose four corners are
//     pixel centres of the window, divided by (m−1)(n−1) and by 4 (NaN when
//     m or n is 1: no cell);
//   - V2 = V − E + F of the union of the closed pixel squares above
//     threshold inside the window, over m·n: an excursion set cut by the
//     window's edge counts as the components and holes it has inside the
//     window (the usual estimator on a bounded domain; its boundary bias is
//     of order of the window's perimeter over its area per component).
//
// Its input errors give NaN as MinkowskiFunctionals'.
func MinkowskiFunctionalsWindow(x []float64, m, n int, mu, sigma float64, nus []float64) *Minkowski {
	return minkowski(x, m, n, mu, sigma, nus, false)
}

// minkowski computes the functionals of MinkowskiFunctionals (periodic) or
// MinkowskiFunctionalsWindow (not periodic).
func minkowski(x []float64, m, n int, mu, sigma float64, nus []float64, periodic bool) *Minkowski {
	mf := &Minkowski{Nu: append([]float64(nil), nus...), V0: make([]float64, len(nus)), V1: make([]float64, len(nus)), V2: make([]float64, len(nus))}
	nonFinite := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	if m < 1 || n < 1 || len(x) != m*n || nonFinite(mu) || nonFinite(sigma) || slices.ContainsFunc(x, nonFinite) {
		for t := range nus {
			mf.V0[t], mf.V1[t], mf.V2[t] = math.NaN(), math.NaN(), math.NaN()
		}
		return mf
	}
	area := float64(m * n)
	in := make([]bool, m*n)
	for t, nu := range nus {
		th := mu + nu*sigma
		cnt := 0
		for i, v := range x {
			in[i] = v >= th
			if in[i] {
				cnt++
			}
		}
		mf.V0[t] = float64(cnt) / area
		if !periodic {
			mf.V1[t], mf.V2[t] = windowV1V2(x, in, m, n, th, cnt)
			continue
		}
		// Perimeter by marching squares over cells with corners at pixel centres
		// (i,j), (i,j+1), (i+1,j), (i+1,j+1), periodic.
		length := 0.0
		for i := 0; i < m; i++ {
			i1 := (i + 1) % m
			for j := 0; j < n; j++ {
				j1 := (j + 1) % n
				a, b, c, d := x[i*n+j]-th, x[i*n+j1]-th, x[i1*n+j1]-th, x[i1*n+j]-th // corners clockwise: TL, TR, BR, BL
				length += cellContour(a, b, c, d)
			}
		}
		mf.V1[t] = length / area / 4
		// Euler characteristic of the union of closed squares: V − E + F.
		F := cnt
		E, V := 0, 0
		for i := 0; i < m; i++ {
			im := (i - 1 + m) % m
			for j := 0; j < n; j++ {
				jm := (j - 1 + n) % n
				// horizontal edge on top of pixel (i,j): shared by (i−1,j) and (i,j)
				if in[i*n+j] || in[im*n+j] {
					E++
				}
				// vertical edge left of pixel (i,j): shared by (i,j−1) and (i,j)
				if in[i*n+j] || in[i*n+jm] {
					E++
				}
				// vertex at top-left corner of pixel (i,j)
				if in[i*n+j] || in[i*n+jm] || in[im*n+j] || in[im*n+jm] {
					V++
				}
			}
		}
		mf.V2[t] = float64(V-E+F) / area
	}
	return mf
}

// windowV1V2 returns V1 and V2 of MinkowskiFunctionalsWindow at threshold
// th for an m×n window x whose pixels above it (cnt of them) are marked in
// in.
func windowV1V2(x []float64, in []bool, m, n int, th float64, cnt int) (v1, v2 float64) {
	v1 = math.NaN()
	if m > 1 && n > 1 {
		length := 0.0
		for i := 0; i+1 < m; i++ {
			for j := 0; j+1 < n; j++ {
				a, b, c, d := x[i*n+j]-th, x[i*n+j+1]-th, x[(i+1)*n+j+1]-th, x[(i+1)*n+j]-th
				length += cellContour(a, b, c, d)
			}
		}
		v1 = length / float64((m-1)*(n-1)) / 4
	}
	at := func(i, j int) bool { return i >= 0 && i < m && j >= 0 && j < n && in[i*n+j] }
	F, E, V := cnt, 0, 0
	for i := 0; i <= m; i++ {
		for j := 0; j <= n; j++ {
			if j < n && (at(i, j) || at(i-1, j)) { // horizontal edge on top of (i, j)
				E++
			}
			if i < m && (at(i, j) || at(i, j-1)) { // vertical edge left of (i, j)
				E++
			}
			if at(i, j) || at(i-1, j) || at(i, j-1) || at(i-1, j-1) { // top-left vertex of (i, j)
				V++
			}
		}
	}
	return v1, float64(V-E+F) / float64(m*n)
}

// cellContour returns the length of the zero contour inside a unit cell whose
// corner values are a (top-left), b (top-right), c (bottom-right), d
// (bottom-left), with linear interpolation along the edges. Saddles are
// resolved with the cell-centre average.
func cellContour(a, b, c, d float64) float64 {
	type pt struct{ x, y float64 }
	// crossing point on an edge from p (value u) to q (value v)
	cross := func(p, q pt, u, v float64) pt {
		t := u / (u - v)
		return pt{p.x + t*(q.x-p.x), p.y + t*(q.y-p.y)}
	}
	P := [4]pt{{0, 0}, {1, 0}, {1, 1}, {0, 1}} // x = column offset, y = row offset
	vals := [4]float64{a, b, c, d}
	var pts []pt
	for e := 0; e < 4; e++ {
		u, v := vals[e], vals[(e+1)%4]
		if (u >= 0) != (v >= 0) {
			pts = append(pts, cross(P[e], P[(e+1)%4], u, v))
		}
	}
	dist := func(p, q pt) float64 { return math.Hypot(p.x-q.x, p.y-q.y) }
	switch len(pts) {
	case 2:
		return dist(pts[0], pts[1])
	case 4:
		// Saddle: crossings on edges 0 (top), 1 (right), 2 (bottom), 3 (left).
		centre := (a + b + c + d) / 4
		if (centre >= 0) == (a >= 0) {
			// a's region connects through the centre: pair top with right and bottom with left
			return dist(pts[0], pts[1]) + dist(pts[2], pts[3])
		}
		return dist(pts[0], pts[3]) + dist(pts[1], pts[2])
	}
	return 0
}

// Moments returns mean, std, skewness and excess kurtosis of x as population
// moments (central moments m_p = Σ (x − mean)^p / n, std = √m₂, skewness
// m₃/m₂^1.5, kurtosis m₄/m₂² − 3; no n − 1 correction), mean and std NaN for
// an empty x; skewness and kurtosis 0 when the std is 0 or NaN.
func Moments(x []float64) (mean, std, skew, kurt float64) {
	n := float64(len(x))
	for _, v := range x {
		mean += v
	}
	mean /= n
	var m2, m3, m4 float64
	for _, v := range x {
		d := v - mean
		m2 += d * d
		m3 += d * d * d
		m4 += d * d * d * d
	}
	m2 /= n
	m3 /= n
	m4 /= n
	std = math.Sqrt(m2)
	if m2 > 0 {
		skew = m3 / math.Pow(m2, 1.5)
		kurt = m4/(m2*m2) - 3
	}
	return
}
