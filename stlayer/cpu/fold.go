package cpu

// fold4 holds four real h×w weight maps m[0..3] of a WeightedMeans in the
// interleaved form of the vector reductions: for row i, map k and column j
// the pair (P, Q) = (Re, Im) d[(i·4+k)·w+j], applied to (Re x, Im x). On plain
// rows P = Q = m_k[i][j]. On the rows 0 < i < h/2 of a Hermitian (half
// grid) reduction, where row i also stands for its partner row h−i (see
// herm.go), P = m_k[i][j] + m_k[h−i][−j] and Q = m_k[i][j] − m_k[h−i][−j]
// (columns mod w); the Nyquist column's correction is applied separately.
// A Hermitian reduction reads the folded rows 0…h/2 only (its other rows
// are covered by their partners, or take their Nyquist value from m), so
// only those are stored. A run folds each weight set once (runs read their
// weights again only within the call, see Prim.WeightedMeans).
type fold4 struct {
	h, w int
	herm bool
	d    []complex128 // from the engine's pool, returned by run.release
}

// fold4Rows returns the number of folded rows stored for an h-row reduction.
func fold4Rows(h int, herm bool) int {
	if herm {
		return h/2 + 1
	}
	return h
}

// newFold4 folds m into d (len ≥ fold4Rows(h, herm)·4·w).
func newFold4(d []complex128, m [][]float64, h, w int, herm bool) *fold4 {
	rows := fold4Rows(h, herm)
	f := &fold4{h: h, w: w, herm: herm, d: d[:rows*4*w]}
	for i := 0; i < rows; i++ {
		paired := herm && i > 0 && i < h/2
		for k := 0; k < 4; k++ {
			a := m[k][i*w : (i+1)*w]
			o := f.d[(i*4+k)*w : (i*4+k+1)*w]
			if !paired {
				for j, v := range a {
					o[j] = complex(v, v)
				}
				continue
			}
			b := m[k][(h-i)*w : (h-i+1)*w]
			for j, v := range a {
				jn := 0
				if j > 0 {
					jn = w - j
				}
				o[j] = complex(v+b[jn], v-b[jn])
			}
		}
	}
	return f
}

// row returns the folded weights of row i (4 maps × w pairs; i ≤ h/2 when
// herm).
func (f *fold4) row(i int) []complex128 { return f.d[i*4*f.w : (i+1)*4*f.w] }

// fold4For returns the run's folded form of the weight maps m (cached by
// the address of m's first map).
func (r *run) fold4For(m [][]float64, h, w int, herm bool) *fold4 {
	type key struct {
		p      *float64
		h, w   int
		herm   bool
		p1     *float64
		p2, p3 *float64
	}
	k := key{&m[0][0], h, w, herm, &m[1][0], &m[2][0], &m[3][0]}
	r.foldMu.Lock()
	defer r.foldMu.Unlock()
	if r.folds == nil {
		r.folds = map[any]*fold4{}
	}
	f := r.folds[k]
	if f == nil {
		f = newFold4(r.e.get(fold4Rows(h, herm)*4*w), m, h, w, herm)
		r.folds[k] = f
	}
	return f
}

// reduceRowGradFold is reduceRowGrad for 4 weight maps with the folded
// weights f.
func reduceRowGradFold(buf []complex128, g []complex128, m [][]float64, f *fold4, i int) {
	h, w := f.h, f.w
	if f.herm && i > h/2 {
		var v complex128
		for k := range 4 {
			v += g[k] * complex(m[k][i*w+w/2], 0)
		}
		buf[w/2] = v
		return
	}
	fr := f.row(i)
	buf = buf[:w]
	n := 0
	if useAVX2 && w >= 2 {
		n = w &^ 1
		gg := [4]complex128{g[0], g[1], g[2], g[3]}
		grad4AVX2(&buf[0], n, &fr[0], w, &gg)
	}
	for j := n; j < w; j++ {
		var re, im float64
		for k := 0; k < 4; k++ {
			re += real(g[k]) * real(fr[k*w+j])
			im += imag(g[k]) * imag(fr[k*w+j])
		}
		buf[j] = complex(re, im)
	}
	if f.herm && i > 0 && i < h/2 {
		// The Nyquist column is unpaired: its own weights only.
		j := w / 2
		var re, im float64
		for k := 0; k < 4; k++ {
			a := m[k][i*w+j]
			re += real(g[k]) * a
			im += imag(g[k]) * a
		}
		buf[j] = complex(re, im)
	}
}

// reduceProductRowFold adds to out[k] the contribution of row i of plane p
// of the lazy product lz to Σ y·m_k (reduceRow4 of lz.productRow, nyq: the
// partner row's Nyquist value on paired Hermitian rows) without storing the
// row: the product is formed in registers and reduced against the folded
// weights f (vector kernels only).
func reduceProductRowFold(out []complex128, lz *binLazy, p, i int, nyq complex128, m [][]float64, f *fold4) {
	w := f.w
	fr := f.row(i)
	W := lz.srcHW[1]
	pa, pb := lz.a.planeFor(p, lz.C), lz.b.planeFor(p, lz.C)
	R := lz.ri[i]
	ar := lz.a.planeData(pa)[R*W : (R+1)*W]
	br := lz.b.planeData(pb)[R*W : (R+1)*W]
	conjY := lz.k == opMulConj
	k := newCmulConsts(lz.s, false, conjY)
	var acc [16]float64
	var tail [4]complex128
	for _, run := range lz.cols {
		d0, s0, ln := run[0], run[1], run[2]
		m2 := ln &^ 1
		if m2 > 0 {
			prodDot4AVX2(&acc, &ar[s0], &br[s0], m2, &fr[d0], w, &k)
		}
		for t := m2; t < ln; t++ {
			v := complex(lz.s, 0) * cprod(ar[s0+t], br[s0+t], false, conjY)
			for kk := 0; kk < 4; kk++ {
				wv := fr[kk*w+d0+t]
				tail[kk] += complex(real(v)*real(wv), imag(v)*imag(wv))
			}
		}
	}
	for kk := 0; kk < 4; kk++ {
		out[kk] += complex(acc[4*kk]+acc[4*kk+2], acc[4*kk+1]+acc[4*kk+3]) + tail[kk]
	}
	if f.herm && i > 0 && i < f.h/2 {
		j := w / 2
		x := lz.productAt(p, i, j)
		xr, xi := real(x), imag(x)
		yr, yi := real(nyq), imag(nyq)
		for kk := 0; kk < 4; kk++ {
			b := m[kk][(f.h-i)*w+j]
			out[kk] += complex((yr-xr)*b, (yi+xi)*b)
		}
	}
}

// scatterProductGradFold is scatterProductGrad for a lazy product y (both
// operands one-to-one with y's planes) reduced by WeightedMeans against the
// folded weights f of m, with upstream gradients g (K = 4 per plane): the
// gradient row of every plane is formed in registers and scattered into
// both operands' gradients in the same pass (vector kernels only). Rows the
// fused kernel does not cover (Nyquist-only rows of a half gradient, rows of
// the operands' Q) take the generic path.
func (r *run) scatterProductGradFold(y *field, half bool, m [][]float64, f *fold4, g []complex128) {
	lz, h, w := y.lazyBin, y.h, y.w
	r.ensureOperands(lz)
	H, W := lz.srcHW[0], lz.srcHW[1]
	n := H * W
	a, b := lz.a, lz.b
	grad := func(x *field) []complex128 {
		if half {
			return r.gradOfHalf(x)
		}
		return r.gradOf(x)
	}
	ga := grad(a)
	gb := grad(b)
	mul := lz.k == opMul
	var k [20]float64
	k[0] = lz.s
	nz := negZero()
	if mul {
		k[9], k[11] = nz, nz  // m2: conj b
		k[17], k[19] = nz, nz // m4: conj a
	} else {
		k[13], k[15] = nz, nz // m3: conj g
	}
	s := lz.s
	apply := func(da, db, av, bv []complex128, c int, gv complex128) {
		ga := gv
		bb := bv[c]
		if mul {
			bb = complex(real(bb), -imag(bb))
		}
		gb := gv
		if !mul {
			gb = complex(real(gb), -imag(gb))
		}
		aa := av[c]
		if mul {
			aa = complex(real(aa), -imag(aa))
		}
		da[c] += complex(s, 0) * ga * bb
		db[c] += complex(s, 0) * gb * aa
	}
	P := y.planes()
	fallback := func(i int) bool { return half && (i > h/2 || lz.ri[i] > H/2) }
	// Fused rows, all planes per row (the folded weights of a row are read
	// once for every plane): rows map to distinct operand rows, so workers
	// on different rows never write the same memory.
	var fused []int
	for i := 0; i < h; i++ {
		if !fallback(i) {
			fused = append(fused, i)
		}
	}
	r.e.parFor(len(fused), P*w*24, func(lo, hi int) {
		for _, i := range fused[lo:hi] {
			R := lz.ri[i]
			fr := f.row(i)
			for p := 0; p < P; p++ {
				gk := [4]complex128{g[p*4], g[p*4+1], g[p*4+2], g[p*4+3]}
				dar, dbr := ga[p*n+R*W:p*n+(R+1)*W], gb[p*n+R*W:p*n+(R+1)*W]
				arow, brow := a.planeData(p)[R*W:(R+1)*W], b.planeData(p)[R*W:(R+1)*W]
				for _, run := range lz.cols {
					d0, s0, ln := run[0], run[1], run[2]
					m2 := ln &^ 1
					if m2 > 0 {
						prodGradAVX2(&dar[s0], &dbr[s0], &arow[s0], &brow[s0], &fr[d0], w, m2, &gk, &k)
					}
					for t := m2; t < ln; t++ {
						var gv complex128
						for kk := 0; kk < 4; kk++ {
							wv := fr[kk*w+d0+t]
							gv += complex(real(gk[kk])*real(wv), imag(gk[kk])*imag(wv))
						}
						apply(dar, dbr, arow, brow, s0+t, gv)
					}
				}
				if f.herm && i > 0 && i < h/2 {
					// The Nyquist column is unpaired: undo its folded weights.
					j := w / 2
					var dg complex128
					for kk := 0; kk < 4; kk++ {
						bw := m[kk][(h-i)*w+j]
						dg += complex(-real(gk[kk])*bw, imag(gk[kk])*bw)
					}
					for _, run := range lz.cols {
						if j >= run[0] && j < run[0]+run[2] {
							apply(dar, dbr, arow, brow, run[1]+j-run[0], dg)
							break
						}
					}
				}
			}
		}
	})
	if len(fused) == h {
		return
	}
	// The other rows write mirrored operand rows: one plane per worker.
	r.e.parFor(P, (h-len(fused))*w*24, func(lo, hi int) {
		buf := make([]complex128, w)
		for p := lo; p < hi; p++ {
			gk := [4]complex128{g[p*4], g[p*4+1], g[p*4+2], g[p*4+3]}
			da, db := ga[p*n:(p+1)*n], gb[p*n:(p+1)*n]
			av, bv := a.planeData(p), b.planeData(p)
			for i := 0; i < h; i++ {
				if !fallback(i) {
					continue
				}
				jlo, jhi := 0, w
				if i > h/2 {
					jlo, jhi = w/2, w/2+1
				}
				reduceRowGradFold(buf, gk[:], m, f, i)
				lz.scatterRow(da, bv, buf, 0, i, jlo, jhi, half)
				lz.scatterRow(db, av, buf, 1, i, jlo, jhi, half)
			}
		}
	})
}
