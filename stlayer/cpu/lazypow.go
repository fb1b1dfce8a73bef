package cpu

import (
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// powLazy describes y = |x|^q elementwise (Modulus: q = 1), computed when a
// reader needs the values (own) or reduced on the fly by Mean.
type powLazy struct {
	x *field
	q float64
}

// powVal returns |z|^q (0 at z = 0).
func powVal(z complex128, q float64) float64 {
	m2 := real(z)*real(z) + imag(z)*imag(z)
	switch {
	case m2 == 0:
		return 0
	case q == 1:
		return math.Sqrt(m2)
	case q == 2:
		return m2
	}
	return math.Pow(m2, q/2)
}

// powGrad returns s with ∂|z|^q applied to Re g: g_z = s·z, s = Re(g)·q·y/|z|²
// for y = |z|^q (0 at z = 0).
func powGrad(z complex128, y, gr, q float64) float64 {
	m2 := real(z)*real(z) + imag(z)*imag(z)
	if m2 == 0 {
		return 0
	}
	return gr * q * y / m2
}

// powRowPacked writes |z|^q for the row zs into the real (im = false) or
// imaginary (im = true) parts of row.
func powRowPacked(row, zs []complex128, q float64, im bool) {
	if q == 1 && useAVX2 {
		absPack(row, zs, im)
		return
	}
	zs = zs[:len(row)]
	for k, z := range zs {
		var v float64
		switch q {
		case 1:
			v = math.Sqrt(real(z)*real(z) + imag(z)*imag(z))
		case 2:
			v = real(z)*real(z) + imag(z)*imag(z)
		default:
			v = powVal(z, q)
		}
		if im {
			row[k] = complex(real(row[k]), v)
		} else {
			row[k] = complex(v, 0)
		}
	}
}

// lazyPow returns the lazy field |x|^q.
func (r *run) lazyPow(x *field, q float64) *field {
	y := &field{r: r, b: x.b, c: x.c, h: x.h, w: x.w, lazyPow: &powLazy{x: x, q: q}, base: x, isReal: true}
	r.register(y)
	r.tape(y, func(g []complex128) {
		// Gradient left by y's other readers (y may never have been stored:
		// FFT2 forms |x|^q on the fly).
		gx, set := r.gradSet(x)
		r.e.parFor(len(g), 16, func(lo, hi int) {
			xs, d, gg := x.data[lo:hi], gx[lo:hi], g[lo:hi]
			d, gg = d[:len(xs)], gg[:len(xs)]
			if q == 1 && useAVX2 {
				absGrad(d, xs, gg, 0, !set)
				return
			}
			var ys []complex128
			if y.data != nil {
				ys = y.data[lo:hi][:len(xs)]
			}
			for i, z := range xs {
				var yv float64
				if ys != nil {
					yv = real(ys[i])
				} else {
					yv = powVal(z, q)
				}
				s := powGrad(z, yv, real(gg[i]), q)
				v := complex(s*real(z), s*imag(z))
				if set {
					d[i] = v
				} else {
					d[i] += v
				}
			}
		})
	})
	return y
}

// materialisePow computes a lazy |x|^q into dst.
func (r *run) materialisePow(y *field, dst []complex128) {
	lz := y.lazyPow
	r.e.parFor(len(dst), 16, func(lo, hi int) {
		xs, d := lz.x.data[lo:hi], dst[lo:hi]
		q := lz.q
		if q == 1 && useAVX2 {
			absPack(d, xs, false)
			return
		}
		if q == 1 {
			for i, z := range xs {
				d[i] = complex(math.Sqrt(real(z)*real(z)+imag(z)*imag(z)), 0)
			}
			return
		}
		if q == 2 {
			for i, z := range xs {
				d[i] = complex(real(z)*real(z)+imag(z)*imag(z), 0)
			}
			return
		}
		for i, z := range xs {
			d[i] = complex(powVal(z, q), 0)
		}
	})
}

// ownLazyPow is own for Mean: it reports whether the field is a still
// unmaterialised |x|^q.
func (r *run) ownLazyPow(xf stlayer.Field) (*field, bool) {
	f, ok := xf.(*field)
	if ok && f != nil && f.r == r && f.lazyPow != nil && f.data == nil && !f.released {
		r.markUse(f)
		return f, true
	}
	return r.own(xf), false
}

// meanPow is Mean(|x|^q) without storing |x|^q. Adjoint:
// g_x += (Re g/HW)·q·|x|^{q−2}·x.
func (r *run) meanPow(y *field) *field {
	lz := y.lazyPow
	x, q, n := lz.x, lz.q, y.hw()
	out := r.newField(y.b, y.c, 1, 1)
	out.isReal = true
	if r.dry {
		return out
	}
	inv := 1 / float64(n)
	r.e.parFor(y.planes(), 8*n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			s := 0.0
			xs := x.data[p*n : (p+1)*n]
			switch {
			case useAVX2 && q == 1:
				s, _ = sumAbs(xs)
			case useAVX2 && q == 2:
				_, s = sumAbs(xs)
			case q == 1:
				for _, z := range xs {
					s += math.Sqrt(real(z)*real(z) + imag(z)*imag(z))
				}
			case q == 2:
				for _, z := range xs {
					s += real(z)*real(z) + imag(z)*imag(z)
				}
			default:
				for _, z := range xs {
					s += powVal(z, q)
				}
			}
			out.data[p] = complex(s*inv, 0)
		}
	})
	r.tape(out, func(g []complex128) {
		if y.grad != nil {
			// y has other readers, whose gradients y's own adjoint (later on
			// the tape) turns into x's: add the mean's share, g/HW, to it.
			gy := r.gradOf(y)
			r.e.parFor(y.planes(), n, func(lo, hi int) {
				for p := lo; p < hi; p++ {
					v := complex(real(g[p])*inv, 0)
					d := gy[p*n : (p+1)*n]
					for i := range d {
						d[i] += v
					}
				}
			})
			return
		}
		gx, set := r.gradSet(x)
		r.e.parFor(y.planes(), 16*n, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				gr := real(g[p]) * inv
				xs, d := x.data[p*n:(p+1)*n], gx[p*n:(p+1)*n]
				d = d[:len(xs)]
				switch {
				case q == 1 && useAVX2:
					absGrad(d, xs, nil, gr, !set)
				case q == 2 && useAVX2:
					scaleInto(d, xs, 2*gr, !set)
				case q == 2 && set:
					c := 2 * gr
					for i, z := range xs {
						d[i] = complex(c*real(z), c*imag(z))
					}
				case q == 2:
					c := 2 * gr
					for i, z := range xs {
						d[i] += complex(c*real(z), c*imag(z))
					}
				case set:
					for i, z := range xs {
						s := powGrad(z, powVal(z, q), gr, q)
						d[i] = complex(s*real(z), s*imag(z))
					}
				default:
					for i, z := range xs {
						s := powGrad(z, powVal(z, q), gr, q)
						d[i] += complex(s*real(z), s*imag(z))
					}
				}
			}
		})
	})
	return out
}

// reduceLazyPow is WeightedMeans of an unstored |x|^q: y[b, c·K+k] =
// Σ m_k·|x|^q, formed in chunks of a plane. Adjoint:
// g_x += (Σ_k Re g_k·m_k)·q·|x|^{q−2}·x.
func (r *run) reduceLazyPow(y *field, m [][]float64) *field {
	lz := y.lazyPow
	x, q, n, K := lz.x, lz.q, y.hw(), len(m)
	out := r.newField(y.b, y.c*K, 1, 1)
	out.isReal = true
	if r.dry {
		return out
	}
	const chunk = 256
	r.e.parFor(y.planes(), (K+8)*n, func(lo, hi int) {
		var buf [chunk]complex128
		mm := make([][]float64, K)
		for p := lo; p < hi; p++ {
			o := out.data[p*K : (p+1)*K]
			clear(o)
			xs := x.data[p*n : (p+1)*n]
			if useAVX2 && q == 1 && K == 4 {
				absDot4(o, xs, m)
				continue
			}
			for c0 := 0; c0 < n; c0 += chunk {
				c1 := min(c0+chunk, n)
				b := buf[:c1-c0]
				powRowPacked(b, xs[c0:c1], q, false)
				for k := range mm {
					mm[k] = m[k][c0:c1]
				}
				reduceRow(o, b, 0, mm, 0, 1, c1-c0, false)
			}
			for k := range o {
				o[k] = complex(real(o[k]), 0)
			}
		}
	})
	r.tape(out, func(g []complex128) {
		gx, set := r.gradSet(x)
		r.e.parFor(y.planes(), (K+16)*n, func(lo, hi int) {
			var buf [chunk]complex128
			mm := make([][]float64, K)
			gr := make([]complex128, K)
			for p := lo; p < hi; p++ {
				for k := range gr {
					gr[k] = complex(real(g[p*K+k]), 0)
				}
				xs, d := x.data[p*n:(p+1)*n], gx[p*n:(p+1)*n]
				for c0 := 0; c0 < n; c0 += chunk {
					c1 := min(c0+chunk, n)
					b := buf[:c1-c0]
					for k := range mm {
						mm[k] = m[k][c0:c1]
					}
					reduceRowGrad(b, gr, mm, 0, 1, c1-c0, false)
					dd := d[c0:c1]
					for i, z := range xs[c0:c1] {
						s := powGrad(z, powVal(z, q), real(b[i]), q)
						v := complex(s*real(z), s*imag(z))
						if set {
							dd[i] = v
						} else {
							dd[i] += v
						}
					}
				}
			}
		})
	})
	return out
}
