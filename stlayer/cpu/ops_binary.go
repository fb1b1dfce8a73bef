package cpu

import (
	"math/cmplx"

	"github.com/stkit-org/stkit/stlayer"
)

type binKind int

const (
	opAdd binKind = iota
	opSub
	opMul
	opMulConj
	opDiv
)

var binNames = [...]string{"Add", "Sub", "Mul", "MulConj", "Div"}

// binFwd computes dst[i] = a[i·sa] op b[i·sb] for i < len(dst) (sa, sb ∈ {0, 1}).
func binFwd(k binKind, dst, a, b []complex128, sa, sb int) {
	switch k {
	case opAdd:
		for i := range dst {
			dst[i] = a[i*sa] + b[i*sb]
		}
	case opSub:
		for i := range dst {
			dst[i] = a[i*sa] - b[i*sb]
		}
	case opMul:
		for i := range dst {
			dst[i] = a[i*sa] * b[i*sb]
		}
	case opMulConj:
		for i := range dst {
			dst[i] = a[i*sa] * cmplx.Conj(b[i*sb])
		}
	case opDiv:
		for i := range dst {
			dst[i] = a[i*sa] / b[i*sb]
		}
	}
}

// binBwd adds into dst[i·sd] (sd ∈ {0, 1}) the gradient contribution of output
// element i to operand `which` (0 = a, 1 = b), for i < n:
//
//	Add:     g, g            Sub: g, −g
//	Mul:     g·conj(b), g·conj(a)
//	MulConj: g·b, conj(g)·a  (y = a·conj(b) is antiholomorphic in b)
//	Div:     g/conj(b), −g·conj(y)/conj(b)
func binBwd(k binKind, which int, n int, dst []complex128, sd int, g, a, b, y []complex128, sa, sb int) {
	switch {
	case k == opAdd || (k == opSub && which == 0):
		for i := 0; i < n; i++ {
			dst[i*sd] += g[i]
		}
	case k == opSub:
		for i := 0; i < n; i++ {
			dst[i*sd] -= g[i]
		}
	case k == opMul && which == 0:
		for i := 0; i < n; i++ {
			dst[i*sd] += g[i] * cmplx.Conj(b[i*sb])
		}
	case k == opMul:
		for i := 0; i < n; i++ {
			dst[i*sd] += g[i] * cmplx.Conj(a[i*sa])
		}
	case k == opMulConj && which == 0:
		for i := 0; i < n; i++ {
			dst[i*sd] += g[i] * b[i*sb]
		}
	case k == opMulConj:
		for i := 0; i < n; i++ {
			dst[i*sd] += cmplx.Conj(g[i]) * a[i*sa]
		}
	case k == opDiv && which == 0:
		for i := 0; i < n; i++ {
			dst[i*sd] += g[i] / cmplx.Conj(b[i*sb])
		}
	case k == opDiv:
		for i := 0; i < n; i++ {
			dst[i*sd] -= g[i] * cmplx.Conj(y[i]) / cmplx.Conj(b[i*sb])
		}
	}
}

// bcastDim returns the broadcast size of two axis sizes (equal, or one is 1).
func bcastDim(name string, k binKind, x, y int) int {
	switch {
	case x == y:
		return x
	case x == 1:
		return y
	case y == 1:
		return x
	}
	shapePanic("%s: cannot broadcast %s axis %d with %d", binNames[k], name, x, y)
	return 0
}

// plane returns the index of operand x's plane used by output plane p of an
// output with C channels.
func (x *field) planeFor(p, C int) int {
	bi, ci := p/C, p%C
	if x.b == 1 {
		bi = 0
	}
	if x.c == 1 {
		ci = 0
	}
	return bi*x.c + ci
}

func (r *run) binary(k binKind, af, bf stlayer.Field) *field {
	var a, b *field
	if k == opMul || k == opMulConj {
		// A lazy phase-harmonic operand stays lazy in a lazy product.
		a, b = r.ownKeepPH(af), r.ownKeepPH(bf)
	} else {
		a, b = r.own(af), r.own(bf)
	}
	B := bcastDim("B", k, a.b, b.b)
	C := bcastDim("C", k, a.c, b.c)
	H, W := a.h, a.w
	switch {
	case a.hw() > 1 && b.hw() > 1:
		if a.h != b.h || a.w != b.w {
			shapePanic("%s: spatial sizes %dx%d and %dx%d differ", binNames[k], a.h, a.w, b.h, b.w)
		}
	case b.hw() > 1:
		H, W = b.h, b.w
	}
	n := H * W
	sa, sb := 0, 0
	if a.hw() == n {
		sa = 1
	}
	if b.hw() == n {
		sb = 1
	}
	if (k == opMul || k == opMulConj) && sa == 1 && sb == 1 && n > 1 {
		if a == b || isLazyPH(a) && isLazyPH(b) {
			r.ensurePH(a)
		}
		return r.lazyProduct(k, a, b, B, C, H, W)
	}
	r.ensurePH(a)
	r.ensurePH(b)
	r.ensureSel(a)
	r.ensureSel(b)
	y := r.newField(B, C, H, W)
	y.isReal = a.isReal && b.isReal && k != opDiv
	y.herm = a.herm && b.herm && sa == 1 && sb == 1 && k != opDiv && hermShape(H, W)
	if r.dry {
		return y
	}
	seg := func(x *field, s, q int) []complex128 {
		if s == 1 {
			return x.data[q*n : (q+1)*n]
		}
		return x.data[q : q+1]
	}
	r.e.parFor(B*C, n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			binFwd(k, y.data[p*n:(p+1)*n], seg(a, sa, a.planeFor(p, C)), seg(b, sb, b.planeFor(p, C)), sa, sb)
		}
	})
	r.tape(y, func(g []complex128) {
		// A half gradient of a herm product gives half gradients of its
		// (herm) operands: only the elements outside Q are processed.
		half := y.halfOK()
		ranges := [][2]int{{0, n}}
		if half {
			ranges = halfRanges(H, W)
		}
		for which, x := range [2]*field{a, b} {
			sx := sa
			if which == 1 {
				sx = sb
			}
			var gx []complex128
			if half {
				gx = r.gradOfHalf(x)
			} else {
				gx = r.gradOf(x)
			}
			bwd := func(p, lo, hi int, dst []complex128, sd int) {
				as, bs := seg(a, sa, a.planeFor(p, C)), seg(b, sb, b.planeFor(p, C))
				if sa == 1 {
					as = as[lo:hi]
				}
				if sb == 1 {
					bs = bs[lo:hi]
				}
				binBwd(k, which, hi-lo, dst, sd, g[p*n+lo:p*n+hi], as, bs, y.data[p*n+lo:p*n+hi], sa, sb)
			}
			switch {
			case sx == 1 && x.b == B && x.c == C:
				// One output plane per operand plane.
				r.e.parFor(B*C, n, func(lo, hi int) {
					for p := lo; p < hi; p++ {
						for _, rg := range ranges {
							bwd(p, rg[0], rg[1], gx[p*n+rg[0]:p*n+rg[1]], 1)
						}
					}
				})
			case sx == 1:
				// Operand broadcast over B or C: split the spatial range so
				// that no two goroutines write the same element.
				r.e.parFor(n, B*C, func(lo, hi int) {
					for p := 0; p < B*C; p++ {
						q := x.planeFor(p, C)
						for _, rg := range ranges {
							if l, h := max(lo, rg[0]), min(hi, rg[1]); l < h {
								bwd(p, l, h, gx[q*n+l:q*n+h], 1)
							}
						}
					}
				})
			default:
				// Operand broadcast over space: per-plane sums, then reduce.
				sums := make([]complex128, B*C)
				r.e.parFor(B*C, n, func(lo, hi int) {
					for p := lo; p < hi; p++ {
						bwd(p, 0, n, sums[p:p+1], 0)
					}
				})
				for p, v := range sums {
					gx[x.planeFor(p, C)] += v
				}
			}
		}
	})
	return y
}

// Mul returns a·b (broadcasting). Adjoints: g_a = g·conj(b), g_b = g·conj(a).
func (r *run) Mul(a, b stlayer.Field) stlayer.Field { return r.binary(opMul, a, b) }

// MulConj returns a·conj(b). Adjoints: g_a = g·b, g_b = conj(g)·a.
func (r *run) MulConj(a, b stlayer.Field) stlayer.Field { return r.binary(opMulConj, a, b) }

// Add returns a+b (broadcasting); adjoints reduce-sum g over broadcast axes.
func (r *run) Add(a, b stlayer.Field) stlayer.Field { return r.binary(opAdd, a, b) }

// Sub returns a−b (broadcasting).
func (r *run) Sub(a, b stlayer.Field) stlayer.Field { return r.binary(opSub, a, b) }

// Div returns a/b. Adjoints: g_a = g/conj(b), g_b = −g·conj(a/b)/conj(b).
func (r *run) Div(a, b stlayer.Field) stlayer.Field { return r.binary(opDiv, a, b) }
