package filters

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/stkit-org/stkit/stlayer"
	"gonum.org/v1/gonum/dsp/fourier"
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

// morletScratch holds one worker's buffers for the Gabor-based filters of an
// M×N grid (its methods morlet and gaussian). Each worker of a bank build
// takes one scratch for all its filters (scratchPool), so the buffers are
// allocated once per worker, not once per filter (the full-grid buffers of a
// 2048² filter are 96 MB, garbage that a large live heap lets accumulate:
// building the 1.2 GB bank of 2048², J = 9, peaked at 2.7 GB RSS).
//
// The periodised Gabor pair is stored on its possibly nonzero rows only:
// rows lists them ascending and at[r] is the index of grid row r in rows (−1
// for a row no term reaches); gab and env hold those rows, len(rows)·N values.
// Every other row is exactly +0 (+0 +0i): no term is added there, the
// normalisation maps +0 to +0 and the zero-mean correction subtracts
// K·(+0) = ±0 from +0, which leaves +0.
type morletScratch struct {
	M, N    int
	rowFFT  *fourier.CmplxFFT // length N
	colFFT  *fourier.CmplxFFT // length M
	zero    []complex128      // rowFFT of a row of +0: the transform of every row not stored
	at      []int
	rows    []int
	gab     []complex128
	env     []float64
	cols    []complex128 // colTile columns of length M, stride apart
	stride  int          // M + colPad
	bound   []float64    // fourierRealTrunc's column bounds (N values)
	full    []float64    // morletBandTrunc's full-grid filter (M·N values)
	written []int        // fourierRealTrunc's written columns
	order   []int        // fourierRealTrunc's columns by bound (N values)
}

// colTile is the number of columns gathered, transformed and scattered
// together in the second pass of the 2D FFT: the gather reads colTile
// adjacent values of each row (whole cache lines) instead of one value per
// row and column.
const colTile = 16

// colPad separates the column buffers by M + colPad values: at power-of-two
// M a stride of exactly M puts the colTile values of one row in the same
// cache set (the gather and scatter then thrash the cache).
const colPad = 4

func newMorletScratch(M, N int) *morletScratch {
	s := &morletScratch{
		M: M, N: N,
		rowFFT: fourier.NewCmplxFFT(N),
		colFFT: fourier.NewCmplxFFT(M),
		at:     make([]int, M),
		cols:   make([]complex128, colTile*(M+colPad)),
		stride: M + colPad,
	}
	s.zero = s.rowFFT.Coefficients(nil, make([]complex128, N))
	return s
}

// scratchPool lends morletScratches of one grid size to the workers of one
// bank build (at most GOMAXPROCS are kept). The scratches die with the
// build: a pool shared between builds would keep up to 2 × 96 MB alive into
// the statistic's evaluation at 2048².
type scratchPool struct {
	M, N int
	free chan *morletScratch
}

func newScratchPool(M, N int) *scratchPool {
	return &scratchPool{M: M, N: N, free: make(chan *morletScratch, runtime.GOMAXPROCS(0))}
}

func (p *scratchPool) get() *morletScratch {
	select {
	case s := <-p.free:
		return s
	default:
		return newMorletScratch(p.M, p.N)
	}
}

func (p *scratchPool) put(s *morletScratch) {
	select {
	case p.free <- s:
	default:
	}
}

// gaborGeom holds the coefficients of the quadratic exponent
// q(x, y) = c00 x² + c01 x y + c11 y² of gaborParams' envelope, the smallest
// eigenvalue lmin of its matrix and the wave vector (kr, kc).
type gaborGeom struct {
	c00, c01, c11, lmin, kr, kc float64
}

func newGaborGeom(p gaborParams) gaborGeom {
	ct, st := math.Cos(p.theta), math.Sin(p.theta)
	s2 := p.slant * p.slant
	inv := 1 / (2 * p.sigma * p.sigma)
	return gaborGeom{
		c00: (ct*ct + st*st*s2) * inv,
		c01: 2 * ct * st * (1 - s2) * inv, // curv[0,1] + curv[1,0]
		c11: (st*st + ct*ct*s2) * inv,
		// Smallest eigenvalue of C, used to skip whole copies whose
		// exponent is beyond expCut everywhere.
		lmin: math.Min(1, s2) * inv,
		kr:   p.xi * ct, kc: p.xi * st,
	}
}

// skipCopy reports whether the periodic copy (ex, ey) lies beyond expCut
// everywhere on the M×N grid.
func (g *gaborGeom) skipCopy(M, N, ex, ey int) bool {
	dr := distToRange(ex*M, ex*M+M-1)
	dc := distToRange(ey*N, ey*N+N-1)
	return g.lmin*(dr*dr+dc*dc) > expCut
}

// span returns x = r + ex·M and the columns [cLo, cHi] of grid row r where
// copy (ex, ey) may have q ≤ expCut: the roots of q(x, ·) = expCut (c11 > 0)
// widened by one pixel; q is still tested per point. ok is false when q
// exceeds expCut on the whole row (the range may also be empty, cLo > cHi).
func (g *gaborGeom) span(M, N, ex, ey, r int) (x float64, cLo, cHi int, ok bool) {
	x = float64(r + ex*M)
	disc := g.c01*g.c01*x*x - 4*g.c11*(g.c00*x*x-expCut)
	if disc < 0 {
		return x, 0, -1, false
	}
	sq := math.Sqrt(disc)
	cLo = max(0, int(math.Floor((-g.c01*x-sq)/(2*g.c11)))-ey*N-1)
	cHi = min(N-1, int(math.Ceil((-g.c01*x+sq)/(2*g.c11)))-ey*N+1)
	return x, cLo, cHi, true
}

// gaborPair computes the normalised periodised Gabor g_ξ (complex) and the
// normalised periodised envelope g_0 (the same Gabor with ξ = 0, real) on
// the rows any term reaches (s.rows, s.gab, s.env; every other row is +0).
// Each stored value is the one a full-grid evaluation gives, bit for bit: the
// same terms are added in the same order (copies ex, then ey, ascending) and
// normalised by the same operations; only rows without any term are not
// stored.
func (s *morletScratch) gaborPair(p gaborParams) {
	M, N := p.M, p.N
	g := newGaborGeom(p)
	// Pass 1: the rows some copy reaches.
	for r := range s.at {
		s.at[r] = -1
	}
	for ex := p.lo; ex <= p.hi; ex++ {
		for ey := p.lo; ey <= p.hi; ey++ {
			if g.skipCopy(M, N, ex, ey) {
				continue
			}
			for r := 0; r < M; r++ {
				if _, cLo, cHi, ok := g.span(M, N, ex, ey, r); ok && cLo <= cHi {
					s.at[r] = 0
				}
			}
		}
	}
	s.rows = s.rows[:0]
	for r, a := range s.at {
		if a == 0 {
			s.at[r] = len(s.rows)
			s.rows = append(s.rows, r)
		}
	}
	n := len(s.rows) * N
	if cap(s.gab) < n {
		s.gab = make([]complex128, n)
		s.env = make([]float64, n)
	}
	s.gab, s.env = s.gab[:n], s.env[:n]
	clear(s.gab)
	clear(s.env)
	gab, env := s.gab, s.env

	// Pass 2: the terms.
	for ex := p.lo; ex <= p.hi; ex++ {
		for ey := p.lo; ey <= p.hi; ey++ {
			if g.skipCopy(M, N, ex, ey) {
				continue
			}
			for r := 0; r < M; r++ {
				x, cLo, cHi, ok := g.span(M, N, ex, ey, r)
				if !ok {
					continue
				}
				row := s.at[r] * N
				for c := cLo; c <= cHi; c++ {
					y := float64(c + ey*N)
					q := g.c00*x*x + g.c01*x*y + g.c11*y*y
					if q > expCut {
						continue
					}
					e := math.Exp(-q)
					env[row+c] += e
					if p.xi != 0 {
						sn, co := math.Sincos(x*g.kr + y*g.kc)
						gab[row+c] += complex(e*co, e*sn)
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

// fourierReal writes Re DFT(s.gab), the unnormalised forward 2D DFT
// X[k1,k2] = Σ x[n1,n2] exp(−2πi(k1n1/M + k2n2/N)) of the stored plane (+0
// off the stored rows), at the grid cells (outRows[a], outCols[b]) into
// dst[a·len(outCols) + b]. The transform is gonum's: a length-N FFT of every
// row, then a length-M FFT of every column, so each value is bit for bit the
// one a full-grid 2D FFT gives. Only the stored rows are transformed (the
// others all have the transform s.zero) and only the kept columns, colTile at
// a time. s.gab is overwritten.
func (s *morletScratch) fourierReal(outRows, outCols []int, dst []float64) {
	s.rowPass()
	w := len(outCols)
	for b0 := 0; b0 < w; b0 += colTile {
		cs := outCols[b0:min(w, b0+colTile)]
		s.columns(cs, b0, nil, outRows, dst, w)
	}
}

// rowPass replaces each stored row of s.gab by its length-N FFT.
func (s *morletScratch) rowPass() {
	N := s.N
	for t := range s.rows {
		r := s.gab[t*N : (t+1)*N]
		s.rowFFT.Coefficients(r, r)
	}
}

// columns runs the column pass of fourierReal on the (at most colTile) grid
// columns cs, after rowPass: the length-M FFT of grid column cs[b] (stored
// rows from s.gab, the others s.zero) is written, real part, at rows outRows
// into dst[a·w + d] with d = b0 + b, or d = ds[b] when ds is not nil. It
// returns the largest |value| written, dst[0] left out of it.
func (s *morletScratch) columns(cs []int, b0 int, ds []int, outRows []int, dst []float64, w int) float64 {
	M, st := s.M, s.stride
	for r := 0; r < M; r++ {
		src := s.zero
		if t := s.at[r]; t >= 0 {
			src = s.gab[t*s.N : (t+1)*s.N]
		}
		for b, c := range cs {
			s.cols[b*st+r] = src[c]
		}
	}
	for b := range cs {
		col := s.cols[b*st : b*st+M]
		s.colFFT.Coefficients(col, col)
	}
	mx := 0.0
	for a, r := range outRows {
		for b := range cs {
			d := a*w + b0 + b
			if ds != nil {
				d = a*w + ds[b]
			}
			v := real(s.cols[b*st+r])
			dst[d] = v
			if d != 0 {
				mx = max(mx, math.Abs(v))
			}
		}
	}
	return mx
}

// fourierRealTrunc writes the values of fourierReal on the whole grid
// (dst[r·N + c], r < M, c < N) in every column that must marks, and in every
// other column c unless all its values are provably at most tol·m0, m0 the
// largest |value| written before (dst[0] left out): such columns are not
// written (the filter is 0 there for the truncation). The proof: column c's values
// are Re X[k, c] with X[·, c] the length-M DFT of the row transforms Y[r, c],
// so |X[k, c]| ≤ B_c = Σ_r (|Re Y[r, c]| + |Im Y[r, c]|) in exact
// arithmetic; the FFT's rounding (relative O(ε log M)) and that of the sum
// B_c (relative O(ε M)) are far below the margin of 2, so a column with
// 2·B_c ≤ tol·m0 is skipped. The must columns are computed first, then the
// colTile columns of largest B_c (the filter's peak lies among them), which
// fix m0; the remaining columns with 2·B_c > tol·m0 follow in ascending
// order. Since m0 never exceeds the largest |value| of the final filter
// (dst[0] aside, which zeroDC may set to 0), Truncated(·, tol) of the result
// equals Truncated(·, tol) of the full fourierReal output with 0 in the
// skipped columns bit for bit: a skipped value would not have been kept, and
// the maximum is a written one. It returns the written columns, ascending
// (s.written, valid until the next call). s.gab is overwritten.
func (s *morletScratch) fourierRealTrunc(tol float64, must []bool, dst []float64) []int {
	M, N := s.M, s.N
	s.rowPass()
	if cap(s.bound) < N {
		s.bound = make([]float64, N)
		s.order = make([]int, N)
	}
	bound := s.bound[:N]
	clear(bound)
	for t := range s.rows {
		for c, v := range s.gab[t*N : (t+1)*N] {
			bound[c] += math.Abs(real(v)) + math.Abs(imag(v))
		}
	}
	if nz := float64(M - len(s.rows)); nz > 0 {
		for c, v := range s.zero {
			bound[c] += nz * (math.Abs(real(v)) + math.Abs(imag(v)))
		}
	}
	rows := identity(M)
	done := make([]bool, N)
	var tile []int
	m0 := 0.0
	flush := func() {
		if len(tile) > 0 {
			m0 = max(m0, s.columns(tile, 0, tile, rows, dst, N))
			tile = tile[:0]
		}
	}
	add := func(c int) {
		done[c] = true
		tile = append(tile, c)
		if len(tile) == colTile {
			flush()
		}
	}
	for c := range N {
		if must[c] {
			add(c)
		}
	}
	order := s.order[:N]
	for c := range order {
		order[c] = c
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(bound[b], bound[a]) })
	for n, c := range order {
		if n == colTile {
			break
		}
		if !done[c] {
			add(c)
		}
	}
	flush()
	for c := range N {
		if !done[c] && 2*bound[c] > tol*m0 {
			add(c)
		}
	}
	flush()
	s.written = s.written[:0]
	for c, d := range done {
		if d {
			s.written = append(s.written, c)
		}
	}
	return s.written
}

// morlet writes Re DFT(ψ) of the Morlet ψ = g_ξ − K g_0,
// K = Σ g_ξ / Σ g_0 (so that Σ_u ψ(u) = 0), at the grid cells
// (outRows[a], outCols[b]) into dst[a·len(outCols) + b]; with zeroDC the
// value at frequency (0, 0) (outRows[0] = outCols[0] = 0 for every crop) is
// set to 0.
func (s *morletScratch) morlet(p gaborParams, zeroDC bool, outRows, outCols []int, dst []float64) {
	s.morletSpace(p)
	s.fourierReal(outRows, outCols, dst)
	if zeroDC {
		dst[0] = 0
	}
}

// morletSpace leaves the real-space Morlet ψ = g_ξ − K g_0 in s.gab (stored
// rows only, as gaborPair).
func (s *morletScratch) morletSpace(p gaborParams) {
	s.gaborPair(p)
	gab, env := s.gab, s.env
	// Sums over the stored values in grid order: the +0 rows left out add
	// nothing (a partial sum that starts at +0 is never −0).
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
}

// gaussian writes Re DFT(g_0) of the periodised envelope (p.xi = 0: g_ξ = g_0)
// at the grid cells (outRows[a], outCols[b]) into dst[a·len(outCols) + b].
func (s *morletScratch) gaussian(p gaborParams, outRows, outCols []int, dst []float64) {
	s.gaborPair(p)
	s.fourierReal(outRows, outCols, dst)
}

// gaussianFilter returns Re DFT(g_0) of the isotropic periodised Gaussian
// (ξ = 0, θ = 0, slant 1) on the whole grid.
func gaussianFilter(p gaborParams, dst []float64) {
	newMorletScratch(p.M, p.N).gaussian(p, identity(p.M), identity(p.N), dst)
}

// cropAxis returns, for each of the h positions of Cropped's low-frequency
// crop of an axis of length n, the grid position it holds: fftFreq(a, h) mod n.
func cropAxis(n, h int) []int {
	at := make([]int, h)
	for a := range at {
		at[a] = mod(fftFreq(a, h), n)
	}
	return at
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

// morletParams returns the Gabor parameters of Morlet (j, l) shared by Kymatio
// and Cheng: σ_j = 0.8·2^j, ξ_j = (3π/4)·2^−j, slant 4/L,
// θ_l = MorletTheta(l, L); copies ex, ey ∈ [lo, hi].
func morletParams(M, N, j, l, L, lo, hi int, piNorm float64) gaborParams {
	return gaborParams{
		M: M, N: N,
		sigma: 0.8 * math.Pow(2, float64(j)),
		theta: MorletTheta(l, L),
		xi:    3.0 / 4.0 * math.Pi / math.Pow(2, float64(j)),
		slant: 4.0 / float64(L),
		lo:    lo, hi: hi,
		piNorm: piNorm,
	}
}

// morletBank builds the Morlets ks[i] = j·L + l (index i of the bank) at the
// h×w low-frequency crop of the M×N grid (Cropped's frequencies; h = M, w = N:
// uncropped), one filter per worker at a time. The filters are built from
// the last to the first, coarsest scale first for ascending ks: a worker's
// first filter then has the most stored rows, and its buffers do not grow
// (into garbage) on the next ones.
func morletBank(M, N, L, lo, hi int, piNorm float64, zeroDC bool, ks []int, h, w int, name string) *stlayer.FilterBank {
	fb := newBank(len(ks), h, w, name)
	rows, cols := cropAxis(M, h), cropAxis(N, w)
	pool := newScratchPool(M, N)
	parallelFor(len(ks), func(i int) {
		i = len(ks) - 1 - i
		s := pool.get()
		defer pool.put(s)
		s.morlet(morletParams(M, N, ks[i]/L, ks[i]%L, L, lo, hi, piNorm), zeroDC, rows, cols, fb.Filter(i))
	})
	return fb
}

// morletBandTrunc builds the Morlets ks (bank index i ↦ ks[i] = j·L + l) as
// morletBank does on the full M×N grid and returns them truncated at tol
// (trunc = Truncated(full, tol) bit for bit, named tname) and, unless
// cname is "", their dense low-frequency h×w crop (crop = cropBank(full,
// h, w) bit for bit, untruncated). No full-grid bank is stored: each worker
// writes a filter into its own M×N buffer through fourierRealTrunc (the crop
// columns always computed; the columns it skips are provably all dropped by
// the truncation), truncates it reading the written columns only (the others
// count as 0) and copies its crop. skipped returns the number of columns skipped, all filters together.
func morletBandTrunc(M, N, L, lo, hi int, piNorm float64, zeroDC bool, ks []int, tol float64, h, w int, tname, cname string) (trunc, crop *stlayer.FilterBank, skipped int) {
	trunc = &stlayer.FilterBank{K: len(ks), H: M, W: N, Name: tname, Runs: make([][]stlayer.FilterRun, len(ks))}
	rows, cols := cropAxis(M, h), cropAxis(N, w)
	must := make([]bool, N)
	if cname != "" {
		crop = newBank(len(ks), h, w, cname)
		for _, c := range cols {
			must[c] = true
		}
	}
	pool := newScratchPool(M, N)
	var mu sync.Mutex
	parallelFor(len(ks), func(i int) {
		i = len(ks) - 1 - i
		s := pool.get()
		defer pool.put(s)
		s.morletSpace(morletParams(M, N, ks[i]/L, ks[i]%L, L, lo, hi, piNorm))
		if s.full == nil {
			s.full = make([]float64, M*N)
		}
		full := s.full // only its written columns are read
		written := s.fourierRealTrunc(tol, must, full)
		if zeroDC {
			full[0] = 0 // read only if column 0 was written
		}
		trunc.Runs[i] = truncRuns(full, M, N, tol, written)
		n := N - len(written)
		if crop != nil {
			dst := crop.Filter(i)
			for a, r := range rows {
				for b, c := range cols {
					dst[a*w+b] = full[r*N+c]
				}
			}
		}
		mu.Lock()
		skipped += n
		mu.Unlock()
	})
	return trunc, crop, skipped
}

// seq returns n, n+1, …, n+k−1.
func seq(n, k int) []int {
	a := make([]int, k)
	for i := range a {
		a[i] = n + i
	}
	return a
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
// (k_row, k_col)). Normalisation: π = math.Pi, so the Gabor part has ĝ_ξ(ξ) = 1
// and the continuous ψ̂ peaks at about 1 − exp(−(σξ)²) = 1 − exp(−0.36π²) ≈
// 0.971 at every scale (σξ = 0.6π). The grid samples that peak to within
// 5e−3 while min(M, N)/2^j ≥ 32 (ξ spans 12 grid steps or more); at coarser
// scales the peak falls between grid frequencies and the largest value is
// smaller, by about 1 % (L = 4: 0.959) to 4 % (L = 8, narrower filters): 0.934
// for L = 8 at min(M, N)/2^j = 8. The DC value ψ̂[0,0] is set to exactly 0
// as Cheng does.
//
// The bank holds J·L·M·N values with hardly a zero among them (Gaussian
// tails and FFT round-off cover the plane): 1.2 GB at 2048², J = 9, L = 4.
// The statistics hold per-scale banks (MorletChengBand) instead, at their
// crop where they can.
func MorletCheng(M, N, J, L int) *stlayer.FilterBank {
	checkSize("MorletCheng", M, N)
	checkJL("MorletCheng", J, L)
	checkScales("MorletCheng", J, L)
	checkBank("MorletCheng", J*L, M, N)
	name := fmt.Sprintf("morlet-cheng J%d L%d %dx%d", J, L, M, N)
	return cached(name, func() *stlayer.FilterBank {
		return morletBank(M, N, L, -1, 0, math.Pi, true, seq(0, J*L), M, N, name)
	})
}

// MorletChengBand returns the L Morlets of scale j of MorletCheng
// (filters j·L … j·L+L−1, θ_l = MorletTheta(l, L)) on an M×N grid, cropped to
// their low-frequency h×w block (1 ≤ h ≤ M, 1 ≤ w ≤ N) as Cropped crops a bank:
// filter l, row a, column b holds ψ̂_{j,θ_l} at the grid cell
// (fftFreq(a, h) mod M, fftFreq(b, w) mod N). The values are bit for bit
// those of Cropped(Subset(MorletCheng(M, N, J, L), {j·L, …, j·L+L−1}), h, w)
// for any J > j (a filter does not depend on J), but neither the bank nor a
// full M×N filter is stored: each filter's real-space Morlet is transformed
// by rows, and the second FFT pass runs on the w kept columns only. Unlike
// the bump-steerable wavelets the Morlets have no compact support (ψ̂ is
// nonzero, if tiny, everywhere): the crop, e.g. filters.Crops' Cheng crop,
// cuts tails the statistics leave out by design. Cached per (M, N, j, L, h,
// w); h = M, w = N gives the uncropped filters of scale j (L·M·N values).
// Panics (before caching) for invalid sizes, j outside [0, MaxJ] or crops
// outside the grid.
func MorletChengBand(M, N, j, L, h, w int) *stlayer.FilterBank {
	name := bandName("MorletChengBand", "morlet-cheng", M, N, j, L, h, w)
	return cached(name, func() *stlayer.FilterBank {
		return morletBank(M, N, L, -1, 0, math.Pi, true, seq(j*L, L), h, w, name)
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
		return morletBank(M, N, L, -2, 2, kymatioPi, false, seq(0, J*L), M, N, pname)
	})
	fname := fmt.Sprintf("gaussian-kymatio J%d %dx%d", J, M, N)
	phi = cached(fname, func() *stlayer.FilterBank {
		fb := newBank(1, M, N, fname)
		p := gaborParams{
			M: M, N: N, sigma: 0.8 * math.Pow(2, float64(J-1)),
			theta: 0, xi: 0, slant: 1, lo: -2, hi: 2, piNorm: kymatioPi,
		}
		gaussianFilter(p, fb.Filter(0))
		return fb
	})
	return psi, phi
}
