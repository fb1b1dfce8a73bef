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

type gonumFFT struct{ p *fourier.CmplxFFT }

func (g gonumFFT) forward(x []complex128) { g.p.Coefficients(x, x) }
func (g gonumFFT) inverse(x []complex128) { g.p.Sequence(x, x) }

// plan returns a 1D FFT plan of length n (release it with putPlan).
func (e *Engine) plan(n int) fft1 {
	e.planMu.Lock()
	p := e.plans[n]
	if p == nil {
		p = &sync.Pool{New: func() any { return gonumFFT{fourier.NewCmplxFFT(n)} }}
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

// fft2 transforms planes consecutive H×W planes of buf in place: the
// unnormalised forward DFT, or (inverse) the inverse DFT including 1/(HW).
func (e *Engine) fft2(buf []complex128, planes, H, W int, inverse bool) {
	// Rows.
	if W > 1 {
		e.parFor(planes*H, 5*W*log2ceil(W), func(lo, hi int) {
			p := e.plan(W)
			for r := lo; r < hi; r++ {
				row := buf[r*W : (r+1)*W]
				if inverse {
					p.inverse(row)
				} else {
					p.forward(row)
				}
			}
			e.putPlan(W, p)
		})
	}
	scale := complex(1, 0)
	if inverse {
		scale = complex(1/float64(H*W), 0)
	}
	// Columns, in blocks of cb columns gathered into a transposed scratch.
	const cb = 16
	nb := (W + cb - 1) / cb
	if H == 1 {
		if inverse {
			scaleInPlace(buf[:planes*H*W], scale)
		}
		return
	}
	e.parFor(planes*nb, 5*cb*H*log2ceil(H), func(lo, hi int) {
		p := e.plan(H)
		tmp := e.get(cb * H)
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
					row[c] = tmp[(c-c0)*H+h] * scale
				}
			}
		}
		e.put(tmp)
		e.putPlan(H, p)
	})
}

func scaleInPlace(x []complex128, s complex128) {
	for i := range x {
		x[i] *= s
	}
}
