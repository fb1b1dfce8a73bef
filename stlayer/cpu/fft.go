package cpu

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/dsp/fourier"
)

// fft1 is an in-place, unnormalised 1D complex DFT of a fixed length, owned by
// one goroutine at a time.
type fft1 interface {
	forward(x []complex128) // X[k] = Σ x[n] e^{−2πikn/N}
	inverse(x []complex128) // x[n] = Σ X[k] e^{+2πikn/N} (no 1/N)
}

type gonumFFT struct {
	p   *fourier.CmplxFFT
	tmp []complex128 // column scratch, 16·n
}

func (g gonumFFT) forward(x []complex128) { g.p.Coefficients(x, x) }
func (g gonumFFT) inverse(x []complex128) { g.p.Sequence(x, x) }

// plan returns a 1D FFT plan of length n (release it with putPlan).
func (e *Engine) plan(n int) fft1 {
	e.planMu.Lock()
	p := e.plans[n]
	if p == nil {
		p = &sync.Pool{New: func() any { return gonumFFT{fourier.NewCmplxFFT(n), make([]complex128, 16*n)} }}
		e.plans[n] = p
	}
	e.planMu.Unlock()
	return p.Get().(fft1)
}

func (e *Engine) putPlan(n int, f fft1) {
	e.planMu.Lock()
	p := e.plans[n]
	e.planMu.Unlock()
	p.Put(f)
}

// With the vector kernels, power-of-two column passes of 8…stockhamMaxRows
// rows use the Stockham FFT (no bit-reversal pass; larger strips fall out of
// L2), and 3·2^k rows of 12…p3RowMax points go through transposed blocks and
// the vectorised mixed-radix FFT (measured faster than the radix-3 step +
// power-of-two rows there, slower above).
const (
	stockhamMaxRows = 256
	p3RowMax        = 96
)

func log2ceil(n int) int { return bits.Len(uint(n)) }

// radixPlan returns the shared power-of-two plan of length n.
func (e *Engine) radixPlan(n int) *radixPlan {
	e.planMu.Lock()
	defer e.planMu.Unlock()
	p := e.radix[n]
	if p == nil {
		p = newRadixPlan(n)
		e.radix[n] = p
	}
	return p
}

// p3Plan returns the shared 3·2^k plan of length n.
func (e *Engine) p3Plan(n int) *p3Plan {
	e.planMu.Lock()
	defer e.planMu.Unlock()
	if e.p3 == nil {
		e.p3 = map[int]*p3Plan{}
	}
	p := e.p3[n]
	if p == nil {
		p = newP3Plan(n)
		e.p3[n] = p
	}
	return p
}

// mixedPlan returns the shared mixed-radix plan of length n.
func (e *Engine) mixedPlan(n int) *mixedPlan {
	e.planMu.Lock()
	defer e.planMu.Unlock()
	p := e.mixed[n]
	if p == nil {
		p = newMixedPlan(n)
		e.mixed[n] = p
	}
	return p
}

// fft2From is fft2Sel of a copy of src written to dst: planes whose first
// pass runs over all their rows copy each row inside that pass; the others
// are copied beforehand.
func (e *Engine) fft2From(dst, src []complex128, planes, H, W int, inverse bool, scale float64, sel func(p int) *planeSel) {
	n := H * W
	rowFill := func(p int) bool {
		if W == 1 {
			return false
		}
		if sel == nil {
			return true
		}
		s := sel(p)
		return s == nil || (!s.colsFirst && s.rows == nil)
	}
	e.parFor(planes, n/4, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			if !rowFill(p) {
				copy(dst[p*n:(p+1)*n], src[p*n:(p+1)*n])
			}
		}
	})
	var fill func(p, r int, row []complex128)
	if W > 1 {
		fill = func(p, r int, row []complex128) {
			if rowFill(p) {
				copy(row, src[p*n+r*W:p*n+(r+1)*W])
			}
		}
	}
	e.fft2Sel(dst, planes, H, W, inverse, scale, sel, fill)
}

// planeSel restricts the 1D transforms of one plane's 2D FFT. The transform
// runs in two passes, along rows then columns (or columns then rows when
// colsFirst); rows lists the rows transformed by the row pass and cols the
// column runs [c0, c1) transformed by the column pass (nil: all). Used for
// spectra known to vanish outside a filter's support: a sparse first pass
// (inverse FFT of a filtered spectrum: the other rows/columns are zero and
// stay zero) or a pruned second pass (forward FFT whose result is read only
// on the support; the untransformed values are left as they are).
type planeSel struct {
	colsFirst bool
	rows      []int32
	cols      [][2]int32
}

// fftJob is one unit of a pass: rows rows[lo:hi] (or, when rows is nil, rows
// lo..hi−1) of plane p, or columns [lo, hi) of plane p, multiplied by sc.
type fftJob struct {
	p, lo, hi int
	rows      []int32
	col       bool
	sc        float64 // scale of the job's output (0: 1)
}

// fft2 transforms planes consecutive H×W planes of buf in place: the
// unnormalised forward DFT, or (inverse) the inverse DFT including 1/(HW).
func (e *Engine) fft2(buf []complex128, planes, H, W int, inverse bool) {
	e.fft2Sel(buf, planes, H, W, inverse, 1, nil, nil)
}

// fft2Sel is fft2 with each plane's passes restricted by sel(p) (nil sel or
// nil result: full transform, rows first) and the result multiplied by
// scale. Power-of-two axes use the radix-2/4 FFT (columns in strips of whole
// row segments), other lengths the mixed-radix FFT (rows through transposed
// blocks of 16 rows); e.gonumOnly uses gonum's CmplxFFT throughout. Rows
// that are entirely zero are skipped by a first row pass. With fill, the
// first row pass writes each row it transforms with fill(p, r, row) just
// before transforming it (while the row is in cache); the rows of those
// planes that it does not visit must already hold zeros.
func (e *Engine) fft2Sel(buf []complex128, planes, H, W int, inverse bool, scale float64, sel func(p int) *planeSel, fill func(p, r int, row []complex128)) {
	if inverse {
		scale /= float64(H * W)
	}
	if H == 1 && W == 1 {
		if scale != 1 {
			scaleInPlace(buf[:planes], complex(scale, 0))
		}
		e.countFFT(H, W, float64(planes))
		return
	}
	var first, second []fftJob
	const rowBlock = 16
	colStrip := 64
	if e.gonumOnly {
		colStrip = 32
	}
	addRows := func(jobs []fftJob, p int, rows []int32) []fftJob {
		if W == 1 {
			return jobs
		}
		n := H
		if rows != nil {
			n = len(rows)
		}
		for lo := 0; lo < n; lo += rowBlock {
			jobs = append(jobs, fftJob{p: p, lo: lo, hi: min(lo+rowBlock, n), rows: rows})
		}
		return jobs
	}
	addCols := func(jobs []fftJob, p int, runs [][2]int32) []fftJob {
		if H == 1 {
			return jobs
		}
		if runs == nil {
			runs = [][2]int32{{0, int32(W)}}
		}
		for _, r := range runs {
			for c := int(r[0]); c < int(r[1]); c += colStrip {
				jobs = append(jobs, fftJob{p: p, lo: c, hi: min(c+colStrip, int(r[1])), col: true})
			}
		}
		return jobs
	}
	for p := 0; p < planes; p++ {
		var s *planeSel
		if sel != nil {
			s = sel(p)
		}
		n1, n2 := len(first), len(second)
		switch {
		case s == nil:
			first = addRows(first, p, nil)
			second = addCols(second, p, nil)
		case s.colsFirst:
			first = addCols(first, p, s.cols)
			second = addRows(second, p, s.rows)
		default:
			first = addRows(first, p, s.rows)
			second = addCols(second, p, s.cols)
		}
		// The scale goes with the last pass that touches every element of
		// the plane: its second one, unless it has a single pass (a 1×W or
		// H×1 plane, whose planes may differ in which pass that is).
		if len(second) == n2 {
			for i := n1; i < len(first); i++ {
				first[i].sc = scale
			}
		} else {
			for i := n2; i < len(second); i++ {
				second[i].sc = scale
			}
		}
	}
	var rowsDone, colsDone atomic.Int64
	run := func(jobs []fftJob, skipZero bool, fill func(p, r int, row []complex128)) {
		if len(jobs) == 0 {
			return
		}
		cost := 5 * rowBlock * W * log2ceil(W)
		if jobs[0].col {
			cost = 5 * colStrip * H * log2ceil(H)
		}
		e.parFor(len(jobs), cost, func(lo, hi int) {
			var tmp []complex128
			var nr, nc int
			for _, j := range jobs[lo:hi] {
				if tmp == nil && (!isPow2(H) || !isPow2(W) || e.gonumOnly || useAVX2) {
					tmp = e.get(2 * max(colStrip*H, rowBlock*W))
				}
				sc := j.sc
				if sc == 0 {
					sc = 1
				}
				if j.col {
					e.fftCols(buf[j.p*H*W:(j.p+1)*H*W], H, W, j.lo, j.hi, inverse, sc, tmp)
					nc += j.hi - j.lo
					continue
				}
				if fill != nil {
					pl := buf[j.p*H*W : (j.p+1)*H*W]
					for i := j.lo; i < j.hi; i++ {
						r := i
						if j.rows != nil {
							r = int(j.rows[i])
						}
						fill(j.p, r, pl[r*W:(r+1)*W])
					}
				}
				nr += e.fftRows(buf[j.p*H*W:(j.p+1)*H*W], W, j.rows, j.lo, j.hi, inverse, sc, skipZero, tmp)
			}
			if tmp != nil {
				e.put(tmp)
			}
			rowsDone.Add(int64(nr))
			colsDone.Add(int64(nc))
		})
	}
	run(first, true, fill)
	run(second, false, nil)
	e.countFFT(H, W, 0.5*float64(rowsDone.Load())/float64(H)+0.5*float64(colsDone.Load())/float64(W))
}

// fftRows transforms rows rows[lo:hi] (rows == nil: lo..hi−1) of the H×W
// plane pl in place and multiplies them by scale; with skipZero, all-zero rows
// are left alone. It returns the number of rows transformed. tmp (mixed radix
// and gonum only) holds at least 2·16·W values.
func (e *Engine) fftRows(pl []complex128, W int, rows []int32, lo, hi int, inverse bool, scale float64, skipZero bool, tmp []complex128) int {
	rowAt := func(i int) []complex128 {
		r := i
		if rows != nil {
			r = int(rows[i])
		}
		return pl[r*W : (r+1)*W]
	}
	done := 0
	switch {
	case isPow2(W) && !e.gonumOnly:
		p := e.radixPlan(W)
		for i := lo; i < hi; i++ {
			if row := rowAt(i); !skipZero || !allZero(row) {
				p.transform(row, inverse, scale)
				done++
			}
		}
	case isP3(W) && !e.gonumOnly && !(useAVX2 && W >= 12 && W <= p3RowMax):
		p := e.p3Plan(W)
		for i := lo; i < hi; i++ {
			if row := rowAt(i); !skipZero || !allZero(row) {
				p.transform(row, inverse, scale, tmp)
				done++
			}
		}
	case !e.gonumOnly:
		// Gather the block's rows transposed so that the mixed-radix FFT
		// runs along them with m-long inner loops.
		p := e.mixedPlan(W)
		idx := make([]int, 0, hi-lo)
		for i := lo; i < hi; i++ {
			if !skipZero || !allZero(rowAt(i)) {
				idx = append(idx, i)
			}
		}
		m := len(idx)
		if m == 0 {
			return 0
		}
		t1, t2 := tmp[:m*W], tmp[m*W:2*m*W]
		for a, i := range idx {
			for c, v := range rowAt(i) {
				t1[c*m+a] = v
			}
		}
		p.columns(t1, m, m, inverse, scale, t2)
		for a, i := range idx {
			row := rowAt(i)
			for c := range row {
				row[c] = t1[c*m+a]
			}
		}
		done = m
	default:
		p := e.plan(W)
		for i := lo; i < hi; i++ {
			row := rowAt(i)
			if skipZero && allZero(row) {
				continue
			}
			if inverse {
				p.inverse(row)
			} else {
				p.forward(row)
			}
			if scale != 1 {
				scaleInPlace(row, complex(scale, 0))
			}
			done++
		}
		e.putPlan(W, p)
	}
	return done
}

// fftCols transforms columns [c0, c1) of the H×W plane pl in place and
// multiplies them by scale. tmp (mixed radix and gonum only) holds at least
// (c1−c0)·H values.
func (e *Engine) fftCols(pl []complex128, H, W, c0, c1 int, inverse bool, scale float64, tmp []complex128) {
	switch {
	case isPow2(H) && !e.gonumOnly && !(useAVX2 && H >= 8 && H <= stockhamMaxRows):
		e.radixPlan(H).columns(pl[c0:], W, c1-c0, inverse, scale)
	case !e.gonumOnly:
		e.mixedPlan(H).columns(pl[c0:], W, c1-c0, inverse, scale, tmp)
	default:
		p := e.plan(H)
		sc := complex(scale, 0)
		for h := 0; h < H; h++ {
			row := pl[h*W : (h+1)*W]
			for c := c0; c < c1; c++ {
				tmp[(c-c0)*H+h] = row[c]
			}
		}
		for c := c0; c < c1; c++ {
			col := tmp[(c-c0)*H : (c-c0+1)*H]
			if inverse {
				p.inverse(col)
			} else {
				p.forward(col)
			}
		}
		for h := 0; h < H; h++ {
			row := pl[h*W : (h+1)*W]
			for c := c0; c < c1; c++ {
				row[c] = tmp[(c-c0)*H+h] * sc
			}
		}
		e.putPlan(H, p)
	}
}

// countFFT adds n plane transforms of size H×W to the FFT counter.
func (e *Engine) countFFT(H, W int, n float64) {
	if n == 0 {
		return
	}
	e.countMu.Lock()
	if e.fftCount == nil {
		e.fftCount = map[[2]int]float64{}
	}
	e.fftCount[[2]int{H, W}] += n
	e.countMu.Unlock()
}

// FFTCount returns the 2D FFTs the engine has computed since it was created
// (or since ResetFFTCount), by plane size (H, W), in units of full complex
// H×W transforms: a pass restricted to some rows or columns counts as the
// fraction of 1D transforms it ran (a 2D transform being H row and W column
// transforms, half of its cost each), a real-input pair as one transform.
func (e *Engine) FFTCount() map[[2]int]float64 {
	e.countMu.Lock()
	defer e.countMu.Unlock()
	out := make(map[[2]int]float64, len(e.fftCount))
	for k, v := range e.fftCount {
		out[k] = v
	}
	return out
}

// ResetFFTCount clears the FFT counter.
func (e *Engine) ResetFFTCount() {
	e.countMu.Lock()
	e.fftCount = nil
	e.countMu.Unlock()
}

// allZero reports whether every value of x is 0 (the DFT of a zero row is
// zero: band-limited or sparse spectra skip most row transforms).
func allZero(x []complex128) bool {
	for _, v := range x {
		if v != 0 {
			return false
		}
	}
	return true
}

func scaleInPlace(x []complex128, s complex128) {
	for i := range x {
		x[i] *= s
	}
}

// FFT2InPlace transforms the planes consecutive H×W complex planes of buf in
// place with the engine's FFTs (stlayer conventions: unnormalised forward
// DFT, or the inverse DFT including 1/(HW)). It counts in FFTCount. Used for
// host-side transforms and to time the FFT floor of a statistic. It panics
// when planes < 0, H < 1, W < 1 or buf holds fewer than planes·H·W values
// (the product taken without overflow).
func (e *Engine) FFT2InPlace(buf []complex128, planes, H, W int, inverse bool) {
	if planes < 0 || H < 1 || W < 1 {
		panic(fmt.Sprintf("cpu: FFT2InPlace: %d planes of %d×%d (want planes ≥ 0, H, W ≥ 1)", planes, H, W))
	}
	if planes > 0 && (H > len(buf)/W || planes > len(buf)/(H*W)) {
		panic(fmt.Sprintf("cpu: FFT2InPlace: %d planes of %d×%d need more values than the buffer's %d", planes, H, W, len(buf)))
	}
	e.fft2(buf, planes, H, W, inverse)
}
