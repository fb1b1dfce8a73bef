package cpu

import "github.com/stkit-org/stkit/stlayer"

func mulReal(dst, src []complex128, f []float64) {
	for i, v := range src {
		dst[i] = complex(real(v)*f[i], imag(v)*f[i])
	}
}

func addMulReal(dst, src []complex128, f []float64) {
	for i, v := range src {
		dst[i] += complex(real(v)*f[i], imag(v)*f[i])
	}
}

func checkBank(f *stlayer.FilterBank, h, w int) {
	if f == nil || f.H != h || f.W != w || !f.Valid() {
		if f == nil {
			shapePanic("nil filter bank")
		}
		shapePanic("filter bank %q is K=%d %dx%d (%d dense values, %d run lists), field is %dx%d", f.Name, f.K, f.H, f.W, len(f.Data), len(f.Runs), h, w)
	}
}

// MulFilters: y[b, c*K+k] = x[b, c]·f_k. Adjoint: g_x[b, c] = Σ_k f_k·g[b, c*K+k].
// The product is lazy (see filterMul): Periodise, CropFreq and IFFT2 consume it
// without materialising the full-resolution planes.
func (r *run) MulFilters(xf stlayer.Field, f *stlayer.FilterBank) stlayer.Field {
	x := r.own(xf)
	checkBank(f, x.h, x.w)
	K := f.K
	fm := &filterMul{x: x, bank: f, info: r.e.bank(f), src: make([]int, x.planes()*K), filt: make([]int, x.planes()*K)}
	for p := range fm.src {
		fm.src[p], fm.filt[p] = p/K, p%K
	}
	return r.filtered(fm, x.c*K)
}

// MulFilter: y[b, c] = x[b, c]·f_{idx[c]}. Adjoint: g_x[b, c] = f_{idx[c]}·g[b, c].
// Lazy like MulFilters.
func (r *run) MulFilter(xf stlayer.Field, f *stlayer.FilterBank, idx []int) stlayer.Field {
	x := r.own(xf)
	checkBank(f, x.h, x.w)
	if len(idx) != x.c {
		shapePanic("MulFilter: %d indices for %d channels", len(idx), x.c)
	}
	for _, k := range idx {
		if k < 0 || k >= f.K {
			shapePanic("MulFilter: filter index %d out of [0,%d)", k, f.K)
		}
	}
	fm := &filterMul{x: x, bank: f, info: r.e.bank(f), src: make([]int, x.planes()), filt: make([]int, x.planes())}
	for p := range fm.src {
		fm.src[p], fm.filt[p] = p, idx[p%x.c]
	}
	return r.filtered(fm, x.c)
}

// Periodise: y[k1, k2] = (hw/HW) Σ_{a,b} x[k1 + a·h, k2 + b·w].
// Adjoint: g_x[K1, K2] = (hw/HW)·g[K1 mod h, K2 mod w].
func (r *run) Periodise(xf stlayer.Field, h, w int) stlayer.Field {
	x, fm := r.ownLazy(xf)
	if h < 1 || w < 1 || x.h%h != 0 || x.w%w != 0 {
		shapePanic("Periodise: %dx%d does not divide %dx%d", h, w, x.h, x.w)
	}
	H, W := x.h, x.w
	if h == H && w == W {
		return x
	}
	if fm != nil {
		return r.periodiseLazy(x, fm, h, w)
	}
	s := float64(h*w) / float64(H*W)
	y := r.newField(x.b, x.c, h, w)
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), H*W, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src := x.data[p*H*W : (p+1)*H*W]
			dst := y.data[p*h*w : (p+1)*h*w]
			clear(dst)
			for R := 0; R < H; R++ {
				drow := dst[(R%h)*w : (R%h+1)*w]
				srow := src[R*W : (R+1)*W]
				for c0 := 0; c0 < W; c0 += w {
					seg := srow[c0 : c0+w]
					for i, v := range seg {
						drow[i] += v
					}
				}
			}
			sc := complex(s, 0)
			for i := range dst {
				dst[i] *= sc
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), H*W, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				gp := g[p*h*w : (p+1)*h*w]
				dst := gx[p*H*W : (p+1)*H*W]
				for R := 0; R < H; R++ {
					grow := gp[(R%h)*w : (R%h+1)*w]
					drow := dst[R*W : (R+1)*W]
					for c0 := 0; c0 < W; c0 += w {
						seg := drow[c0 : c0+w]
						for i, v := range grow {
							seg[i] += complex(s*real(v), s*imag(v))
						}
					}
				}
			}
		})
	})
	return y
}

// freqIndex maps index i of a size-n fftfreq-ordered axis to its index on a
// size-N axis (n ≤ N): frequency f = i for i < ⌈n/2⌉, i−n otherwise; index f mod N.
func freqIndex(n, N int) []int {
	m := make([]int, n)
	for i := range m {
		f := i
		if i >= (n+1)/2 {
			f = i - n
		}
		m[i] = (f + N) % N
	}
	return m
}

// CropFreq keeps the h×w lowest frequencies (fftfreq order) times hw/(HW).
// Adjoint: scatter (hw/HW)·g back to those frequencies, zero elsewhere.
func (r *run) CropFreq(xf stlayer.Field, h, w int) stlayer.Field {
	if x, ok := r.ownLazyBin(xf); ok {
		if h < 1 || w < 1 || h > x.h || w > x.w {
			shapePanic("CropFreq: %dx%d from %dx%d", h, w, x.h, x.w)
		}
		if h == x.h && w == x.w {
			return x
		}
		return r.cropLazyProduct(x, h, w)
	}
	x, fm := r.ownLazy(xf)
	if h < 1 || w < 1 || h > x.h || w > x.w {
		shapePanic("CropFreq: %dx%d from %dx%d", h, w, x.h, x.w)
	}
	H, W := x.h, x.w
	if h == H && w == W {
		return x
	}
	if fm != nil {
		return r.cropLazy(x, fm, h, w)
	}
	ri, ci := freqIndex(h, H), freqIndex(w, W)
	s := complex(float64(h*w)/float64(H*W), 0)
	y := r.newField(x.b, x.c, h, w)
	y.herm = x.herm && hermShape(h, w) && hermShape(H, W)
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), h*w, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			src := x.data[p*H*W : (p+1)*H*W]
			dst := y.data[p*h*w : (p+1)*h*w]
			for i, R := range ri {
				srow, drow := src[R*W:(R+1)*W], dst[i*w:(i+1)*w]
				for j, C := range ci {
					drow[j] = srow[C] * s
				}
			}
		}
	})
	r.tape(y, func(g []complex128) {
		if y.halfOK() {
			// Half gradient in, half gradient out: the cropped block's rows
			// 0…h/2 and Nyquist column; values landing in x's Q (the
			// block's Nyquist row −h/2 and column −w/2 are interior rows
			// and columns of x) go to their partners, conjugated.
			gx := r.gradOfHalf(x)
			r.e.parFor(x.planes(), h*w/2, func(lo, hi int) {
				for p := lo; p < hi; p++ {
					dst := gx[p*H*W : (p+1)*H*W]
					gp := g[p*h*w : (p+1)*h*w]
					for i, R := range ri {
						grow := gp[i*w : (i+1)*w]
						for j, C := range ci {
							if inQ(i, j, h, w) {
								continue
							}
							v := grow[j] * s
							if inQ(R, C, H, W) {
								dst[negIndex(R, H)*W+negIndex(C, W)] += complex(real(v), -imag(v))
							} else {
								dst[R*W+C] += v
							}
						}
					}
				}
			})
			return
		}
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), h*w, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				dst := gx[p*H*W : (p+1)*H*W]
				gp := g[p*h*w : (p+1)*h*w]
				for i, R := range ri {
					drow, grow := dst[R*W:(R+1)*W], gp[i*w:(i+1)*w]
					for j, C := range ci {
						drow[C] += grow[j] * s
					}
				}
			}
		})
	})
	return y
}

// PadFreq embeds an h×w spectrum into H×W (zeros elsewhere) times HW/(hw).
// Adjoint: gather (HW/hw)·g at the embedded frequencies.
func (r *run) PadFreq(xf stlayer.Field, H, W int) stlayer.Field {
	x := r.own(xf)
	h, w := x.h, x.w
	if H < h || W < w {
		shapePanic("PadFreq: %dx%d into %dx%d", h, w, H, W)
	}
	if h == H && w == W {
		return x
	}
	ri, ci := freqIndex(h, H), freqIndex(w, W)
	s := complex(float64(H*W)/float64(h*w), 0)
	y := r.newField(x.b, x.c, H, W)
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), H*W, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			dst := y.data[p*H*W : (p+1)*H*W]
			src := x.data[p*h*w : (p+1)*h*w]
			clear(dst)
			for i, R := range ri {
				drow, srow := dst[R*W:(R+1)*W], src[i*w:(i+1)*w]
				for j, C := range ci {
					drow[C] = srow[j] * s
				}
			}
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), h*w, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				gp := g[p*H*W : (p+1)*H*W]
				dst := gx[p*h*w : (p+1)*h*w]
				for i, R := range ri {
					grow, drow := gp[R*W:(R+1)*W], dst[i*w:(i+1)*w]
					for j, C := range ci {
						drow[j] += grow[C] * s
					}
				}
			}
		})
	})
	return y
}
