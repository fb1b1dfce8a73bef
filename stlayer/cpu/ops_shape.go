package cpu

import (
	"math/cmplx"

	"github.com/stkit-org/stkit/stlayer"
)

// Mean: y[b, c] = (1/HW) Σ_hw x[b, c, hw]. Adjoint: g_x = g/(HW) broadcast.
func (r *run) Mean(xf stlayer.Field) stlayer.Field {
	if f, ok := xf.(*field); ok && f != nil && f.lazyPow != nil {
		if x, ok := r.ownLazyPow(xf); ok {
			return r.meanPow(x)
		}
	}
	if x, ok := r.ownLazyBin(xf); ok {
		if x.herm && hermShape(x.h, x.w) {
			return r.reduceLazyProduct(x, [][]float64{r.e.uniform(x.hw())})
		}
		return r.meanLazyProduct(x)
	}
	x := r.own(xf)
	n := x.hw()
	y := r.newField(x.b, x.c, 1, 1)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	inv := 1 / float64(n)
	r.e.parFor(x.planes(), n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			var s complex128
			for _, v := range x.data[p*n : (p+1)*n] {
				s += v
			}
			y.data[p] = s * complex(inv, 0)
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), n, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				v := g[p] * complex(inv, 0)
				d := gx[p*n : (p+1)*n]
				for i := range d {
					d[i] += v
				}
			}
		})
	})
	return y
}

func mod(a, n int) int {
	a %= n
	if a < 0 {
		a += n
	}
	return a
}

// Shifts: y[b, c*T+t] = x[b, c, pos[t] mod (H, W)]. Adjoint: scatter-add.
func (r *run) Shifts(xf stlayer.Field, pos [][2]int) stlayer.Field {
	x := r.own(xf)
	T := len(pos)
	if T == 0 {
		shapePanic("Shifts: no positions")
	}
	off := make([]int, T)
	for t, ps := range pos {
		off[t] = mod(ps[0], x.h)*x.w + mod(ps[1], x.w)
	}
	n := x.hw()
	y := r.newField(x.b, x.c*T, 1, 1)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	for p := 0; p < x.planes(); p++ {
		for t, o := range off {
			y.data[p*T+t] = x.data[p*n+o]
		}
	}
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		for p := 0; p < x.planes(); p++ {
			for t, o := range off {
				gx[p*n+o] += g[p*T+t]
			}
		}
	})
	return y
}

// Crop keeps rows [r0, r0+h), cols [c0, c0+w). Adjoint: zero-padding.
func (r *run) Crop(xf stlayer.Field, r0, c0, h, w int) stlayer.Field {
	x := r.own(xf)
	if r0 < 0 || c0 < 0 || h < 1 || w < 1 || r0+h > x.h || c0+w > x.w {
		shapePanic("Crop: window (%d,%d)+%dx%d outside %dx%d", r0, c0, h, w, x.h, x.w)
	}
	H, W := x.h, x.w
	y := r.newField(x.b, x.c, h, w)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			for i := 0; i < h; i++ {
				copy(y.data[(p*h+i)*w:(p*h+i+1)*w], x.data[(p*H+r0+i)*W+c0:])
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), h*w, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				for i := 0; i < h; i++ {
					d := gx[(p*H+r0+i)*W+c0 : (p*H+r0+i)*W+c0+w]
					for j, v := range g[(p*h+i)*w : (p*h+i+1)*w] {
						d[j] += v
					}
				}
			}
		})
	})
	return y
}

// reflectIndex maps a padded coordinate i ∈ [−pad, n+pad) to [0, n) with numpy's
// "reflect" rule (…, 2, 1, |0, 1, …, n−1|, n−2, …), period 2(n−1).
func reflectIndex(i, n int) int {
	if n == 1 {
		return 0
	}
	i = mod(i, 2*(n-1))
	if i >= n {
		i = 2*(n-1) - i
	}
	return i
}

// PadReflect pads by (top, bottom, left, right) in numpy "reflect" mode.
// Adjoint: scatter-add of g onto the reflected source pixels.
func (r *run) PadReflect(xf stlayer.Field, top, bottom, left, right int) stlayer.Field {
	x := r.own(xf)
	if top < 0 || bottom < 0 || left < 0 || right < 0 {
		shapePanic("PadReflect: negative padding")
	}
	H, W := x.h, x.w
	h, w := H+top+bottom, W+left+right
	ri, ci := make([]int, h), make([]int, w)
	for i := range ri {
		ri[i] = reflectIndex(i-top, H)
	}
	for j := range ci {
		ci[j] = reflectIndex(j-left, W)
	}
	y := r.newField(x.b, x.c, h, w)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			for i, R := range ri {
				src, dst := x.data[(p*H+R)*W:(p*H+R+1)*W], y.data[(p*h+i)*w:(p*h+i+1)*w]
				for j, C := range ci {
					dst[j] = src[C]
				}
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), h*w, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				for i, R := range ri {
					dst, src := gx[(p*H+R)*W:(p*H+R+1)*W], g[(p*h+i)*w:(p*h+i+1)*w]
					for j, C := range ci {
						dst[C] += src[j]
					}
				}
			}
		})
	})
	return y
}

// Subsample keeps x[::s, ::s]: output ⌈H/s⌉×⌈W/s⌉. Adjoint: scatter.
func (r *run) Subsample(xf stlayer.Field, s int) stlayer.Field {
	x := r.own(xf)
	if s < 1 {
		shapePanic("Subsample: step %d", s)
	}
	H, W := x.h, x.w
	h, w := (H+s-1)/s, (W+s-1)/s
	y := r.newField(x.b, x.c, h, w)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			for i := 0; i < h; i++ {
				src := x.data[(p*H+i*s)*W:]
				dst := y.data[(p*h+i)*w : (p*h+i+1)*w]
				for j := range dst {
					dst[j] = src[j*s]
				}
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), h*w, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				for i := 0; i < h; i++ {
					dst := gx[(p*H+i*s)*W:]
					for j, v := range g[(p*h+i)*w : (p*h+i+1)*w] {
						dst[j*s] += v
					}
				}
			}
		})
	})
	return y
}

// Channels gathers y[:, i] = x[:, idx[i]]. Adjoint: scatter-add (repeats sum).
// A selection of spatial planes is not copied: y reads x's planes
// (field.chSel) until a reader other than a lazy product's needs it stored
// (own); a Forward replay stores at once the selections its dry run saw
// stored (fwdPlan.eager), so that their source is not kept alive for them.
// A selection of an unstored selection selects from the latter's base.
func (r *run) Channels(xf stlayer.Field, idx []int) stlayer.Field {
	x := r.ownKeepSel(xf)
	if len(idx) == 0 {
		shapePanic("Channels: no indices")
	}
	for _, c := range idx {
		if c < 0 || c >= x.c {
			shapePanic("Channels: index %d out of [0,%d)", c, x.c)
		}
	}
	idx = append([]int(nil), idx...)
	n, K := x.hw(), len(idx)
	var y *field
	if n > 1 && !r.e.storeSel && !r.eager[len(r.fields)] {
		base, sel := x, idx
		if isSel(x) {
			base, sel = x.base, make([]int, K)
			for i, c := range idx {
				sel[i] = x.chSel[c]
			}
		}
		y = &field{r: r, b: x.b, c: K, h: x.h, w: x.w, base: base, chSel: sel}
		r.register(y)
	} else {
		y = r.newField(x.b, K, x.h, x.w)
	}
	y.isReal = x.isReal
	y.herm = x.herm
	if y.chSel == nil && !r.dry {
		r.storeSel(y.data, x, idx)
	}
	r.tape(y, func(g []complex128) {
		ranges := [][2]int{{0, n}}
		var gx []complex128
		if y.halfOK() {
			ranges = halfRanges(x.h, x.w)
			gx = r.gradOfHalf(x)
		} else {
			gx = r.gradOf(x)
		}
		// Split the spatial range: repeated indices never race.
		r.e.parFor(n, x.b*K, func(lo, hi int) {
			for _, rg := range ranges {
				l, h := max(lo, rg[0]), min(hi, rg[1])
				if l >= h {
					continue
				}
				for b := 0; b < x.b; b++ {
					for i, c := range idx {
						d := gx[(b*x.c+c)*n+l : (b*x.c+c)*n+h]
						for j, v := range g[(b*K+i)*n+l : (b*K+i)*n+h] {
							d[j] += v
						}
					}
				}
			}
		})
	})
	return y
}

// storeSel writes the channels idx of x (stored or an unstored selection)
// into dst (Channels' output layout).
func (r *run) storeSel(dst []complex128, x *field, idx []int) {
	n, K := x.hw(), len(idx)
	r.e.parFor(x.b*K, n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			b, i := p/K, p%K
			copy(dst[p*n:(p+1)*n], x.planeData(b*x.c+idx[i]))
		}
	})
}

// ownKeepSel is own for Channels: an unstored selection is returned as it
// is (Channels reads through it).
func (r *run) ownKeepSel(xf stlayer.Field) *field {
	f, ok := xf.(*field)
	if ok && f != nil && f.r == r && isSel(f) {
		r.markUse(f)
		return f
	}
	return r.own(xf)
}

// Concat concatenates along channels (B, H, W equal). Adjoint: split.
func (r *run) Concat(xfs ...stlayer.Field) stlayer.Field {
	if len(xfs) == 0 {
		shapePanic("Concat: no fields")
	}
	xs := make([]*field, len(xfs))
	C := 0
	for i, xf := range xfs {
		xs[i] = r.own(xf)
		if xs[i].b != xs[0].b || xs[i].h != xs[0].h || xs[i].w != xs[0].w {
			shapePanic("Concat: field %d is [%d,%d,%d,%d], field 0 is [%d,%d,%d,%d]", i,
				xs[i].b, xs[i].c, xs[i].h, xs[i].w, xs[0].b, xs[0].c, xs[0].h, xs[0].w)
		}
		C += xs[i].c
	}
	B, n := xs[0].b, xs[0].hw()
	y := r.newField(B, C, xs[0].h, xs[0].w)
	y.isReal = true
	for _, x := range xs {
		y.isReal = y.isReal && x.isReal
	}
	if r.dry {
		return y
	}
	r.e.parFor(B, C*n, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			off := b * C * n
			for _, x := range xs {
				m := x.c * n
				copy(y.data[off:off+m], x.data[b*m:(b+1)*m])
				off += m
			}
		}
	})
	r.tape(y, func(g []complex128) {
		off := 0
		for _, x := range xs {
			gx := r.gradOf(x)
			m := x.c * n
			o := off
			r.e.parFor(B, m, func(lo, hi int) {
				for b := lo; b < hi; b++ {
					d, s := gx[b*m:(b+1)*m], g[b*C*n+o:b*C*n+o+m]
					for j, v := range s {
						d[j] += v
					}
				}
			})
			off += m
		}
	})
	return y
}

// Linear: y[b, i, hw] = Σ_j A[i*Cin+j]·x[b, j, hw] (any H, W; normally 1×1).
// Adjoint: g_x[b, j] = Σ_i conj(A[i*Cin+j])·g[b, i].
func (r *run) Linear(xf stlayer.Field, A []complex128, rows int) stlayer.Field {
	x := r.own(xf)
	Cin := x.c
	if rows < 1 || len(A) != rows*Cin {
		shapePanic("Linear: matrix with %d entries for %d rows × %d channels", len(A), rows, Cin)
	}
	A = append([]complex128(nil), A...)
	n := x.hw()
	y := r.newField(x.b, rows, x.h, x.w)
	if r.dry {
		return y
	}
	r.e.parFor(x.b*rows, Cin*n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			b, i := p/rows, p%rows
			d := y.data[p*n : (p+1)*n]
			clear(d)
			for j, a := range A[i*Cin : (i+1)*Cin] {
				if a == 0 {
					continue
				}
				for k, v := range x.data[(b*Cin+j)*n : (b*Cin+j+1)*n] {
					d[k] += a * v
				}
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.b*Cin, rows*n, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				b, j := p/Cin, p%Cin
				d := gx[p*n : (p+1)*n]
				for i := 0; i < rows; i++ {
					a := cmplx.Conj(A[i*Cin+j])
					if a == 0 {
						continue
					}
					for k, v := range g[(b*rows+i)*n : (b*rows+i+1)*n] {
						d[k] += a * v
					}
				}
			}
		})
	})
	return y
}

// Reshape reinterprets each map as [c, h, w] (same data, no copy).
func (r *run) Reshape(xf stlayer.Field, c, h, w int) stlayer.Field {
	if f, ok := xf.(*field); ok && f != nil && f.lazyPow != nil && f.data == nil {
		// |x|^q commutes with reshaping: stay lazy, over a view of x.
		if px, ok := r.ownLazyPow(xf); ok {
			if c < 1 || h < 1 || w < 1 || c*h*w != px.c*px.hw() {
				shapePanic("Reshape: [%d,%d,%d] has %d elements per map, [%d,%d,%d] has %d", px.c, px.h, px.w, px.c*px.hw(), c, h, w, c*h*w)
			}
			return r.lazyPow(r.Reshape(px.lazyPow.x, c, h, w).(*field), px.lazyPow.q)
		}
	}
	x := r.own(xf)
	if c < 1 || h < 1 || w < 1 || c*h*w != x.c*x.hw() {
		shapePanic("Reshape: [%d,%d,%d] has %d elements per map, [%d,%d,%d] has %d", x.c, x.h, x.w, x.c*x.hw(), c, h, w, c*h*w)
	}
	y := r.newView(x, c, h, w)
	r.tape(y, func(g []complex128) {
		t := r.e.get(len(g))
		copy(t, g)
		r.accum(x, t)
	})
	return y
}
