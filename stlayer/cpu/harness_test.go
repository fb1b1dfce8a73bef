package cpu

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// shape is a field shape [B, C, H, W].
type shape [4]int

func (s shape) n() int { return s[0] * s[1] * s[2] * s[3] }

func randC(rng *rand.Rand, n int) []complex128 {
	v := make([]complex128, n)
	for i := range v {
		v[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return v
}

// dotR is the real inner product Re Σ conj(a)·b.
func dotR(a, b []complex128) float64 {
	s := 0.0
	for i := range a {
		s += real(a[i])*real(b[i]) + imag(a[i])*imag(b[i])
	}
	return s
}

// primFn applies primitives to inputs living in run r.
type primFn func(r *run, xs []*field) *field

// evalRun evaluates fn on inputs (copied into a fresh recording run) and, if
// g != nil, runs the tape backward from g and returns the input gradients.
func evalRun(e *Engine, fn primFn, shapes []shape, inputs [][]complex128, g []complex128) (y []complex128, ys shape, grads [][]complex128) {
	r := &run{e: e, record: true}
	defer r.release()
	xs := make([]*field, len(shapes))
	for i, s := range shapes {
		xs[i] = r.newField(s[0], s[1], s[2], s[3])
		copy(xs[i].data, inputs[i])
	}
	out := r.own(fn(r, xs)) // materialises a lazy output, as Forward does
	y = append([]complex128(nil), out.data...)
	ys = shape{out.b, out.c, out.h, out.w}
	if g == nil {
		return
	}
	out.grad, out.gradFull = r.e.get(len(g)), true
	copy(out.grad, g)
	// Keep the input gradients: backward releases every other one.
	r.backward()
	grads = make([][]complex128, len(xs))
	for i, x := range xs {
		grads[i] = make([]complex128, x.size())
		if x.grad != nil {
			copy(grads[i], x.grad)
		}
	}
	return
}

// checkVJP compares the tape's VJP with central finite differences of
// ℒ(x) = Re⟨g, f(x)⟩ along a random complex direction, for each input; and, if
// linear, checks the dot-product identity Re⟨g, f(x)⟩ = Σ_i Re⟨VJP_i(g), x_i⟩.
// real[i] restricts input i (and its perturbations) to real values.
func checkVJP(t *testing.T, name string, fn primFn, shapes []shape, realIn []bool, linear bool, tol float64) {
	t.Helper()
	e := New(WithWorkers(2))
	rng := rand.New(rand.NewPCG(7, uint64(len(name))))
	inputs := make([][]complex128, len(shapes))
	for i, s := range shapes {
		inputs[i] = randC(rng, s.n())
		if realIn != nil && realIn[i] {
			for j := range inputs[i] {
				inputs[i][j] = complex(real(inputs[i][j]), 0)
			}
		}
	}
	y, _, _ := evalRun(e, fn, shapes, inputs, nil)
	g := randC(rng, len(y))
	_, _, grads := evalRun(e, fn, shapes, inputs, g)
	if linear {
		lhs := dotR(g, y)
		rhs := 0.0
		for i := range inputs {
			rhs += dotR(grads[i], inputs[i])
		}
		if d := math.Abs(lhs - rhs); d > tol*(1+math.Abs(lhs)) {
			t.Errorf("%s: dot-product test <g, Ax> = %.12g, <A^H g, x> = %.12g (diff %.3g)", name, lhs, rhs, d)
		}
	}
	const eps = 1e-6
	for i := range inputs {
		v := randC(rng, len(inputs[i]))
		if realIn != nil && realIn[i] {
			for j := range v {
				v[j] = complex(real(v[j]), 0)
			}
		}
		loss := func(tt float64) float64 {
			in := make([][]complex128, len(inputs))
			copy(in, inputs)
			in[i] = make([]complex128, len(inputs[i]))
			for j := range in[i] {
				in[i][j] = inputs[i][j] + complex(tt, 0)*v[j]
			}
			yy, _, _ := evalRun(e, fn, shapes, in, nil)
			return dotR(g, yy)
		}
		fd := (loss(eps) - loss(-eps)) / (2 * eps)
		an := dotR(grads[i], v)
		if d := math.Abs(fd - an); d > tol*(1+math.Abs(fd)) || math.IsNaN(an) {
			t.Errorf("%s input %d: finite difference %.10g, tape %.10g (diff %.3g)", name, i, fd, an, d)
		}
	}
}

func cabsDiff(a, b []complex128) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, cmplx.Abs(a[i]-b[i]))
	}
	return m
}
