package cpu

import "github.com/stkit-org/stkit/stlayer"

// Hermitian spectra. The DFT X of a real field satisfies X(−k) = conj X(k)
// (indices mod H, W). A field is marked herm (field.herm) when it is, by
// construction, such a spectrum or derived from such spectra by operations
// that keep the symmetry on the interior of an even h×w grid: FFT2 of a real
// field, CropFreq (the cropped Nyquist row and column −h/2, −w/2 lose their
// partners), Channels, Conj, and products of herm fields.
//
// On an even h×w grid let Q be the rows h/2+1 … h−1 (negative frequencies)
// without the Nyquist column w/2. Every k ∈ Q has its partner k̄ = −k in the
// rows 1 … h/2−1, and q(k) = conj q(k̄). Hence
//
//	Σ_k q(k) m(k) = Σ_{k∉Q} [Re q(k)·wr(k) + i·Im q(k)·wi(k)],
//	wr = m + m̄, wi = m − m̄ on the partners of Q, wr = wi = m elsewhere
//
// (m̄(k) = m(−k)), which WeightedMeans evaluates on half the grid. For the
// gradient, any g' with the same Hermitian part as g on the interior (and
// equal values off it) gives the same gradient for every perturbation that
// keeps the symmetry, so the adjoints hand herm fields a "half" gradient, zero
// on Q: g'(k̄) = g(k̄) + conj g(k) for k ∈ Q. Products, crops and channel
// gathers of herm fields then propagate half gradients over half the grid.
// field.gradFull records that some contribution to a gradient was not half
// (those adjoints then run over the whole grid).

// hermShape reports whether an h×w plane can use the half-grid scheme.
func hermShape(h, w int) bool { return h >= 2 && w >= 2 && h%2 == 0 && w%2 == 0 }

// halfOK reports whether y's gradient is half-supported (zero on Q).
func (y *field) halfOK() bool { return y.herm && !y.gradFull && hermShape(y.h, y.w) }

// halfRanges returns the element ranges [lo, hi) of an h×w plane outside Q:
// rows 0 … h/2, then the Nyquist column of the rows h/2+1 … h−1.
func halfRanges(h, w int) [][2]int {
	rs := [][2]int{{0, (h/2 + 1) * w}}
	for i := h/2 + 1; i < h; i++ {
		rs = append(rs, [2]int{i*w + w/2, i*w + w/2 + 1})
	}
	return rs
}

// inQ reports whether (i, j) of an even h×w plane lies in Q.
func inQ(i, j, h, w int) bool { return i > h/2 && j != w/2 }

// gradOfHalf is gradOf for adjoints that add a half gradient (zero on Q) to
// a herm field; it does not mark the gradient as full.
func (r *run) gradOfHalf(f *field) []complex128 {
	full := f.gradFull
	g := r.gradOf(f)
	f.gradFull = full
	return g
}

// WeightedMean: y[b, c] = Σ_hw m[hw]·x[b, c, hw]. Adjoint: g_x = m·g.
func (r *run) WeightedMean(xf stlayer.Field, m []float64) stlayer.Field {
	x, _ := r.ownLazyBin(xf)
	if len(m) != x.hw() {
		shapePanic("WeightedMean: %d weights for %dx%d", len(m), x.h, x.w)
	}
	return r.WeightedMeans(x, [][]float64{m})
}

// WeightedMeans: y[b, c·K+k] = Σ_hw m_k[hw]·x[b, c, hw]. Adjoint:
// g_x[b, c] = Σ_k m_k·g[b, c·K+k]. On herm fields both run over half the grid
// (see above) and the adjoint is a half gradient.
func (r *run) WeightedMeans(xf stlayer.Field, m [][]float64) stlayer.Field {
	var x *field
	lazy := false
	if f, ok := xf.(*field); ok && f != nil && f.lazyPow != nil {
		x, _ = r.ownLazyPow(xf)
	} else {
		x, lazy = r.ownLazyBin(xf)
	}
	n, K := x.hw(), len(m)
	if K == 0 {
		shapePanic("WeightedMeans: no weight maps")
	}
	for k, mk := range m {
		if len(mk) != n {
			shapePanic("WeightedMeans: map %d has %d weights for %dx%d", k, len(mk), x.h, x.w)
		}
	}
	if lazy {
		return r.reduceLazyProduct(x, m)
	}
	if x.lazyPow != nil && x.data == nil {
		return r.reduceLazyPow(x, m)
	}
	h, w := x.h, x.w
	herm := x.herm && hermShape(h, w)
	y := r.newField(x.b, x.c*K, 1, 1)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), K*n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			xp := x.data[p*n : (p+1)*n]
			out := y.data[p*K : (p+1)*K]
			if !herm && K == 4 {
				clear(out)
				reduceRow4(out, xp, 0, m, 0, 1, n, false)
				continue
			}
			for k, mk := range m {
				if herm {
					out[k] = hermDot(xp, mk, h, w)
				} else {
					out[k] = realDot(xp, mk)
				}
			}
		}
	})
	r.tape(y, func(g []complex128) {
		if herm {
			gx := r.gradOfHalf(x)
			r.e.parFor(x.planes(), K*n/2, func(lo, hi int) {
				for p := lo; p < hi; p++ {
					hermDotAdjoint(gx[p*n:(p+1)*n], g[p*K:(p+1)*K], m, h, w)
				}
			})
			return
		}
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), K*n, func(lo, hi int) {
			var buf []complex128
			if K == 4 {
				buf = make([]complex128, n)
			}
			for p := lo; p < hi; p++ {
				d := gx[p*n : (p+1)*n]
				if K == 4 {
					reduceRowGrad(buf, g[p*K:(p+1)*K], m, 0, 1, n, false)
					for i, v := range buf {
						d[i] += v
					}
					continue
				}
				for k, mk := range m {
					gr, gi := real(g[p*K+k]), imag(g[p*K+k])
					for i := range d {
						d[i] += complex(gr*mk[i], gi*mk[i])
					}
				}
			}
		})
	})
	return y
}

// realDot returns Σ x[i]·m[i] (four independent sums, for throughput).
func realDot(x []complex128, m []float64) complex128 {
	m = m[:len(x)]
	var sr, si, tr, ti float64
	i := 0
	for ; i+1 < len(x); i += 2 {
		u, v := x[i], x[i+1]
		a, b := m[i], m[i+1]
		sr += a * real(u)
		si += a * imag(u)
		tr += b * real(v)
		ti += b * imag(v)
	}
	if i < len(x) {
		sr += m[i] * real(x[i])
		si += m[i] * imag(x[i])
	}
	return complex(sr+tr, si+ti)
}

// hermDot returns Σ x[k]·m[k] for a herm h×w plane x, reading half of it.
func hermDot(x []complex128, m []float64, h, w int) complex128 {
	var sr, si float64
	// Rows 0 and h/2: no partner row inside the half.
	for _, i := range [2]int{0, h / 2} {
		v := realDot(x[i*w:(i+1)*w], m[i*w:(i+1)*w])
		sr, si = sr+real(v), si+imag(v)
	}
	for i := 1; i < h/2; i++ {
		xr, mr, mn := x[i*w:(i+1)*w], m[i*w:(i+1)*w], m[(h-i)*w:(h-i+1)*w]
		// Column 0 pairs with column 0 of row h−i, column j with w−j; the
		// Nyquist column w/2 has no partner.
		a, b := mr[0], mn[0]
		sr += real(xr[0]) * (a + b)
		si += imag(xr[0]) * (a - b)
		for j := 1; j < w; j++ {
			a, b := mr[j], mn[w-j]
			sr += real(xr[j]) * (a + b)
			si += imag(xr[j]) * (a - b)
		}
		j := w / 2
		a, b = mr[j], mn[j]
		sr -= real(xr[j]) * b // undo the pairing of the Nyquist column
		si += imag(xr[j]) * b
		// Nyquist column of the partner row (in Q's rows, not in Q).
		v := x[(h-i)*w+j]
		sr += real(v) * mn[j]
		si += imag(v) * mn[j]
		_ = a
	}
	return complex(sr, si)
}

// hermDotAdjoint adds to d (an h×w plane) the half gradient of the K sums
// hermDot(x, m[k]) with upstream gradients g[k]: zero on Q.
func hermDotAdjoint(d []complex128, g []complex128, m [][]float64, h, w int) {
	for k, mk := range m {
		gr, gi := real(g[k]), imag(g[k])
		for _, i := range [2]int{0, h / 2} {
			dr, mr := d[i*w:(i+1)*w], mk[i*w:(i+1)*w]
			for j := range dr {
				dr[j] += complex(gr*mr[j], gi*mr[j])
			}
		}
		for i := 1; i < h/2; i++ {
			dr, mr, mn := d[i*w:(i+1)*w], mk[i*w:(i+1)*w], mk[(h-i)*w:(h-i+1)*w]
			a, b := mr[0], mn[0]
			dr[0] += complex(gr*(a+b), gi*(a-b))
			for j := 1; j < w; j++ {
				a, b := mr[j], mn[w-j]
				dr[j] += complex(gr*(a+b), gi*(a-b))
			}
			j := w / 2
			// Nyquist column: the pairing above added m̄ terms that do not
			// belong; its own value and its partner row's are unpaired.
			b = mn[j]
			dr[j] -= complex(gr*b, -gi*b)
			d[(h-i)*w+j] += complex(gr*mn[j], gi*mn[j])
		}
	}
}
