package cpu

import (
	"math"
	"math/cmplx"

	"github.com/stkit-org/stkit/stlayer"
)

// realOut marks y as a real field (see field.isReal) and returns it.
func realOut(y *field) *field { y.isReal = true; return y }

// unary applies an elementwise map. fwd writes y from x on a chunk; bwd adds
// the chunk's input gradient into gx given the output gradient g, x and y.
func (r *run) unary(x *field, cost int, fwd func(y, x []complex128), bwd func(gx, g, x, y []complex128)) *field {
	y := r.newField(x.b, x.c, x.h, x.w)
	if r.dry {
		return y
	}
	r.e.parFor(len(y.data), cost, func(lo, hi int) { fwd(y.data[lo:hi], x.data[lo:hi]) })
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(len(g), cost, func(lo, hi int) { bwd(gx[lo:hi], g[lo:hi], x.data[lo:hi], y.data[lo:hi]) })
	})
	return y
}

func abs(z complex128) float64 { return math.Sqrt(real(z)*real(z) + imag(z)*imag(z)) }

// Modulus: y = |z|. Adjoint: g_z = Re(g)·z/|z| (0 at z = 0). Lazy: see Pow.
func (r *run) Modulus(xf stlayer.Field) stlayer.Field { return r.lazyPow(r.own(xf), 1) }

// blockPow sets r[i] = u[i]^p for unit phases u (0 stays 0), p ≠ 0, by
// binary exponentiation across the block; u is overwritten.
func blockPow(r, u []complex128, p int) {
	if p < 0 {
		for i, v := range u {
			u[i] = complex(real(v), -imag(v)) // u^{−1} = conj(u) for |u| = 1
		}
		p = -p
	}
	first := true
	for p > 0 {
		if p&1 == 1 {
			if first {
				copy(r, u)
				first = false
			} else {
				for i, v := range u {
					r[i] *= v
				}
			}
		}
		p >>= 1
		if p > 0 {
			for i, v := range u {
				u[i] = v * v
			}
		}
	}
}

// PhaseHarmonic: y = [z]^p = |z|·(z/|z|)^p (0 at z = 0). With w = y,
// ∂w/∂z = (1+p)w/(2z) and ∂w/∂z̄ = (1−p)w/(2z̄), so
// g_z = ((1−p)/2)·conj(g)·w/z̄ + ((1+p)/2)·g·conj(w)/z̄ (0 at z = 0), i.e.
// with conj(g)·w = P + iQ, g_z = (P − i·p·Q)·z/|z|² (phaseHarmGrad).
// Divisions are by real numbers only: complex division is a slow runtime
// call. For |p| ≥ 2 the result is lazy (lazyph.go): Mean of its product
// with another field never stores it; any other reader stores it.
func (r *run) PhaseHarmonic(xf stlayer.Field, p int) stlayer.Field {
	if p == 1 {
		x, _ := r.ownLazy(xf)
		return x
	}
	x := r.own(xf)
	if p == 0 {
		return r.Modulus(x)
	}
	if p == -1 {
		return r.Conj(x)
	}
	return r.lazyPH(x, p)
}

// Conj: y = conj(z). Adjoint: g_z = conj(g).
func (r *run) Conj(xf stlayer.Field) stlayer.Field {
	x := r.own(xf)
	y := r.unary(x, 1, func(y, x []complex128) {
		for i, z := range x {
			y[i] = cmplx.Conj(z)
		}
	}, func(gx, g, _, _ []complex128) {
		for i, v := range g {
			gx[i] += cmplx.Conj(v)
		}
	})
	y.herm, y.isReal = x.herm, x.isReal
	return y
}

// Real: y = Re z. Adjoint: g_z = Re(g).
func (r *run) Real(xf stlayer.Field) stlayer.Field {
	return realOut(r.unary(r.own(xf), 1, func(y, x []complex128) {
		for i, z := range x {
			y[i] = complex(real(z), 0)
		}
	}, func(gx, g, _, _ []complex128) {
		for i, v := range g {
			gx[i] += complex(real(v), 0)
		}
	}))
}

// Scale: y = s·z. Adjoint: g_z = conj(s)·g.
func (r *run) Scale(xf stlayer.Field, s complex128) stlayer.Field {
	cs := cmplx.Conj(s)
	x := r.own(xf)
	y := r.unary(x, 2, func(y, x []complex128) {
		for i, z := range x {
			y[i] = s * z
		}
	}, func(gx, g, _, _ []complex128) {
		for i, v := range g {
			gx[i] += cs * v
		}
	})
	y.isReal = x.isReal && imag(s) == 0
	y.herm = x.herm && imag(s) == 0
	return y
}

// MulConst: y[b, c, hw] = m[hw]·z[b, c, hw]. Adjoint: g_z = m·g.
func (r *run) MulConst(xf stlayer.Field, m []float64) stlayer.Field {
	x := r.own(xf)
	n := x.hw()
	if len(m) != n {
		shapePanic("MulConst: %d weights for %dx%d", len(m), x.h, x.w)
	}
	y := r.newField(x.b, x.c, x.h, x.w)
	y.isReal = x.isReal
	if r.dry {
		return y
	}
	r.e.parFor(x.planes(), n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			mulReal(y.data[p*n:(p+1)*n], x.data[p*n:(p+1)*n], m)
		}
	})
	r.tape(y, func(g []complex128) {
		gx := r.gradOf(x)
		r.e.parFor(x.planes(), n, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				addMulReal(gx[p*n:(p+1)*n], g[p*n:(p+1)*n], m)
			}
		})
	})
	return y
}

// Pow: y = |z|^q for a finite q > 0 (stlayer.Prim's contract; other
// exponents are refused with an ErrShape). Adjoint: g_z = Re(g)·q·|z|^{q−2}·z
// (0 at z = 0). The result is lazy (lazyPow): Mean reduces it without
// storing it, other readers materialise it.
func (r *run) Pow(xf stlayer.Field, q float64) stlayer.Field {
	x := r.own(xf)
	if !(q > 0) || math.IsInf(q, 0) {
		shapePanic("Pow: exponent q = %g; |z|^q is defined here only for a finite q > 0", q)
	}
	return r.lazyPow(x, q)
}

// Log: y = ln(Re z). Adjoint: g_z = Re(g)/Re(z).
func (r *run) Log(xf stlayer.Field) stlayer.Field {
	return realOut(r.unary(r.own(xf), 20, func(y, x []complex128) {
		for i, z := range x {
			y[i] = complex(math.Log(real(z)), 0)
		}
	}, func(gx, g, x, _ []complex128) {
		for i, z := range x {
			gx[i] += complex(real(g[i])/real(z), 0)
		}
	}))
}

// Sqrt: y = sqrt(Re z) (math.Sqrt: 0 at Re z = 0, NaN where Re z < 0 or is
// NaN, as in the graph engine). Adjoint: g_z = Re(g)/(2y) where y > 0, 0
// elsewhere.
func (r *run) Sqrt(xf stlayer.Field) stlayer.Field {
	return realOut(r.unary(r.own(xf), 10, func(y, x []complex128) {
		for i, z := range x {
			y[i] = complex(math.Sqrt(real(z)), 0)
		}
	}, func(gx, g, _, y []complex128) {
		for i, v := range y {
			if real(v) > 0 {
				gx[i] += complex(real(g[i])/(2*real(v)), 0)
			}
		}
	}))
}
