package cpu

import (
	"math/bits"
	"sync"

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

// fft2 transforms planes consecutive H×W planes of buf in place: the
// unnormalised forward DFT, or (inverse) the inverse DFT including 1/(HW).
// Power-of-two axes use the radix-2/4 FFT (columns transformed in strips of
// whole row segments), other lengths gonum's CmplxFFT.
func (e *Engine) fft2(buf []complex128, planes, H, W int, inverse bool) {
	scale := 1.0
	if inverse {
		scale = 1 / float64(H*W)
	}
	if H == 1 && W == 1 {
		if inverse {
			scaleInPlace(buf[:planes], complex(scale, 0))
		}
		return
	}
	rowScale, colScale := 1.0, scale
	if H == 1 {
		rowScale, colScale = scale, 1
	}
	// Rows.
	if W > 1 {
		if isPow2(W) && !e.gonumOnly {
			p := e.radixPlan(W)
			e.parFor(planes*H, 5*W*log2ceil(W), func(lo, hi int) {
				for r := lo; r < hi; r++ {
					if row := buf[r*W : (r+1)*W]; !allZero(row) {
						p.transform(row, inverse, rowScale)
					}
				}
			})
		} else if !e.gonumOnly {
			// Blocks of bs rows, transposed so that the mixed-radix FFT runs
			// along the block's rows with bs-long inner loops.
			const bs = 16
			p := e.mixedPlan(W)
			rows := planes * H
			nb := (rows + bs - 1) / bs
			e.parFor(nb, 5*bs*W*log2ceil(W), func(lo, hi int) {
				t1, t2 := e.get(bs*W), e.get(bs*W)
				for blk := lo; blk < hi; blk++ {
					r0 := blk * bs
					m := min(bs, rows-r0)
					if allZero(buf[r0*W : (r0+m)*W]) {
						continue
					}
					for i := 0; i < m; i++ {
						for c, v := range buf[(r0+i)*W : (r0+i+1)*W] {
							t1[c*m+i] = v
						}
					}
					p.columns(t1[:m*W], m, m, inverse, rowScale, t2)
					for i := 0; i < m; i++ {
						row := buf[(r0+i)*W : (r0+i+1)*W]
						for c := range row {
							row[c] = t1[c*m+i]
						}
					}
				}
				e.put(t1)
				e.put(t2)
			})
		} else {
			e.parFor(planes*H, 5*W*log2ceil(W), func(lo, hi int) {
				p := e.plan(W)
				for r := lo; r < hi; r++ {
					row := buf[r*W : (r+1)*W]
					if inverse {
						p.inverse(row)
					} else {
						p.forward(row)
					}
					if rowScale != 1 {
						scaleInPlace(row, complex(rowScale, 0))
					}
				}
				e.putPlan(W, p)
			})
		}
	}
	if H == 1 {
		return
	}
	// Columns.
	if isPow2(H) && !e.gonumOnly {
		p := e.radixPlan(H)
		const strip = 64
		ns := (W + strip - 1) / strip
		e.parFor(planes*ns, 5*strip*H*log2ceil(H), func(lo, hi int) {
			for t := lo; t < hi; t++ {
				pl, s := t/ns, t%ns
				c0 := s * strip
				p.columns(buf[pl*H*W+c0:(pl+1)*H*W], W, min(strip, W-c0), inverse, colScale)
			}
		})
		return
	}
	if !e.gonumOnly {
		p := e.mixedPlan(H)
		const strip = 32
		ns := (W + strip - 1) / strip
		e.parFor(planes*ns, 5*strip*H*log2ceil(H), func(lo, hi int) {
			tmp := e.get(strip * H)
			for t := lo; t < hi; t++ {
				pl, s := t/ns, t%ns
				c0 := s * strip
				p.columns(buf[pl*H*W+c0:(pl+1)*H*W], W, min(strip, W-c0), inverse, colScale, tmp)
			}
			e.put(tmp)
		})
		return
	}
	const cb = 16
	nb := (W + cb - 1) / cb
	sc := complex(colScale, 0)
	e.parFor(planes*nb, 5*cb*H*log2ceil(H), func(lo, hi int) {
		p := e.plan(H)
		tmp := p.(gonumFFT).tmp
		for t := lo; t < hi; t++ {
			pl, blk := t/nb, t%nb
			base := pl * H * W
			c0 := blk * cb
			c1 := min(c0+cb, W)
			for h := 0; h < H; h++ {
				row := buf[base+h*W : base+(h+1)*W]
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
				row := buf[base+h*W : base+(h+1)*W]
				for c := c0; c < c1; c++ {
					row[c] = tmp[(c-c0)*H+h] * sc
				}
			}
		}
		e.putPlan(H, p)
	})
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
