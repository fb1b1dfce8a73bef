package cpu

import "github.com/stkit-org/stkit/stlayer"

// Lazy phase harmonics. PhaseHarmonic (|p| ≥ 2) returns a field that holds
// only the description y = [x]^p. Mul and MulConj of such a field with a
// stored full-plane field stay lazy products (lazybin.go) with the phase
// harmonic as an unmaterialised operand; Mean of that product read through
// identity maps forms [x]^p row by row in a small buffer and sums the
// products as they are formed (meanPHProduct), and its adjoint scatters into
// the other operand's gradient and, through the phase-harmonic derivative,
// into x's gradient in the same pass. Every other reader of the phase
// harmonic, or of a product holding it, materialises it first (own,
// ensureOperands), and the phase harmonic's own adjoint then handles the
// gradient those readers left in y.grad.

// phLazy describes y = [x]^p = |x|·(x/|x|)^p elementwise (0 at x = 0).
type phLazy struct {
	x *field
	p int
}

// lazyPH returns the lazy field [x]^p (|p| ≥ 2). Adjoint (for the gradient
// its materialising readers leave in y.grad): phaseHarmGrad, g_x = (P −
// i·p·Q)·x/|x|² with conj(g)·y = P + iQ.
func (r *run) lazyPH(x *field, p int) *field {
	y := &field{r: r, b: x.b, c: x.c, h: x.h, w: x.w, lazyPH: &phLazy{x: x, p: p}, base: x}
	r.register(y)
	r.tape(y, func(g []complex128) {
		gx, set := r.gradSet(x)
		r.e.parFor(len(g), 20, func(lo, hi int) {
			xs := x.data[lo:hi]
			var ys []complex128
			if y.data != nil {
				ys = y.data[lo:hi]
			} else {
				ys = make([]complex128, len(xs))
				phaseHarm(ys, xs, p)
			}
			phaseHarmGrad(gx[lo:hi], g[lo:hi], xs, ys, p, !set)
		})
	})
	return y
}

// isLazyPH reports whether f is a still unmaterialised phase harmonic.
func isLazyPH(f *field) bool { return f.lazyPH != nil && f.data == nil && !f.released }

// ensurePH materialises f if it is a lazy phase harmonic not yet stored.
func (r *run) ensurePH(f *field) {
	if isLazyPH(f) {
		if r.dry {
			f.data = dryData
			return
		}
		f.data = r.get(f.size())
		r.materialisePH(f, f.data)
	}
}

// ensureOperands materialises the lazy phase-harmonic operands of a lazy
// product (for the readers that read the operands' values).
func (r *run) ensureOperands(lz *binLazy) {
	r.ensurePH(lz.a)
	r.ensurePH(lz.b)
}

// materialisePH computes a lazy [x]^p into dst.
func (r *run) materialisePH(y *field, dst []complex128) {
	lz := y.lazyPH
	xd := lz.x.data
	r.e.parFor(len(dst), 20, func(lo, hi int) { phaseHarm(dst[lo:hi], xd[lo:hi], lz.p) })
}

// phOperand returns, for a lazy product whose operands are exactly one
// unmaterialised phase harmonic and one other field, that phase harmonic and
// whether it is operand b; ok is false otherwise.
func (lz *binLazy) phOperand() (ph *field, isB, ok bool) {
	la, lb := isLazyPH(lz.a), isLazyPH(lz.b)
	switch {
	case la && !lb:
		return lz.a, false, true
	case lb && !la:
		return lz.b, true, true
	}
	return nil, false, false
}

// meanPHProduct is Mean of a lazy product y = s·a·conj(b) or s·a·b read
// through identity maps where one operand is an unmaterialised phase
// harmonic [z]^p: row by row, [z]^p is formed in a buffer and the row's
// product sum taken against the other operand (the same row dot products as
// meanLazyProduct on the materialised field). Adjoint: meanPHProductGrad.
func (r *run) meanPHProduct(x *field, ph *field, phIsB bool) *field {
	lz, h, w := x.lazyBin, x.h, x.w
	n := h * w
	inv := lz.s / float64(n)
	z, pw := ph.lazyPH.x, ph.lazyPH.p
	other := lz.a
	if !phIsB {
		other = lz.b
	}
	conj := lz.k == opMulConj
	y := r.newField(x.b, x.c, 1, 1)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), 26*n, func(lo, hi int) {
		buf := r.e.get(w)
		defer r.e.put(buf)
		for p := lo; p < hi; p++ {
			qz, qo := ph.planeFor(p, lz.C), other.planeFor(p, lz.C)
			zv, ov := z.data[qz*n:(qz+1)*n], other.planeData(qo)
			var sr, si float64
			for i := 0; i < h; i++ {
				phaseHarm(buf, zv[i*w:(i+1)*w], pw)
				var vr, vi float64
				if phIsB {
					vr, vi = dotProduct(ov[i*w:(i+1)*w], buf, conj)
				} else {
					vr, vi = dotProduct(buf, ov[i*w:(i+1)*w], conj)
				}
				sr, si = sr+vr, si+vi
			}
			y.data[p] = complex(sr*inv, si*inv)
		}
	})
	r.tape(y, func(g []complex128) { r.meanPHProductGrad(x, ph, phIsB, g, inv) })
	return y
}

// meanPHProductGrad is the adjoint of meanPHProduct for the upstream
// gradients g[p], k = s/HW, c = k·g[p]: as meanProductGrad (MulConj: g_a +=
// c·b, g_b += conj(c)·a; Mul: g_a += c·conj(b), g_b += c·conj(a)) with the
// phase harmonic w = [z]^p formed row by row, and the phase harmonic's
// gradient g_w (summed over the output planes reading it) passed at once
// through phaseHarmGrad into g_z. When both operands have one plane per
// output plane (and the other operand is not z itself), one fused pass over
// each plane (phaseHarmBack: [z]^p, u = z/|z| and g_z = (P′ − i·p·Q′)·u
// with conj(g_w)·u^p = P′ + iQ′) serves both gradients.
func (r *run) meanPHProductGrad(y, ph *field, phIsB bool, g []complex128, k float64) {
	lz, h, w := y.lazyBin, y.h, y.w
	n := h * w
	z, pw := ph.lazyPH.x, ph.lazyPH.p
	other, whichPH := lz.a, 1
	if !phIsB {
		other, whichPH = lz.b, 0
	}
	mulConj := lz.k == opMulConj
	// coef returns c for output plane p and operand `which`; conjO reports
	// whether the other operand enters conjugated.
	coef := func(p, which int) complex128 {
		c := complex(k*real(g[p]), k*imag(g[p]))
		if mulConj && which == 1 {
			c = complex(real(c), -imag(c))
		}
		return c
	}
	conjO := !mulConj
	oneToOne := func(f *field) bool { return f.b == y.b && f.c == y.c }
	if oneToOne(other) && oneToOne(ph) && other != z {
		gOther, setO := r.gradSet(other)
		gz, setZ := r.gradSet(z)
		r.e.parFor(y.planes(), 60*n, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				o := p * n
				phaseHarmBack(gOther[o:o+n], gz[o:o+n], z.data[o:o+n], other.planeData(p), pw,
					coef(p, 1-whichPH), coef(p, whichPH), conjO, !setO, !setZ)
			}
		})
		return
	}
	// Broadcast operands (or other = z): one pass per operand, one goroutine
	// per operand plane, so that no plane is written concurrently.
	outsOf := func(f *field) [][]int {
		outs := make([][]int, f.planes())
		for p := 0; p < y.planes(); p++ {
			q := f.planeFor(p, lz.C)
			outs[q] = append(outs[q], p)
		}
		return outs
	}
	// The other operand: d += c·conjO(w) for every output plane reading it.
	{
		var gx []complex128
		set := false
		if oneToOne(other) {
			gx, set = r.gradSet(other)
		} else {
			gx = r.gradOf(other)
		}
		outs := outsOf(other)
		r.e.parFor(other.planes(), len(outs[0])*30*n, func(lo, hi int) {
			wb := r.e.get(w)
			defer r.e.put(wb)
			for q := lo; q < hi; q++ {
				for t, p := range outs[q] {
					c := coef(p, 1-whichPH)
					qz := ph.planeFor(p, lz.C)
					for i := 0; i < h; i++ {
						phaseHarm(wb, z.data[qz*n+i*w:qz*n+(i+1)*w], pw)
						cscaleInto(gx[q*n+i*w:q*n+(i+1)*w], wb, c, conjO, !set || t > 0)
					}
				}
			}
		})
	}
	// z: g_w = Σ_p c_p·conjO(other_p) per row, then g_z through the phase
	// harmonic (every plane of z is read by some output plane: assigned when
	// z has no gradient yet).
	gz, setZ := r.gradSet(z)
	outs := outsOf(ph)
	r.e.parFor(ph.planes(), len(outs[0])*30*n, func(lo, hi int) {
		wb, gw := r.e.get(w), r.e.get(w)
		defer r.e.put(wb)
		defer r.e.put(gw)
		for q := lo; q < hi; q++ {
			for i := 0; i < h; i++ {
				for t, p := range outs[q] {
					qo := other.planeFor(p, lz.C)
					cscaleInto(gw, other.planeData(qo)[i*w:(i+1)*w], coef(p, whichPH), conjO, t > 0)
				}
				zr := z.data[q*n+i*w : q*n+(i+1)*w]
				phaseHarm(wb, zr, pw)
				phaseHarmGrad(gz[q*n+i*w:q*n+(i+1)*w], gw, zr, wb, pw, !setZ)
			}
		}
	})
}

// ownKeepPH is own for Mul and MulConj: an unmaterialised phase harmonic is
// returned as it is (the caller stores it unless the product stays lazy).
func (r *run) ownKeepPH(xf stlayer.Field) *field {
	f, ok := xf.(*field)
	if ok && f != nil && f.r == r && (isLazyPH(f) || isSel(f)) {
		r.markUse(f)
		return f
	}
	return r.own(xf)
}
