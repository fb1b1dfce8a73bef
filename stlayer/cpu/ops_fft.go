package cpu

import "github.com/stkit-org/stkit/stlayer"

// accum adds tmp (same size as x) into x's gradient and takes ownership of tmp.
func (r *run) accum(x *field, tmp []complex128) {
	x.gradFull = true
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
// Real inputs (field.isReal) are transformed two planes per complex FFT, and
// their adjoint computes only Re g_x, also two planes per transform.
func (r *run) FFT2(xf stlayer.Field) stlayer.Field {
	x, lazy := r.ownLazyPow(xf)
	if !(x.isReal && x.hw() > 1) && r.stealable(x) {
		// Forward replay, x's last reader: transform its buffer in place.
		y, _ := r.newFieldFrom(x)
		r.e.fft2Sel(y.data, y.planes(), x.h, x.w, false, 1, nil, nil)
		return y
	}
	y := r.newField(x.b, x.c, x.h, x.w)
	y.herm = x.isReal && x.hw() > 1
	if r.dry {
		return y
	}
	if y.herm {
		n, w := x.hw(), x.w
		pack := func(p, i int, row []complex128, im bool) {
			packRow(row, x.data[p*n+i*w:p*n+(i+1)*w], im)
		}
		if lazy {
			// |z|^q formed row by row, never stored.
			lz := x.lazyPow
			pack = func(p, i int, row []complex128, im bool) {
				powRowPacked(row, lz.x.data[p*n+i*w:p*n+(i+1)*w], lz.q, im)
			}
		}
		r.e.fft2Real(y.data, pack, x.planes(), x.h, x.w)
		r.tape(y, func(g []complex128) {
			gx, set := r.gradSet(x)
			r.e.addRealIDFT(gx, g, x.planes(), x.h, x.w, 1, set)
		})
		return y
	}
	r.e.fft2From(y.data, x.data, x.planes(), x.h, x.w, false, 1, nil)
	r.tape(y, func(g []complex128) {
		t := r.e.get(len(g))
		r.e.fft2From(t, g, x.planes(), x.h, x.w, true, float64(x.hw()), nil)
		r.accum(x, t)
	})
	return y
}

// IFFT2 is the inverse DFT over (H, W) with 1/(HW). Adjoint: g_x = FFT2(g)/(HW).
// A lazy filter product is formed directly in the output buffer; since it
// vanishes outside each filter's support, the first FFT pass runs over the
// support's rows (or columns) only, and the adjoint's second pass computes
// FFT2(g) only where the product's adjoint reads it.
func (r *run) IFFT2(xf stlayer.Field) stlayer.Field {
	x, fm := r.ownLazy(xf)
	H, W := x.h, x.w
	if fm == nil && r.stealable(x) {
		// Forward replay, x's last reader: transform its buffer in place.
		y, _ := r.newFieldFrom(x)
		r.e.fft2Sel(y.data, y.planes(), H, W, true, 1, nil, nil)
		return y
	}
	y := r.newField(x.b, x.c, x.h, x.w)
	if r.dry {
		return y
	}
	var in, out func(p int) *planeSel
	if lz := x.lazy; lz != nil {
		in = func(p int) *planeSel { return lz.sup(p).inputSel(H, W) }
		out = func(p int) *planeSel { return lz.sup(p).outputSel(H, W) }
	}
	var fill func(p, i int, row []complex128)
	switch {
	case fm != nil && W > 1:
		// The product is formed row by row by the first (row) pass; planes
		// transformed columns first are formed beforehand, and the rows the
		// row pass skips are zeroed.
		r.parPlanes(x.planes(), H, W, func(p, lo, hi int) {
			s := in(p)
			pl := y.data[p*H*W : (p+1)*H*W]
			if s != nil && s.colsFirst {
				r.materialiseRows(x, pl, p, lo, hi)
				return
			}
			if s == nil {
				return
			}
			su := fm.sup(p)
			for h := lo; h < hi; h++ {
				if su.rowIdx[h] < 0 {
					clear(pl[h*W : (h+1)*W])
				}
			}
		})
		fill = func(p, i int, row []complex128) { r.materialiseRow(x, row, p, i) }
	case fm != nil:
		r.materialise(x, y.data)
	}
	if fm == nil && x.lazy == nil {
		r.e.fft2From(y.data, x.data, x.planes(), H, W, true, 1, nil)
	} else {
		if fm == nil {
			copy(y.data, x.data) // a filter product stored by another reader
		}
		r.e.fft2Sel(y.data, x.planes(), H, W, true, 1, in, fill)
	}
	r.tape(y, func(g []complex128) {
		t := r.e.get(len(g))
		r.e.fft2From(t, g, x.planes(), H, W, false, 1/float64(x.hw()), out)
		r.accum(x, t)
	})
	return y
}

// packRow writes the real parts of src into the real (im = false) or
// imaginary (im = true) parts of row.
func packRow(row, src []complex128, im bool) {
	src = src[:len(row)]
	if im {
		for k, v := range row {
			row[k] = complex(real(v), real(src[k]))
		}
		return
	}
	for k := range row {
		row[k] = complex(real(src[k]), 0)
	}
}
