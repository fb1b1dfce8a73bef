package cpu

import "github.com/stkit-org/stkit/stlayer"

// Lazy products. Mul and MulConj of two full-plane fields return a field that
// holds only the description of the product, y = s·a·b or s·a·conj(b)
// (s real), read through a row map and column runs (identity at first):
// CropFreq of such a field is another description (maps composed, s scaled),
// Mean and WeightedMeans reduce it row by row without storing it, and their
// adjoints add straight into the gradients of a and b. Any other reader
// materialises it (own), and the product's own adjoint then handles the
// gradient the readers left in y.grad.

// binLazy describes y[p][i, j] = s·op(a[pa][ri[i], c], b[pb][ri[i], c]) with
// c the source column of j (cols), pa = a.planeFor(p, C), likewise pb.
type binLazy struct {
	k     binKind // opMul or opMulConj
	a, b  *field
	C     int
	ri    []int    // output row → source row
	cols  [][3]int // runs {dst start, src start, length} covering 0…w−1
	s     float64  // real scale
	srcHW [2]int   // a's (and b's) H, W
}

func identityMaps(h, w int) ([]int, [][3]int) {
	ri := make([]int, h)
	for i := range ri {
		ri[i] = i
	}
	return ri, [][3]int{{0, 0, w}}
}

// productRow writes row i of output plane p of the lazy product y into d.
func (lz *binLazy) productRow(d []complex128, p, i int) {
	W := lz.srcHW[1]
	pa, pb := lz.a.planeFor(p, lz.C), lz.b.planeFor(p, lz.C)
	R := lz.ri[i]
	ar := lz.a.planeData(pa)[R*W : (R+1)*W]
	br := lz.b.planeData(pb)[R*W : (R+1)*W]
	s := lz.s
	for _, run := range lz.cols {
		dd, aa, bb := d[run[0]:run[0]+run[2]], ar[run[1]:run[1]+run[2]], br[run[1]:run[1]+run[2]]
		if useAVX2 {
			cmulInto(dd, aa, bb, s, false, lz.k == opMulConj, false)
			continue
		}
		if lz.k == opMulConj {
			for t, u := range aa {
				v := bb[t]
				// u·conj(v)
				dd[t] = complex(s*(real(u)*real(v)+imag(u)*imag(v)), s*(imag(u)*real(v)-real(u)*imag(v)))
			}
		} else {
			for t, u := range aa {
				v := bb[t]
				dd[t] = complex(s*(real(u)*real(v)-imag(u)*imag(v)), s*(real(u)*imag(v)+imag(u)*real(v)))
			}
		}
	}
}

// lazyProduct returns the lazy field a·b or a·conj(b) ([B, C, H, W], both
// operands full planes of that size).
func (r *run) lazyProduct(k binKind, a, b *field, B, C, H, W int) *field {
	ri, cols := identityMaps(H, W)
	lz := &binLazy{k: k, a: a, b: b, C: C, ri: ri, cols: cols, s: 1, srcHW: [2]int{H, W}}
	y := &field{r: r, b: B, c: C, h: H, w: W, lazyBin: lz}
	if B < 1 || C < 1 || H < 1 || W < 1 {
		shapePanic("invalid field shape [%d,%d,%d,%d]", B, C, H, W)
	}
	r.register(y)
	y.isReal = a.isReal && b.isReal
	y.herm = a.herm && b.herm && hermShape(H, W)
	r.tapeLazyProduct(y)
	return y
}

// cropLazyProduct is CropFreq of a lazy product: the same product read
// through composed maps, scaled by hw/(HW).
func (r *run) cropLazyProduct(x *field, h, w int) *field {
	lz := x.lazyBin
	fr, fc := freqIndex(h, x.h), freqIndex(w, x.w)
	ri := make([]int, h)
	for i, R := range fr {
		ri[i] = lz.ri[R]
	}
	src := make([]int, x.w)
	for _, run := range lz.cols {
		for t := 0; t < run[2]; t++ {
			src[run[0]+t] = run[1] + t
		}
	}
	var cols [][3]int
	for j, C := range fc {
		c := src[C]
		if n := len(cols); n > 0 && cols[n-1][0]+cols[n-1][2] == j && cols[n-1][1]+cols[n-1][2] == c {
			cols[n-1][2]++
			continue
		}
		cols = append(cols, [3]int{j, c, 1})
	}
	nl := &binLazy{k: lz.k, a: lz.a, b: lz.b, C: lz.C, ri: ri, cols: cols,
		s: lz.s * float64(h*w) / float64(x.h*x.w), srcHW: lz.srcHW}
	y := &field{r: r, b: x.b, c: x.c, h: h, w: w, lazyBin: nl}
	r.register(y)
	y.isReal = x.isReal
	y.herm = x.herm && hermShape(h, w)
	r.tapeLazyProduct(y)
	return y
}

// materialiseBin computes a lazy product into dst.
func (r *run) materialiseBin(y *field, dst []complex128) {
	lz, h, w := y.lazyBin, y.h, y.w
	r.ensureOperands(lz)
	r.parPlanes(y.planes(), h, 6*w, func(p, lo, hi int) {
		for i := lo; i < hi; i++ {
			lz.productRow(dst[(p*h+i)*w:(p*h+i+1)*w], p, i)
		}
	})
}

// productAt returns y[p][i, j] of a lazy product.
func (lz *binLazy) productAt(p, i, j int) complex128 {
	c := -1
	for _, run := range lz.cols {
		if j >= run[0] && j < run[0]+run[2] {
			c = run[1] + j - run[0]
			break
		}
	}
	W := lz.srcHW[1]
	R := lz.ri[i]
	u := lz.a.planeData(lz.a.planeFor(p, lz.C))[R*W+c]
	v := lz.b.planeData(lz.b.planeFor(p, lz.C))[R*W+c]
	if lz.k == opMulConj {
		v = complex(real(v), -imag(v))
	}
	u *= v
	return complex(lz.s*real(u), lz.s*imag(u))
}

// scatterRow adds to d (plane of x, which is operand `which` of the lazy
// product) the adjoint of row i of y for the gradient row g (elements
// [jlo, jhi) only); o is the matching plane of the other operand. With half,
// values landing in x's Q go, conjugated, to their partners.
func (lz *binLazy) scatterRow(d, o, g []complex128, which, i, jlo, jhi int, half bool) {
	H, W := lz.srcHW[0], lz.srcHW[1]
	R := lz.ri[i]
	s := lz.s
	dr, or := d[R*W:(R+1)*W], o[R*W:(R+1)*W]
	qRow := half && R > H/2
	// mode 0: g·o, 1: conj(g)·o, 2: g·conj(o)
	mode := 2
	if lz.k == opMulConj {
		mode = which
	}
	for _, run := range lz.cols {
		t0, t1 := max(0, jlo-run[0]), min(run[2], jhi-run[0])
		if t0 >= t1 {
			continue
		}
		gg, oo := g[run[0]+t0:run[0]+t1], or[run[1]+t0:run[1]+t1]
		c0 := run[1] + t0
		if qRow {
			dn := d[negIndex(R, H)*W : (negIndex(R, H)+1)*W]
			for t, gv := range gg {
				v := prodMode(mode, gv, oo[t])
				if c := c0 + t; c != W/2 {
					dn[negIndex(c, W)] += complex(s*real(v), -s*imag(v))
				} else {
					dr[c] += complex(s*real(v), s*imag(v))
				}
			}
			continue
		}
		dd := dr[c0 : c0+len(gg)]
		if useAVX2 {
			cmulInto(dd, gg, oo, s, mode == 1, mode == 2, true)
			continue
		}
		switch mode {
		case 0:
			for t, gv := range gg {
				ov := oo[t]
				dd[t] += complex(s*(real(gv)*real(ov)-imag(gv)*imag(ov)), s*(real(gv)*imag(ov)+imag(gv)*real(ov)))
			}
		case 1:
			for t, gv := range gg {
				ov := oo[t]
				dd[t] += complex(s*(real(gv)*real(ov)+imag(gv)*imag(ov)), s*(real(gv)*imag(ov)-imag(gv)*real(ov)))
			}
		default:
			for t, gv := range gg {
				ov := oo[t]
				dd[t] += complex(s*(real(gv)*real(ov)+imag(gv)*imag(ov)), s*(imag(gv)*real(ov)-real(gv)*imag(ov)))
			}
		}
	}
}

// prodMode returns g·o (mode 0), conj(g)·o (1) or g·conj(o) (2).
func prodMode(mode int, g, o complex128) complex128 {
	switch mode {
	case 0:
		return g * o
	case 1:
		return complex(real(g), -imag(g)) * o
	}
	return g * complex(real(o), -imag(o))
}

// scatterProductGrad adds to the gradients of a and b the adjoint of the lazy
// product y for the output gradient rows given by gRow(p, i, buf) (which
// fills buf with row i of plane p's gradient). With half (y herm, half
// gradient), only the elements outside Q are visited and the operands
// receive half gradients.
//
//	MulConj y = s·a·conj(b): g_a = s·g·b, g_b = s·conj(g)·a
//	Mul     y = s·a·b:       g_a = s·g·conj(b), g_b = s·g·conj(a)
func (r *run) scatterProductGrad(y *field, half bool, gRow func(p, i int, buf []complex128)) {
	lz, h, w := y.lazyBin, y.h, y.w
	r.ensureOperands(lz)
	n := lz.srcHW[0] * lz.srcHW[1]
	a, b := lz.a, lz.b
	grad := func(x *field) []complex128 {
		if half {
			return r.gradOfHalf(x)
		}
		return r.gradOf(x)
	}
	ga := grad(a)
	gb := grad(b)
	rows := func(i int) (int, int) {
		if half && i > h/2 {
			return w / 2, w/2 + 1 // Nyquist column only
		}
		return 0, w
	}
	nrows := h
	if half {
		nrows = h/2 + 1
	}
	cost := nrows * w * 24
	oneToOne := func(x *field) bool { return x.b == y.b && x.c == y.c }
	if oneToOne(a) && oneToOne(b) {
		// Each output plane owns one plane of a and one of b: one gradient
		// row serves both operands.
		r.e.parFor(y.planes(), cost, func(lo, hi int) {
			buf := make([]complex128, w)
			for p := lo; p < hi; p++ {
				da, db := ga[p*n:(p+1)*n], gb[p*n:(p+1)*n]
				av, bv := a.planeData(p), b.planeData(p)
				for i := 0; i < h; i++ {
					jlo, jhi := rows(i)
					gRow(p, i, buf)
					lz.scatterRow(da, bv, buf, 0, i, jlo, jhi, half)
					lz.scatterRow(db, av, buf, 1, i, jlo, jhi, half)
				}
			}
		})
		return
	}
	// Broadcast operands: one goroutine per operand plane, so that no plane
	// is written concurrently.
	for which, x := range [2]*field{a, b} {
		other, gx := b, ga
		if which == 1 {
			other, gx = a, gb
		}
		outs := make([][]int, x.planes())
		for p := 0; p < y.planes(); p++ {
			q := x.planeFor(p, lz.C)
			outs[q] = append(outs[q], p)
		}
		r.e.parFor(x.planes(), len(outs[0])*cost, func(lo, hi int) {
			buf := make([]complex128, w)
			for q := lo; q < hi; q++ {
				d := gx[q*n : (q+1)*n]
				for _, p := range outs[q] {
					ov := other.planeData(other.planeFor(p, lz.C))
					for i := 0; i < h; i++ {
						jlo, jhi := rows(i)
						gRow(p, i, buf)
						lz.scatterRow(d, ov, buf, which, i, jlo, jhi, half)
					}
				}
			}
		})
	}
}

// tapeLazyProduct records the adjoint of a lazy product for the gradient its
// materialising readers leave in y.grad.
func (r *run) tapeLazyProduct(y *field) {
	r.tape(y, func(g []complex128) {
		h, w := y.h, y.w
		r.scatterProductGrad(y, y.halfOK(), func(p, i int, buf []complex128) {
			copy(buf, g[(p*h+i)*w:(p*h+i+1)*w])
		})
	})
}

// reduceLazyProduct is WeightedMeans (m) of a lazy product, row by row.
func (r *run) reduceLazyProduct(x *field, m [][]float64) *field {
	lz, h, w := x.lazyBin, x.h, x.w
	r.ensureOperands(lz)
	K := len(m)
	herm := x.herm && hermShape(h, w)
	y := r.newField(x.b, x.c*K, 1, 1)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	nrows := h
	if herm {
		nrows = h/2 + 1
	}
	var fold *fold4
	if useAVX2 && K == 4 {
		fold = r.fold4For(m, h, w, herm)
	}
	if fold != nil {
		// Blocks of rows, all planes per row (a row's folded weights are
		// read once for every plane); block partial sums are added in block
		// order, so the result does not depend on the number of workers.
		const rowsPerBlock = 8
		P := x.planes()
		nb := (nrows + rowsPerBlock - 1) / rowsPerBlock
		part := r.e.get(nb * P * K)
		r.e.parFor(nb, rowsPerBlock*P*(K+6)*w, func(lo, hi int) {
			for bi := lo; bi < hi; bi++ {
				o := part[bi*P*K : (bi+1)*P*K]
				clear(o)
				for i := bi * rowsPerBlock; i < min((bi+1)*rowsPerBlock, nrows); i++ {
					for p := 0; p < P; p++ {
						var nyq complex128
						if herm && i > 0 && i < h/2 {
							nyq = lz.productAt(p, h-i, w/2)
						}
						reduceProductRowFold(o[p*K:(p+1)*K], lz, p, i, nyq, m, fold)
					}
				}
			}
		})
		out := y.data[:P*K]
		copy(out, part[:P*K])
		for bi := 1; bi < nb; bi++ {
			for t, v := range part[bi*P*K : (bi+1)*P*K] {
				out[t] += v
			}
		}
		r.e.put(part)
	} else {
		r.e.parFor(x.planes(), (K+6)*nrows*w, func(lo, hi int) {
			row := make([]complex128, w)
			for p := lo; p < hi; p++ {
				out := y.data[p*K : (p+1)*K]
				clear(out)
				for i := 0; i < nrows; i++ {
					var nyq complex128
					if herm && i > 0 && i < h/2 {
						nyq = lz.productAt(p, h-i, w/2)
					}
					lz.productRow(row, p, i)
					reduceRow(out, row, nyq, m, i, h, w, herm)
				}
			}
		})
	}
	r.tape(y, func(g []complex128) {
		if fold != nil && lz.a.b == x.b && lz.a.c == x.c && lz.b.b == x.b && lz.b.c == x.c {
			r.scatterProductGradFold(x, herm, m, fold, g)
			return
		}
		r.scatterProductGrad(x, herm, func(p, i int, buf []complex128) {
			if fold != nil {
				reduceRowGradFold(buf, g[p*K:(p+1)*K], m, fold, i)
				return
			}
			reduceRowGrad(buf, g[p*K:(p+1)*K], m, i, h, w, herm)
		})
	})
	return y
}

// reduceRow adds to out[k] the contribution of row i of an h×w plane (row) to
// Σ x·m[k]. With herm (i ≤ h/2), rows 0 < i < h/2 also stand for their
// partner rows h−i (see herm.go); nyq is the partner row's Nyquist value.
func reduceRow(out []complex128, row []complex128, nyq complex128, m [][]float64, i, h, w int, herm bool) {
	if len(m) == 4 {
		reduceRow4(out, row, nyq, m, i, h, w, herm)
		return
	}
	if !herm || i == 0 || i == h/2 {
		for k, mk := range m {
			out[k] += realDot(row, mk[i*w:(i+1)*w])
		}
		return
	}
	for k, mk := range m {
		out[k] += hermRowDot(row, nyq, mk[i*w:(i+1)*w], mk[(h-i)*w:(h-i+1)*w], w)
	}
}

// reduceRowGrad writes to buf row i of the gradient of the sums Σ x·m[k]
// for upstream gradients g[k]; with herm, the half gradient (rows i > h/2:
// only the Nyquist column is meaningful).
func reduceRowGrad(buf []complex128, g []complex128, m [][]float64, i, h, w int, herm bool) {
	if herm && i > h/2 {
		var v complex128
		for k, mk := range m {
			v += g[k] * complex(mk[i*w+w/2], 0)
		}
		buf[w/2] = v
		return
	}
	if !herm || i == 0 || i == h/2 {
		if len(m) == 4 {
			m0, m1, m2, m3 := m[0][i*w:(i+1)*w], m[1][i*w:(i+1)*w], m[2][i*w:(i+1)*w], m[3][i*w:(i+1)*w]
			g0r, g0i, g1r, g1i := real(g[0]), imag(g[0]), real(g[1]), imag(g[1])
			g2r, g2i, g3r, g3i := real(g[2]), imag(g[2]), real(g[3]), imag(g[3])
			for j := range buf[:w] {
				a0, a1, a2, a3 := m0[j], m1[j], m2[j], m3[j]
				buf[j] = complex(g0r*a0+g1r*a1+g2r*a2+g3r*a3, g0i*a0+g1i*a1+g2i*a2+g3i*a3)
			}
			return
		}
		clear(buf[:w])
		for k, mk := range m {
			mr := mk[i*w : (i+1)*w]
			gr, gi := real(g[k]), imag(g[k])
			for j := range mr {
				buf[j] += complex(gr*mr[j], gi*mr[j])
			}
		}
		return
	}
	if len(m) == 4 {
		hermRowGrad4(buf, g, m, i, h, w)
		return
	}
	clear(buf[:w])
	for k, mk := range m {
		hermRowAdjoint(buf, g[k], mk[i*w:(i+1)*w], mk[(h-i)*w:(h-i+1)*w], w)
	}
}

// hermRowGrad4 is reduceRowGrad for a herm row 0 < i < h/2 and 4 weight maps.
func hermRowGrad4(buf []complex128, g []complex128, m [][]float64, i, h, w int) {
	r0, r1, r2, r3 := m[0][i*w:(i+1)*w], m[1][i*w:(i+1)*w], m[2][i*w:(i+1)*w], m[3][i*w:(i+1)*w]
	n0, n1, n2, n3 := m[0][(h-i)*w:(h-i+1)*w], m[1][(h-i)*w:(h-i+1)*w], m[2][(h-i)*w:(h-i+1)*w], m[3][(h-i)*w:(h-i+1)*w]
	g0r, g0i, g1r, g1i := real(g[0]), imag(g[0]), real(g[1]), imag(g[1])
	g2r, g2i, g3r, g3i := real(g[2]), imag(g[2]), real(g[3]), imag(g[3])
	at := func(j, jn int) complex128 {
		a0, a1, a2, a3 := r0[j], r1[j], r2[j], r3[j]
		b0, b1, b2, b3 := n0[jn], n1[jn], n2[jn], n3[jn]
		return complex(g0r*(a0+b0)+g1r*(a1+b1)+g2r*(a2+b2)+g3r*(a3+b3),
			g0i*(a0-b0)+g1i*(a1-b1)+g2i*(a2-b2)+g3i*(a3-b3))
	}
	buf[0] = at(0, 0)
	for j := 1; j < w; j++ {
		buf[j] = at(j, w-j)
	}
	// The Nyquist column is unpaired: its own weights only.
	j := w / 2
	buf[j] = complex(g0r*r0[j]+g1r*r1[j]+g2r*r2[j]+g3r*r3[j], g0i*r0[j]+g1i*r1[j]+g2i*r2[j]+g3i*r3[j])
}

// uniform returns a cached map of n values 1/n (Mean as a weighted sum).
func (e *Engine) uniform(n int) []float64 {
	e.bankMu.Lock()
	defer e.bankMu.Unlock()
	if e.uniformW == nil {
		e.uniformW = map[int][]float64{}
	}
	u := e.uniformW[n]
	if u == nil {
		u = make([]float64, n)
		for i := range u {
			u[i] = 1 / float64(n)
		}
		e.uniformW[n] = u
	}
	return u
}

// ownLazyBin is own for the readers that fuse a lazy product: it reports
// whether the field is a still unmaterialised product.
func (r *run) ownLazyBin(xf stlayer.Field) (*field, bool) {
	f, ok := xf.(*field)
	if ok && f != nil && f.r == r && f.lazyBin != nil && f.data == nil && !f.released {
		r.markUse(f)
		return f, true
	}
	return r.own(xf), false
}

// hermRowDot returns the contribution of row i (0 < i < h/2) of a herm plane
// and of its partner row h−i to Σ x·m: row i paired with row h−i (weights mr,
// mn), the Nyquist column of both rows unpaired (nyq: x at (h−i, w/2)).
func hermRowDot(xr []complex128, nyq complex128, mr, mn []float64, w int) complex128 {
	var sr, si float64
	a, b := mr[0], mn[0]
	sr += real(xr[0]) * (a + b)
	si += imag(xr[0]) * (a - b)
	for j := 1; j < w; j++ {
		a, b := mr[j], mn[w-j]
		sr += real(xr[j]) * (a + b)
		si += imag(xr[j]) * (a - b)
	}
	j := w / 2
	b = mn[j]
	sr += -real(xr[j])*b + real(nyq)*b
	si += imag(xr[j])*b + imag(nyq)*b
	return complex(sr, si)
}

// hermRowAdjoint adds to d (row i, 0 < i < h/2) the half gradient of
// hermRowDot for the upstream gradient g; the partner row's Nyquist value is
// handled with row h−i.
func hermRowAdjoint(d []complex128, g complex128, mr, mn []float64, w int) {
	gr, gi := real(g), imag(g)
	a, b := mr[0], mn[0]
	d[0] += complex(gr*(a+b), gi*(a-b))
	for j := 1; j < w; j++ {
		a, b := mr[j], mn[w-j]
		d[j] += complex(gr*(a+b), gi*(a-b))
	}
	b = mn[w/2]
	d[w/2] -= complex(gr*b, -gi*b)
}

// reduceRow4 is reduceRow for 4 weight maps, in one pass over the row.
func reduceRow4(out []complex128, row []complex128, nyq complex128, m [][]float64, i, h, w int, herm bool) {
	r0, r1, r2, r3 := m[0][i*w:(i+1)*w], m[1][i*w:(i+1)*w], m[2][i*w:(i+1)*w], m[3][i*w:(i+1)*w]
	row = row[:w]
	var s0r, s0i, s1r, s1i, s2r, s2i, s3r, s3i float64
	if !herm || i == 0 || i == h/2 {
		for j, v := range row {
			xr, xi := real(v), imag(v)
			a0, a1, a2, a3 := r0[j], r1[j], r2[j], r3[j]
			s0r, s0i = s0r+xr*a0, s0i+xi*a0
			s1r, s1i = s1r+xr*a1, s1i+xi*a1
			s2r, s2i = s2r+xr*a2, s2i+xi*a2
			s3r, s3i = s3r+xr*a3, s3i+xi*a3
		}
	} else {
		n0, n1, n2, n3 := m[0][(h-i)*w:(h-i+1)*w], m[1][(h-i)*w:(h-i+1)*w], m[2][(h-i)*w:(h-i+1)*w], m[3][(h-i)*w:(h-i+1)*w]
		for j, v := range row {
			jn := 0
			if j > 0 {
				jn = w - j
			}
			xr, xi := real(v), imag(v)
			a0, a1, a2, a3 := r0[j], r1[j], r2[j], r3[j]
			b0, b1, b2, b3 := n0[jn], n1[jn], n2[jn], n3[jn]
			s0r, s0i = s0r+xr*(a0+b0), s0i+xi*(a0-b0)
			s1r, s1i = s1r+xr*(a1+b1), s1i+xi*(a1-b1)
			s2r, s2i = s2r+xr*(a2+b2), s2i+xi*(a2-b2)
			s3r, s3i = s3r+xr*(a3+b3), s3i+xi*(a3-b3)
		}
		// Nyquist column: undo its pairing, add the partner row's value.
		j := w / 2
		xr, xi := real(row[j]), imag(row[j])
		yr, yi := real(nyq), imag(nyq)
		b0, b1, b2, b3 := n0[j], n1[j], n2[j], n3[j]
		s0r, s0i = s0r+(yr-xr)*b0, s0i+(yi+xi)*b0
		s1r, s1i = s1r+(yr-xr)*b1, s1i+(yi+xi)*b1
		s2r, s2i = s2r+(yr-xr)*b2, s2i+(yi+xi)*b2
		s3r, s3i = s3r+(yr-xr)*b3, s3i+(yi+xi)*b3
	}
	out[0] += complex(s0r, s0i)
	out[1] += complex(s1r, s1i)
	out[2] += complex(s2r, s2i)
	out[3] += complex(s3r, s3i)
}

// meanLazyProduct is Mean of a lazy product that is not herm: the products
// are summed as they are formed, row run by row run. Adjoint: that of the
// weighted sum with uniform weights 1/HW.
func (r *run) meanLazyProduct(x *field) *field {
	lz, h, w := x.lazyBin, x.h, x.w
	if ph, isB, ok := lz.phOperand(); ok && lz.identity(h, w) {
		return r.meanPHProduct(x, ph, isB)
	}
	r.ensureOperands(lz)
	W := lz.srcHW[1]
	inv := lz.s / float64(h*w)
	y := r.newField(x.b, x.c, 1, 1)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), 6*h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			av, bv := lz.a.planeData(lz.a.planeFor(p, lz.C)), lz.b.planeData(lz.b.planeFor(p, lz.C))
			var sr, si float64
			for i := 0; i < h; i++ {
				R := lz.ri[i]
				for _, run := range lz.cols {
					aa := av[R*W+run[1] : R*W+run[1]+run[2]]
					vr, vi := dotProduct(aa, bv[R*W+run[1]:R*W+run[1]+len(aa)], lz.k == opMulConj)
					sr, si = sr+vr, si+vi
				}
			}
			y.data[p] = complex(sr*inv, si*inv)
		}
	})
	u := [][]float64{r.e.uniform(h * w)}
	r.tape(y, func(g []complex128) {
		if lz.identity(h, w) {
			r.meanProductGrad(x, g, inv)
			return
		}
		r.scatterProductGrad(x, false, func(p, i int, buf []complex128) {
			reduceRowGrad(buf, g[p:p+1], u, i, h, w, false)
		})
	})
	return y
}

// identity reports whether the lazy product reads its operands' planes
// unchanged (h×w, the operands' size, identity row map, one column run).
func (lz *binLazy) identity(h, w int) bool {
	if h != lz.srcHW[0] || w != lz.srcHW[1] || len(lz.cols) != 1 || lz.cols[0] != [3]int{0, 0, w} {
		return false
	}
	for i, R := range lz.ri {
		if R != i {
			return false
		}
	}
	return true
}

// meanProductGrad is the adjoint of Mean of a lazy product read through
// identity maps, y[p] = k·Σ a·conj(b) (MulConj) or k·Σ a·b (Mul), for the
// upstream gradients g[p]: with c = k·g[p], MulConj: g_a += c·b,
// g_b += conj(c)·a; Mul: g_a += c·conj(b), g_b += c·conj(a), one plane
// at a time (an operand plane shared by several outputs by broadcasting is
// written by one goroutine). An operand with no gradient yet and one plane
// per output plane gets its gradient assigned, not added to a zeroed buffer.
func (r *run) meanProductGrad(y *field, g []complex128, k float64) {
	lz := y.lazyBin
	r.ensureOperands(lz)
	n := lz.srcHW[0] * lz.srcHW[1]
	for which, x := range [2]*field{lz.a, lz.b} {
		other := lz.b
		if which == 1 {
			other = lz.a
		}
		// g_b of MulConj takes conj(c); the other operand is conjugated
		// except for g_a of MulConj.
		conjC := lz.k == opMulConj && which == 1
		conjO := lz.k != opMulConj
		var gx []complex128
		set := false
		if x.b == y.b && x.c == y.c {
			gx, set = r.gradSet(x)
		} else {
			gx = r.gradOf(x)
		}
		outs := make([][]int, x.planes())
		for p := 0; p < y.planes(); p++ {
			q := x.planeFor(p, lz.C)
			outs[q] = append(outs[q], p)
		}
		r.e.parFor(x.planes(), len(outs[0])*n*4, func(lo, hi int) {
			for q := lo; q < hi; q++ {
				d := gx[q*n : (q+1)*n]
				for t, p := range outs[q] {
					c := complex(k*real(g[p]), k*imag(g[p]))
					if conjC {
						c = complex(real(c), -imag(c))
					}
					cscaleInto(d, other.planeData(other.planeFor(p, lz.C)), c, conjO, !set || t > 0)
				}
			}
		})
	}
}

// dotProductGo is dotProduct's Go loop, with four independent partial sums.
func dotProductGo(a, b []complex128, conj bool) (float64, float64) {
	b = b[:len(a)]
	var s0, s1, t0, t1 float64
	t := 0
	if conj {
		for ; t+1 < len(a); t += 2 {
			u, v, x, z := a[t], b[t], a[t+1], b[t+1]
			s0 += real(u)*real(v) + imag(u)*imag(v)
			s1 += imag(u)*real(v) - real(u)*imag(v)
			t0 += real(x)*real(z) + imag(x)*imag(z)
			t1 += imag(x)*real(z) - real(x)*imag(z)
		}
		if t < len(a) {
			u, v := a[t], b[t]
			s0 += real(u)*real(v) + imag(u)*imag(v)
			s1 += imag(u)*real(v) - real(u)*imag(v)
		}
		return s0 + t0, s1 + t1
	}
	for ; t+1 < len(a); t += 2 {
		u, v, x, z := a[t], b[t], a[t+1], b[t+1]
		s0 += real(u)*real(v) - imag(u)*imag(v)
		s1 += real(u)*imag(v) + imag(u)*real(v)
		t0 += real(x)*real(z) - imag(x)*imag(z)
		t1 += real(x)*imag(z) + imag(x)*real(z)
	}
	if t < len(a) {
		u, v := a[t], b[t]
		s0 += real(u)*real(v) - imag(u)*imag(v)
		s1 += real(u)*imag(v) + imag(u)*real(v)
	}
	return s0 + t0, s1 + t1
}
