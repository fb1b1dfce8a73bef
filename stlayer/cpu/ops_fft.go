package cpu

import "github.com/stkit-org/stkit/stlayer"

// accum adds tmp (same size as x) into x's gradient and takes ownership of tmp.
func (r *run) accum(x *field, tmp []complex128) {
	if x.grad == nil {
		x.grad = tmp
		return
	}
	gx := x.grad
	r.e.parFor(len(tmp), 2, func(lo, hi int) {
		d, s := gx[lo:hi], tmp[lo:hi]
		for i := range d {
			d[i] += s[i]
		}
	})
	r.e.put(tmp)
}

// FFT2 is the unnormalised forward DFT over (H, W). Adjoint: g_x = HW·IFFT2(g).
func (r *run) FFT2(xf stlayer.Field) stlayer.Field {
	x := r.own(xf)
	y := r.newField(x.b, x.c, x.h, x.w)
	copy(y.data, x.data)
	r.e.fft2(y.data, x.planes(), x.h, x.w, false)
	r.tape(y, func(g []complex128) {
		t := r.e.get(len(g))
		copy(t, g)
		r.e.fft2(t, x.planes(), x.h, x.w, true)
		s := complex(float64(x.hw()), 0)
		r.e.parFor(len(t), 1, func(lo, hi int) { scaleInPlace(t[lo:hi], s) })
		r.accum(x, t)
	})
	return y
}

// IFFT2 is the inverse DFT over (H, W) with 1/(HW). Adjoint: g_x = FFT2(g)/(HW).
// A lazy filter product is formed directly in the output buffer.
func (r *run) IFFT2(xf stlayer.Field) stlayer.Field {
	x, fm := r.ownLazy(xf)
	y := r.newField(x.b, x.c, x.h, x.w)
	if fm != nil {
		r.materialise(x, y.data)
	} else {
		copy(y.data, x.data)
	}
	r.e.fft2(y.data, x.planes(), x.h, x.w, true)
	r.tape(y, func(g []complex128) {
		t := r.e.get(len(g))
		copy(t, g)
		r.e.fft2(t, x.planes(), x.h, x.w, false)
		s := complex(1/float64(x.hw()), 0)
		r.e.parFor(len(t), 1, func(lo, hi int) { scaleInPlace(t[lo:hi], s) })
		r.accum(x, t)
	})
	return y
}
