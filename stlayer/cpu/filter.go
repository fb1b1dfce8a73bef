package cpu

import "github.com/stkit-org/stkit/stlayer"

// filterMul describes a lazy filter product y[p] = x[src[p]]·f_{filt[p]} (p an
// output plane, b*C'+c'). The output field carries it with data == nil until a
// primitive other than Periodise, CropFreq or IFFT2 reads it (own); those three
// fuse the product into their own pass, forward and backward.
type filterMul struct {
	x         *field
	bank      *stlayer.FilterBank
	src, filt []int
	outs      [][]int // x plane → output planes reading it
}

func (fm *filterMul) f(p int) []float64 { return fm.bank.Filter(fm.filt[p]) }

// filtered registers the lazy product with C channels and its tape node.
func (r *run) filtered(fm *filterMul, C int) *field {
	x := fm.x
	fm.outs = make([][]int, x.planes())
	for p, sp := range fm.src {
		fm.outs[sp] = append(fm.outs[sp], p)
	}
	y := &field{r: r, b: x.b, c: C, h: x.h, w: x.w, lazy: fm, base: x}
	r.register(y)
	n := x.hw()
	r.tape(y, func(g []complex128) {
		// g_x[sp] += Σ_{p reading sp} f_p·g_p, split over (plane, spatial chunk).
		gx := r.gradOf(x)
		r.parPlanes(x.planes(), n, len(fm.src)/x.planes(), func(sp, lo, hi int) {
			d := gx[sp*n+lo : sp*n+hi]
			for _, p := range fm.outs[sp] {
				addMulReal(d, g[p*n+lo:p*n+hi], fm.f(p)[lo:hi])
			}
		})
	})
	return y
}

// materialise computes a lazy product into dst (len y.size()).
func (r *run) materialise(y *field, dst []complex128) {
	fm, n := y.lazy, y.hw()
	r.parPlanes(y.planes(), n, 1, func(p, lo, hi int) {
		sp := fm.src[p]
		mulReal(dst[p*n+lo:p*n+hi], fm.x.data[sp*n+lo:sp*n+hi], fm.f(p)[lo:hi])
	})
}

// parPlanes runs fn(plane, lo, hi) over planes × chunks of [0, n), with about
// cost·(hi−lo) work per call, splitting planes into spatial chunks when there
// are fewer planes than workers.
func (r *run) parPlanes(planes, n, cost int, fn func(p, lo, hi int)) {
	chunks := 1
	if w := r.e.workers; w > 1 && planes < 4*w {
		chunks = max(1, min((4*w+planes-1)/planes, n*max(cost, 1)/16384, n))
	}
	size := (n + chunks - 1) / chunks
	chunks = (n + size - 1) / size // no empty trailing chunk
	r.e.parFor(planes*chunks, size*max(cost, 1), func(lo, hi int) {
		for t := lo; t < hi; t++ {
			p, c := t/chunks, t%chunks
			fn(p, c*size, min((c+1)*size, n))
		}
	})
}

// ownLazy is own for the consumers that fuse a lazy filter product: it
// returns the product description when the field is still unmaterialised.
func (r *run) ownLazy(xf stlayer.Field) (*field, *filterMul) {
	f, ok := xf.(*field)
	if ok && f != nil && f.r == r && f.lazy != nil && f.data == nil && !f.released {
		r.markUse(f)
		return f, f.lazy
	}
	return r.own(xf), nil
}

// periodiseLazy is Periodise of a lazy product: one pass over x and the
// filters, never forming the H×W products.
func (r *run) periodiseLazy(x *field, fm *filterMul, h, w int) *field {
	H, W := x.h, x.w
	s := float64(h*w) / float64(H*W)
	src := fm.x
	y := r.newField(x.b, x.c, h, w)
	// Source plane sp, output rows [i0, i1) of every output plane reading sp:
	// input rows R ≡ i (mod h), each read once for all its filters.
	r.parPlanes(src.planes(), h, len(fm.src)/src.planes()*H/h*W, func(sp, i0, i1 int) {
		xs := src.data[sp*H*W : (sp+1)*H*W]
		for _, p := range fm.outs[sp] {
			clear(y.data[p*h*w+i0*w : p*h*w+i1*w])
		}
		for a := 0; a < H/h; a++ {
			for i := i0; i < i1; i++ {
				R := a*h + i
				xr := xs[R*W : (R+1)*W]
				for _, p := range fm.outs[sp] {
					drow := y.data[(p*h+i)*w : (p*h+i+1)*w]
					fr := fm.f(p)[R*W : (R+1)*W]
					for c0 := 0; c0 < W; c0 += w {
						xc, fc := xr[c0:c0+w], fr[c0:c0+w]
						for k, v := range xc {
							drow[k] += complex(real(v)*fc[k], imag(v)*fc[k])
						}
					}
				}
			}
		}
		for _, p := range fm.outs[sp] {
			d := y.data[p*h*w+i0*w : p*h*w+i1*w]
			for k, v := range d {
				d[k] = complex(s*real(v), s*imag(v))
			}
		}
	})
	r.tape(y, func(g []complex128) {
		// g_src[sp][R, C] += s·f_p[R, C]·g_p[R mod h, C mod w].
		gx := r.gradOf(src)
		r.parPlanes(src.planes(), H, len(fm.src)/src.planes()*W, func(sp, R0, R1 int) {
			d := gx[sp*H*W : (sp+1)*H*W]
			for _, p := range fm.outs[sp] {
				gp, f := g[p*h*w:(p+1)*h*w], fm.f(p)
				for R := R0; R < R1; R++ {
					grow := gp[(R%h)*w : (R%h+1)*w]
					for c0 := 0; c0 < W; c0 += w {
						dr, fr := d[R*W+c0:R*W+c0+w], f[R*W+c0:R*W+c0+w]
						for k, v := range grow {
							m := s * fr[k]
							dr[k] += complex(m*real(v), m*imag(v))
						}
					}
				}
			}
		})
	})
	return y
}

// cropLazy is CropFreq of a lazy product.
func (r *run) cropLazy(x *field, fm *filterMul, h, w int) *field {
	H, W := x.h, x.w
	ri, ci := freqIndex(h, H), freqIndex(w, W)
	s := float64(h*w) / float64(H*W)
	src := fm.x
	y := r.newField(x.b, x.c, h, w)
	r.parPlanes(y.planes(), h, w, func(p, i0, i1 int) {
		xs := src.data[fm.src[p]*H*W : (fm.src[p]+1)*H*W]
		f := fm.f(p)
		for i := i0; i < i1; i++ {
			R := ri[i]
			drow := y.data[(p*h+i)*w : (p*h+i+1)*w]
			for j, C := range ci {
				m := s * f[R*W+C]
				v := xs[R*W+C]
				drow[j] = complex(m*real(v), m*imag(v))
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(src)
		r.parPlanes(src.planes(), h, len(fm.src)/src.planes()*w, func(sp, i0, i1 int) {
			d := gx[sp*H*W : (sp+1)*H*W]
			for _, p := range fm.outs[sp] {
				f := fm.f(p)
				for i := i0; i < i1; i++ {
					R := ri[i]
					grow := g[(p*h+i)*w : (p*h+i+1)*w]
					for j, C := range ci {
						m := s * f[R*W+C]
						v := grow[j]
						d[R*W+C] += complex(m*real(v), m*imag(v))
					}
				}
			}
		})
	})
	return y
}
