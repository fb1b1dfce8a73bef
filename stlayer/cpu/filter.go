package cpu

import (
	"math"
	"runtime"
	"weak"

	"github.com/stkit-org/stkit/stlayer"
)

// filterMul describes a lazy filter product y[p] = x[src[p]]·f_{filt[p]} (p an
// output plane, b*C'+c'). The output field carries it with data == nil until a
// primitive other than Periodise, CropFreq or IFFT2 reads it (own); those three
// fuse the product into their own pass, forward and backward.
type filterMul struct {
	x         *field
	bank      *stlayer.FilterBank
	info      *bankInfo // truncated filters and their supports
	src, filt []int
	outs      [][]int // x plane → output planes reading it
}

// sup returns the support of the filter of output plane p.
func (fm *filterMul) sup(p int) *support { return &fm.info.sup[fm.filt[p]] }

// supportTol is the relative magnitude below which filter values are treated
// as zero: |f[k]| ≤ supportTol·max|f| is replaced by 0. Filters built by FFT
// (Morlet) carry Gaussian tails and round-off at the 1e−17 level over most of
// the plane for the coarse scales; dropping them changes results by less than
// supportTol relative to the filter's peak response, and lets every filter
// product, its adjoint and the FFTs around it skip the zero rows and columns.
const supportTol = 1e-14

// bankInfo is the engine's view of a filter bank with negligible values set
// to zero (the truncated filters): the support of each filter and its values
// on that support only (support.vals), never a dense H×W copy. A run whose
// truncated values are the bank's own bit for bit (every value of the run
// above the threshold, or +0) aliases the bank's storage (Data, or the run
// of a sparse bank that covers it); the others are copied into packed
// storage. At 2048² the scattering covariance's full-size Morlet
// banks (J = 9, L = 4, 1.2 GB) kept a 1.2 GB dense truncated copy; the runs
// of the finest scales alias the bank, the rest packs into a few MB.
type bankInfo struct {
	n      int // bankStamp of the bank described
	sup    []support
	packed int // float64 values held in the packed storage (not aliasing the bank)
}

// bytes returns the bytes bi holds beyond the bank itself: the packed values
// and the supports' index arrays and run slices.
func (bi *bankInfo) bytes() int {
	b := 8 * bi.packed
	for i := range bi.sup {
		s := &bi.sup[i]
		b += 4*(len(s.rows)+len(s.rowIdx)+len(s.runOff)) + 8*(len(s.runs)+len(s.cols)) + 24*len(s.vals)
	}
	return b
}

// support describes where a filter is nonzero: rows[i] is a nonzero row whose
// nonzero values lie in the column runs runs[runOff[i]:runOff[i+1]] ([c0, c1),
// gaps of a few zeros merged); rowIdx[h] is the index i of row h in rows (−1
// for a zero row); cols are the runs of columns with a nonzero value.
// vals[r] holds the truncated filter on runs[r]: vals[r][c−runs[r][0]] is its
// value at column c (zeros of merged gaps included); it is 0 off the runs.
type support struct {
	rows   []int32
	rowIdx []int32
	runOff []int32
	runs   [][2]int32
	vals   [][]float64
	cols   [][2]int32
	nnz    int  // Σ run lengths
	ncols  int  // Σ column-run lengths
	dense  bool // a single full run in every row
}

// rowRuns returns the column runs of row h (nil for a zero row).
func (s *support) rowRuns(h int) [][2]int32 {
	i := s.rowIdx[h]
	if i < 0 {
		return nil
	}
	return s.runs[s.runOff[i]:s.runOff[i+1]]
}

// row returns the column runs of row h and the filter's values on them
// (nil, nil for a zero row).
func (s *support) row(h int) ([][2]int32, [][]float64) {
	i := s.rowIdx[h]
	if i < 0 {
		return nil, nil
	}
	a, b := s.runOff[i], s.runOff[i+1]
	return s.runs[a:b], s.vals[a:b]
}

// gather writes the truncated filter's values at row h, columns cols, into
// dst (len(cols)); 0 off the runs. cols is scanned with a cursor over the
// row's runs that restarts where cols decreases (fftfreq-ordered crop
// indices: two increasing segments).
func (s *support) gather(h int, cols []int, dst []float64) {
	runs, vals := s.row(h)
	k, prev := 0, -1
	for j, c := range cols {
		if c < prev {
			k = 0
		}
		prev = c
		for k < len(runs) && int(runs[k][1]) <= c {
			k++
		}
		if k < len(runs) && int(runs[k][0]) <= c {
			dst[j] = vals[k][c-int(runs[k][0])]
		} else {
			dst[j] = 0
		}
	}
}

// mergeGap is the largest run of zeros inside a row that is still swept as
// part of a run (cheaper than starting a new run).
const mergeGap = 8

// bank returns the engine's truncated view of f (supports and their values),
// computed once per bank (banks are immutable, see stlayer.FilterBank). The cache
// holds f weakly: a copy lives as long as its bank, and is dropped (by a
// cleanup the runtime runs after f is collected) once no one else holds the
// bank, so a process evaluating many operators or sizes keeps only the
// copies of the banks it still has.
func (e *Engine) bank(f *stlayer.FilterBank) *bankInfo {
	e.bankMu.Lock()
	defer e.bankMu.Unlock()
	if e.banks == nil {
		e.banks = map[weak.Pointer[stlayer.FilterBank]]*bankInfo{}
	}
	key := weak.Make(f)
	if bi := e.banks[key]; bi != nil && bi.n == bankStamp(f) {
		return bi
	}
	H, W, n := f.H, f.W, f.H*f.W
	bi := &bankInfo{n: bankStamp(f), sup: make([]support, f.K)}
	row := make([]float64, W)
	for k := 0; k < f.K; k++ {
		// rowOf returns row h of filter k (possibly in row); stored returns
		// the bank's own storage of columns [a, b) of row h, or nil where a
		// sparse bank has no single run covering them.
		var rowOf func(h int) []float64
		var stored func(h, a, b int) []float64
		mx := 0.0
		if f.Runs == nil {
			src := f.Data[k*n : (k+1)*n]
			for _, v := range src {
				mx = max(mx, math.Abs(v))
			}
			rowOf = func(h int) []float64 { return src[h*W : (h+1)*W] }
			stored = func(h, a, b int) []float64 { return src[h*W+a : h*W+b : h*W+b] }
		} else {
			runs := f.Runs[k]
			for _, r := range runs {
				for _, v := range r.Vals {
					mx = max(mx, math.Abs(v))
				}
			}
			// first[h]: index of row h's first run (runs are ordered by row).
			first := make([]int32, H+1)
			for h, i := 0, 0; h <= H; h++ {
				for i < len(runs) && runs[i].Row < h {
					i++
				}
				first[h] = int32(i)
			}
			rowOf = func(h int) []float64 {
				clear(row)
				for _, r := range runs[first[h]:first[h+1]] {
					copy(row[r.Col:], r.Vals)
				}
				return row
			}
			stored = func(h, a, b int) []float64 {
				for _, r := range runs[first[h]:first[h+1]] {
					if r.Col <= a && b <= r.Col+len(r.Vals) {
						return r.Vals[a-r.Col : b-r.Col : b-r.Col]
					}
				}
				return nil
			}
		}
		thr := supportTol * mx
		// trunc is the truncated value of v: v if |v| > thr, else +0.
		trunc := func(v float64) float64 {
			if math.Abs(v) > thr {
				return v
			}
			return 0
		}
		su := newSupport(H, W, func(h int) []float64 {
			src := rowOf(h)
			for c, v := range src {
				row[c] = trunc(v)
			}
			return row
		})
		// A run aliases the bank's storage when truncation leaves its values'
		// bits alone.
		alias := make([][]float64, len(su.runs))
		npack := 0
		for i, h := range su.rows {
			for r := su.runOff[i]; r < su.runOff[i+1]; r++ {
				a, b := int(su.runs[r][0]), int(su.runs[r][1])
				v := stored(int(h), a, b)
				for _, x := range v {
					if math.Float64bits(trunc(x)) != math.Float64bits(x) {
						v = nil
						break
					}
				}
				alias[r] = v
				if v == nil {
					npack += b - a
				}
			}
		}
		pack := make([]float64, npack)
		su.vals = make([][]float64, len(su.runs))
		for i, h := range su.rows {
			src := rowOf(int(h))
			for r := su.runOff[i]; r < su.runOff[i+1]; r++ {
				if alias[r] != nil {
					su.vals[r] = alias[r]
					continue
				}
				a, b := int(su.runs[r][0]), int(su.runs[r][1])
				v := pack[: b-a : b-a]
				pack = pack[b-a:]
				for t, x := range src[a:b] {
					v[t] = trunc(x)
				}
				su.vals[r] = v
			}
		}
		bi.packed += npack
		bi.sup[k] = su
	}
	if _, had := e.banks[key]; !had {
		runtime.AddCleanup(f, e.dropBank, key)
	}
	e.banks[key] = bi
	return bi
}

// bankStamp identifies the storage of f for the cache's staleness check:
// len(Data) of a dense bank, −1 − (its stored values) for a sparse one.
func bankStamp(f *stlayer.FilterBank) int {
	if f.Runs == nil {
		return len(f.Data)
	}
	return -1 - f.StoredValues()
}

// dropBank forgets the copy of a collected bank.
func (e *Engine) dropBank(key weak.Pointer[stlayer.FilterBank]) {
	e.bankMu.Lock()
	delete(e.banks, key)
	e.bankMu.Unlock()
}

// cachedBanks returns the number of filter banks the engine holds copies of.
func (e *Engine) cachedBanks() int {
	e.bankMu.Lock()
	defer e.bankMu.Unlock()
	return len(e.banks)
}

// newSupport scans an H×W filter, given row by row (row(h) returns row h; it
// may reuse its buffer), for its nonzero rows, runs and columns (s.vals is
// left to the caller).
func newSupport(H, W int, row func(h int) []float64) support {
	s := support{rowIdx: make([]int32, H), runOff: []int32{0}}
	colNZ := make([]bool, W)
	for h := 0; h < H; h++ {
		row := row(h)
		start, last := -1, -1
		nr := 0
		for c, v := range row {
			if v == 0 {
				continue
			}
			colNZ[c] = true
			switch {
			case start < 0:
				start = c
			case c-last-1 > mergeGap:
				s.runs = append(s.runs, [2]int32{int32(start), int32(last + 1)})
				s.nnz += last + 1 - start
				nr++
				start = c
			}
			last = c
		}
		if start < 0 {
			s.rowIdx[h] = -1
			continue
		}
		s.runs = append(s.runs, [2]int32{int32(start), int32(last + 1)})
		s.nnz += last + 1 - start
		s.rowIdx[h] = int32(len(s.rows))
		s.rows = append(s.rows, int32(h))
		s.runOff = append(s.runOff, int32(len(s.runs)))
	}
	start, last := -1, -1
	for c, nz := range colNZ {
		if !nz {
			continue
		}
		if start >= 0 && c-last-1 > mergeGap {
			s.cols = append(s.cols, [2]int32{int32(start), int32(last + 1)})
			s.ncols += last + 1 - start
			start = -1
		}
		if start < 0 {
			start = c
		}
		last = c
	}
	if start >= 0 {
		s.cols = append(s.cols, [2]int32{int32(start), int32(last + 1)})
		s.ncols += last + 1 - start
	}
	s.dense = s.nnz == H*W
	return s
}

// inputSel is the FFT pass selection for the inverse FFT of a plane that
// vanishes outside s: the sparse axis first, then the full other axis.
func (s *support) inputSel(H, W int) *planeSel {
	if s.dense {
		return nil
	}
	if s.ncols*H < len(s.rows)*W {
		return &planeSel{colsFirst: true, cols: s.cols}
	}
	return &planeSel{rows: s.rows}
}

// outputSel is the FFT pass selection for a forward FFT whose result is read
// only on s: the full first pass, then the second pass on s's rows or columns.
func (s *support) outputSel(H, W int) *planeSel {
	if s.dense {
		return nil
	}
	if s.ncols*H < len(s.rows)*W {
		return &planeSel{cols: s.cols}
	}
	return &planeSel{colsFirst: true, rows: s.rows}
}

// filtered registers the lazy product with C channels and its tape node.
func (r *run) filtered(fm *filterMul, C int) *field {
	x := fm.x
	fm.outs = make([][]int, x.planes())
	for p, sp := range fm.src {
		fm.outs[sp] = append(fm.outs[sp], p)
	}
	y := &field{r: r, b: x.b, c: C, h: x.h, w: x.w, lazy: fm, base: x}
	r.register(y)
	H, W := x.h, x.w
	r.tape(y, func(g []complex128) {
		// g_x[sp] += Σ_{p reading sp} f_p·g_p on f_p's support, split over
		// (plane, row chunk).
		gx := r.gradOf(x)
		r.parPlanes(x.planes(), H, W*len(fm.src)/x.planes(), func(sp, lo, hi int) {
			d := gx[sp*H*W : (sp+1)*H*W]
			for _, p := range fm.outs[sp] {
				gp, su := g[p*H*W:(p+1)*H*W], fm.sup(p)
				for h := lo; h < hi; h++ {
					runs, vals := su.row(h)
					for i, run := range runs {
						a, b := h*W+int(run[0]), h*W+int(run[1])
						addMulReal(d[a:b], gp[a:b], vals[i])
					}
				}
			}
		})
	})
	return y
}

// materialise computes a lazy product into dst (len y.size()); it is zero
// outside each filter's support.
func (r *run) materialise(y *field, dst []complex128) {
	H, W := y.h, y.w
	r.parPlanes(y.planes(), H, W, func(p, lo, hi int) {
		r.materialiseRows(y, dst[p*H*W:(p+1)*H*W], p, lo, hi)
	})
}

// materialiseRows writes rows [lo, hi) of plane p of the lazy product y into
// the plane pl.
func (r *run) materialiseRows(y *field, pl []complex128, p, lo, hi int) {
	W := y.w
	for h := lo; h < hi; h++ {
		r.materialiseRow(y, pl[h*W:(h+1)*W], p, h)
	}
}

// materialiseRow writes row h of plane p of the lazy product y into row.
func (r *run) materialiseRow(y *field, row []complex128, p, h int) {
	fm, W := y.lazy, y.w
	n := y.hw()
	sp := fm.src[p]
	xs := fm.x.data[sp*n+h*W : sp*n+(h+1)*W]
	runs, vals := fm.sup(p).row(h)
	if len(runs) == 1 && runs[0] == [2]int32{0, int32(W)} {
		mulReal(row, xs, vals[0])
		return
	}
	clear(row)
	for i, run := range runs {
		a, b := int(run[0]), int(run[1])
		mulReal(row[a:b], xs[a:b], vals[i])
	}
}

// parPlanes runs fn(plane, lo, hi) over planes × chunks of [0, n), with about
// cost·(hi−lo) work per call, splitting planes into spatial chunks when there
// are fewer planes than workers.
func (r *run) parPlanes(planes, n, cost int, fn func(p, lo, hi int)) {
	chunks := 1
	if w := r.e.workers; w > 1 && planes < 4*w {
		chunks = max(1, min((4*w+planes-1)/planes, n*max(cost, 1)/16384, n))
	}
	size := (n + chunks - 1) / chunks
	chunks = (n + size - 1) / size // no empty trailing chunk
	r.e.parFor(planes*chunks, size*max(cost, 1), func(lo, hi int) {
		for t := lo; t < hi; t++ {
			p, c := t/chunks, t%chunks
			fn(p, c*size, min((c+1)*size, n))
		}
	})
}

// ownLazy is own for the consumers that fuse a lazy filter product: it
// returns the product description when the field is still unmaterialised.
func (r *run) ownLazy(xf stlayer.Field) (*field, *filterMul) {
	f, ok := xf.(*field)
	if ok && f != nil && f.r == r && f.lazy != nil && f.data == nil && !f.released {
		r.markUse(f)
		return f, f.lazy
	}
	return r.own(xf), nil
}

// periodiseLazy is Periodise of a lazy product: one pass over x and the
// filters, never forming the H×W products.
func (r *run) periodiseLazy(x *field, fm *filterMul, h, w int) *field {
	H, W := x.h, x.w
	s := float64(h*w) / float64(H*W)
	src := fm.x
	y := r.newField(x.b, x.c, h, w)
	if r.dry {
		return y
	}
	// Source plane sp, output rows [i0, i1) of every output plane reading sp:
	// input rows R ≡ i (mod h), each read once for all its filters.
	r.parPlanes(src.planes(), h, len(fm.src)/src.planes()*H/h*W, func(sp, i0, i1 int) {
		xs := src.data[sp*H*W : (sp+1)*H*W]
		for _, p := range fm.outs[sp] {
			clear(y.data[p*h*w+i0*w : p*h*w+i1*w])
		}
		for a := 0; a < H/h; a++ {
			for i := i0; i < i1; i++ {
				R := a*h + i
				xr := xs[R*W : (R+1)*W]
				for _, p := range fm.outs[sp] {
					runs, vals := fm.sup(p).row(R)
					if runs == nil {
						continue
					}
					drow := y.data[(p*h+i)*w : (p*h+i+1)*w]
					for k, run := range runs {
						foldRun(drow, xr, vals[k], int(run[0]), int(run[1]), w)
					}
				}
			}
		}
		for _, p := range fm.outs[sp] {
			d := y.data[p*h*w+i0*w : p*h*w+i1*w]
			for k, v := range d {
				d[k] = complex(s*real(v), s*imag(v))
			}
		}
	})
	r.tape(y, func(g []complex128) {
		// g_src[sp][R, C] += s·f_p[R, C]·g_p[R mod h, C mod w] on f_p's support.
		gx := r.gradOf(src)
		r.parPlanes(src.planes(), H, len(fm.src)/src.planes()*W, func(sp, R0, R1 int) {
			d := gx[sp*H*W : (sp+1)*H*W]
			for _, p := range fm.outs[sp] {
				gp, su := g[p*h*w:(p+1)*h*w], fm.sup(p)
				for R := R0; R < R1; R++ {
					grow := gp[(R%h)*w : (R%h+1)*w]
					runs, vals := su.row(R)
					for k, run := range runs {
						unfoldRun(d[R*W:(R+1)*W], vals[k], grow, int(run[0]), int(run[1]), w, s)
					}
				}
			}
		})
	})
	return y
}

// foldRun adds x[c]·f[c−c0] to d[c mod w] for c in [c0, c1) (f holds the
// filter's values on the run).
func foldRun(d, x []complex128, f []float64, c0, c1, w int) {
	if useAVX2 && w%2 == 0 && c1-c0 >= 2*w {
		// Partial first chunk, whole chunks in one kernel call, tail.
		e := min(c1, c0-c0%w+w)
		foldRun(d, x, f, c0, e, w)
		nch := (c1 - e) / w
		chunksAVX2(&d[0], 0, &x[e], 1, &f[e-c0], w, nch, 1)
		foldRun(d, x, f[e+nch*w-c0:], e+nch*w, c1, w)
		return
	}
	for c := c0; c < c1; {
		k := c % w
		e := min(c1, c-k+w)
		xx := x[c:e]
		dd, ff := d[k:k+len(xx)], f[c-c0:c-c0+len(xx)]
		if useAVX2 {
			axpyReal(dd, xx, ff, 1)
			c = e
			continue
		}
		for t, v := range xx {
			dd[t] += complex(real(v)*ff[t], imag(v)*ff[t])
		}
		c = e
	}
}

// unfoldRun adds s·f[c−c0]·g[c mod w] to d[c] for c in [c0, c1) (f holds the
// filter's values on the run).
func unfoldRun(d []complex128, f []float64, g []complex128, c0, c1, w int, s float64) {
	if useAVX2 && w%2 == 0 && c1-c0 >= 2*w {
		e := min(c1, c0-c0%w+w)
		unfoldRun(d, f, g, c0, e, w, s)
		nch := (c1 - e) / w
		chunksAVX2(&d[e], 1, &g[0], 0, &f[e-c0], w, nch, s)
		unfoldRun(d, f[e+nch*w-c0:], g, e+nch*w, c1, w, s)
		return
	}
	for c := c0; c < c1; {
		k := c % w
		e := min(c1, c-k+w)
		dd := d[c:e]
		gg, ff := g[k:k+len(dd)], f[c-c0:c-c0+len(dd)]
		if useAVX2 {
			axpyReal(dd, gg, ff, s)
			c = e
			continue
		}
		for t, v := range gg {
			m := s * ff[t]
			dd[t] += complex(m*real(v), m*imag(v))
		}
		c = e
	}
}

// cropLazy is CropFreq of a lazy product.
func (r *run) cropLazy(x *field, fm *filterMul, h, w int) *field {
	H, W := x.h, x.w
	ri, ci := freqIndex(h, H), freqIndex(w, W)
	s := float64(h*w) / float64(H*W)
	src := fm.x
	y := r.newField(x.b, x.c, h, w)
	if r.dry {
		return y
	}
	r.parPlanes(y.planes(), h, w, func(p, i0, i1 int) {
		xs := src.data[fm.src[p]*H*W : (fm.src[p]+1)*H*W]
		su, f := fm.sup(p), make([]float64, w)
		for i := i0; i < i1; i++ {
			R := ri[i]
			drow := y.data[(p*h+i)*w : (p*h+i+1)*w]
			su.gather(R, ci, f)
			for j, C := range ci {
				m := s * f[j]
				v := xs[R*W+C]
				drow[j] = complex(m*real(v), m*imag(v))
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(src)
		r.parPlanes(src.planes(), h, len(fm.src)/src.planes()*w, func(sp, i0, i1 int) {
			d := gx[sp*H*W : (sp+1)*H*W]
			f := make([]float64, w)
			for _, p := range fm.outs[sp] {
				su := fm.sup(p)
				for i := i0; i < i1; i++ {
					R := ri[i]
					grow := g[(p*h+i)*w : (p*h+i+1)*w]
					su.gather(R, ci, f)
					for j, C := range ci {
						m := s * f[j]
						v := grow[j]
						d[R*W+C] += complex(m*real(v), m*imag(v))
					}
				}
			}
		})
	})
	return y
}
