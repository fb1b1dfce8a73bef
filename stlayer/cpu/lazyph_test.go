package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// relDiff returns max|a−b| / max(max|b|, tiny).
func relDiff(a, b []complex128) float64 {
	m := 0.0
	for _, v := range b {
		m = math.Max(m, math.Hypot(real(v), imag(v)))
	}
	return cabsDiff(a, b) / math.Max(m, 1e-300)
}

// phCase is Mean of the product of a and [z]^p (MulConj(a, [z]^p), or with
// phFirst Mul/MulConj([z]^p, a)), its third input m of WeightedMeans unused.
type phCase struct {
	name    string
	k       binKind
	phFirst bool
	p       int
	sa, sz  shape
}

// build returns the statistic; with stored, the phase harmonic is
// materialised before the product is formed (the path of every reader other
// than Mean of a product).
func (c phCase) build(stored bool) primFn {
	return two(func(r *run, a, z *field) *field {
		ph := r.PhaseHarmonic(z, c.p).(*field)
		if stored {
			r.ensurePH(ph)
		} else if !isLazyPH(ph) {
			panic("PhaseHarmonic is not lazy")
		}
		x, y := stlayer.Field(a), stlayer.Field(ph)
		if c.phFirst {
			x, y = y, x
		}
		if c.k == opMul {
			return r.Mean(r.Mul(x, y)).(*field)
		}
		return r.Mean(r.MulConj(x, y)).(*field)
	})
}

func phCases() []phCase {
	s := shape{2, 3, 6, 10} // W not a multiple of 4: vector kernels' Go tails
	t := shape{2, 3, 4, 16}
	return []phCase{
		{"MulConj(a, [z]^2)", opMulConj, false, 2, s, s},
		{"MulConj(a, [z]^32)", opMulConj, false, 32, t, t},
		{"MulConj(a, [z]^-3)", opMulConj, false, -3, s, s},
		{"Mul(a, [z]^4)", opMul, false, 4, t, t},
		{"MulConj([z]^3, a)", opMulConj, true, 3, s, s},
		{"Mul([z]^2, a)", opMul, true, 2, s, s},
		{"a bcast C", opMulConj, false, 2, shape{2, 1, 6, 10}, s},
		{"[z]^p bcast B", opMulConj, false, 4, s, shape{1, 3, 6, 10}},
		{"[z]^p bcast B and C", opMul, false, 3, s, shape{1, 1, 6, 10}},
		{"a bcast B and C, [z]^p first", opMulConj, true, 2, shape{1, 1, 4, 16}, t},
	}
}

// poison puts NaN-filled buffers of the given lengths into e's pool, so
// that a gradient assigned where it should be added (or not written at all)
// shows up.
func poison(e *Engine, ns ...int) {
	for _, n := range ns {
		for k := 0; k < 4; k++ {
			b := make([]complex128, n)
			for i := range b {
				b[i] = complex(math.NaN(), math.NaN())
			}
			e.put(b)
		}
	}
}

// TestLazyPHProducts: Mean of products of a lazy phase harmonic against the
// same statistic with the phase harmonic stored (values and gradients to
// 1e-12 relative), and against finite differences.
func TestLazyPHProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	e := New(WithWorkers(2))
	for _, c := range phCases() {
		shapes := []shape{c.sa, c.sz}
		in := [][]complex128{randC(rng, c.sa.n()), randC(rng, c.sz.n())}
		y0, _, _ := evalRun(e, c.build(false), shapes, in, nil)
		g := randC(rng, len(y0))
		poison(e, c.sa.n(), c.sz.n())
		yl, _, gl := evalRun(e, c.build(false), shapes, in, g)
		poison(e, c.sa.n(), c.sz.n())
		ys, _, gs := evalRun(e, c.build(true), shapes, in, g)
		if d := relDiff(yl, ys); d > 1e-12 {
			t.Errorf("%s: lazy and stored values differ by %.3g (relative)", c.name, d)
		}
		for i := range gl {
			if d := relDiff(gl[i], gs[i]); d > 1e-12 {
				t.Errorf("%s: lazy and stored gradients of input %d differ by %.3g (relative)", c.name, i, d)
			}
		}
		checkVJP(t, c.name, c.build(false), shapes, nil, false, 1e-6)
	}
}

// TestLazyPHReaders: a phase harmonic read twice by fused Means, by readers
// that store it (before and after the fused ones), through crops and
// weighted means of its products, with itself or with its own argument.
func TestLazyPHReaders(t *testing.T) {
	s := shape{2, 3, 6, 10}
	rng := rand.New(rand.NewPCG(53, 54))
	m4 := make([][]float64, 4)
	for k := range m4 {
		m4[k] = make([]float64, 4*6)
		for i := range m4[k] {
			m4[k][i] = rng.NormFloat64()
		}
	}
	cases := []struct {
		name string
		fn   primFn
	}{
		{"read twice by fused Means", two(func(r *run, a, z *field) *field {
			ph := r.PhaseHarmonic(z, 3)
			return r.Concat(r.Mean(r.MulConj(a, ph)), r.Mean(r.Mul(ph, a))).(*field)
		})},
		{"fused, then stored", two(func(r *run, a, z *field) *field {
			ph := r.PhaseHarmonic(z, 2)
			return r.Concat(r.Mean(r.MulConj(a, ph)), r.Mean(r.Conj(ph)), r.Mean(r.MulConj(ph, a))).(*field)
		})},
		{"stored, then product", two(func(r *run, a, z *field) *field {
			ph := r.PhaseHarmonic(z, 4)
			return r.Concat(r.Mean(r.Scale(ph, 2i)), r.Mean(r.MulConj(a, ph))).(*field)
		})},
		{"product read as a field", two(func(r *run, a, z *field) *field {
			q := r.MulConj(a, r.PhaseHarmonic(z, 2))
			return r.Concat(r.Mean(r.Conj(q)), r.Mean(q)).(*field)
		})},
		{"crops and weighted means of the product", two(func(r *run, a, z *field) *field {
			q := r.MulConj(a, r.PhaseHarmonic(z, 3))
			return r.Concat(r.Mean(r.CropFreq(q, 4, 6)), r.WeightedMeans(r.CropFreq(q, 4, 6), m4)).(*field)
		})},
		{"with its own argument", one(func(r *run, z *field) *field {
			ph := r.PhaseHarmonic(z, 2)
			return r.Concat(r.Mean(r.MulConj(z, ph)), r.Mean(r.Mul(ph, z))).(*field)
		})},
		{"with itself and another harmonic", one(func(r *run, z *field) *field {
			p2, p3 := r.PhaseHarmonic(z, 2), r.PhaseHarmonic(z, 3)
			return r.Concat(r.Mean(r.MulConj(p2, p2)), r.Mean(r.MulConj(p3, p2)), r.Mean(r.Mul(p2, p3))).(*field)
		})},
		{"Add of a phase harmonic", two(func(r *run, a, z *field) *field {
			return r.Mean(r.Mul(r.Add(a, r.PhaseHarmonic(z, 2)), a)).(*field)
		})},
	}
	for _, c := range cases {
		shapes := []shape{s, s}
		if c.name == "with its own argument" || c.name == "with itself and another harmonic" {
			shapes = shapes[:1]
		}
		checkVJP(t, c.name, c.fn, shapes, nil, false, 1e-6)
	}
}

// TestLazyPHGoLoops: the fused path with the vector kernels agrees with the
// Go loops (values and gradients).
func TestLazyPHGoLoops(t *testing.T) {
	if !useAVX2 {
		t.Log("no vector kernels on this machine: Go loops only")
	}
	saved := useAVX2
	defer func() { useAVX2 = saved }()
	rng := rand.New(rand.NewPCG(55, 56))
	e := New(WithWorkers(2))
	for _, c := range phCases() {
		shapes := []shape{c.sa, c.sz}
		in := [][]complex128{randC(rng, c.sa.n()), randC(rng, c.sz.n())}
		g := randC(rng, c.sa[0]*c.sa[1]*c.sz[0]*c.sz[1]) // ≥ output size
		useAVX2 = false
		y0, _, _ := evalRun(e, c.build(false), shapes, in, nil)
		g = g[:len(y0)]
		yg, _, gg := evalRun(e, c.build(false), shapes, in, g)
		useAVX2 = saved
		yv, _, gv := evalRun(e, c.build(false), shapes, in, g)
		if d := relDiff(yv, yg); d > 1e-13 {
			t.Errorf("%s: vector kernels and Go loops differ by %.3g (relative)", c.name, d)
		}
		for i := range gv {
			if d := relDiff(gv[i], gg[i]); d > 1e-13 {
				t.Errorf("%s: gradients of input %d: vector kernels and Go loops differ by %.3g", c.name, i, d)
			}
		}
	}
}

// TestLazyPHForwardReplay: Forward replays (buffers released by the plan)
// and LossGrad agree with the first traced Forward for a statistic reading
// phase harmonics through fused Means and through stored readers.
func TestLazyPHForwardReplay(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 58))
	const B, M, N = 2, 16, 20
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := p.Concat(x, p.Scale(x, 1i), p.Conj(x))
		p2, p3 := p.PhaseHarmonic(y, 2), p.PhaseHarmonic(y, 3)
		a := p.Mean(p.MulConj(y, p2))
		b := p.Mean(p.MulConj(p.Channels(y, []int{2, 0, 1}), p3))
		c := p.Mean(p.Modulus(p3))
		d := p.Mean(p.Mul(p2, p.Mean(y)))
		return p.Concat(a, b, c, d)
	}
	x := testutil.RandMaps(rng, B, M, N)
	e := New(WithWorkers(2))
	c1, err := e.Forward("ph", stat, x)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		c2, err := e.Forward("ph", stat, x)
		if err != nil {
			t.Fatal(err)
		}
		if d := relDiff(c2.Data, c1.Data); d > 1e-14 {
			t.Errorf("replay %d differs from the traced Forward by %.3g", i, d)
		}
	}
	l, _, err := e.LossGrad("ph", stat, x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := testutil.SumAbs2(c1)
	if math.Abs(l-want) > 1e-12*want {
		t.Errorf("LossGrad loss %.15g, Forward's coefficients give %.15g", l, want)
	}
}

// TestPhaseHarmBackKernel: the fused adjoint kernel phaseHarmBack (vector
// kernel with Go tails, and the Go loop alone) against the unfused
// composition phaseHarm, cscaleInto, phaseHarmGrad (1e-13 relative), for
// lengths with n mod 4 ≠ 0, zeros of z (also a |z|² that underflows), p < 0,
// both conjugations and both add modes.
func TestPhaseHarmBackKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(59, 60))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 13, 64, 1001} {
		z, o := randC(rng, n), randC(rng, n)
		z[n/2] = 0
		if n > 4 {
			z[n-1], z[1] = 0, complex(1e-300, -1e-300)
		}
		for _, p := range []int{2, 3, 4, 7, 16, 32, -2, -3, -8} {
			cO, cW := complex(rng.NormFloat64(), rng.NormFloat64()), complex(rng.NormFloat64(), rng.NormFloat64())
			for _, conjO := range []bool{false, true} {
				for _, add := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
					d0, z0 := randC(rng, n), randC(rng, n)
					// Reference: the unfused adjoint.
					wantO, wantZ := append([]complex128(nil), d0...), append([]complex128(nil), z0...)
					w, gw := make([]complex128, n), make([]complex128, n)
					phaseHarmGo(w, z, abs1(p), p < 0)
					cscaleInto(wantO, w, cO, conjO, add[0])
					cscaleInto(gw, o, cW, conjO, false)
					phaseHarmGrad(wantZ, gw, z, w, p, add[1])
					for _, vec := range []bool{true, false} {
						dO, dZ := append([]complex128(nil), d0...), append([]complex128(nil), z0...)
						if vec {
							phaseHarmBack(dO, dZ, z, o, p, cO, cW, conjO, add[0], add[1])
						} else {
							phaseHarmBackGo(dO, dZ, z, o, p, cO, cW, conjO, add[0], add[1])
						}
						eo, ez := relDiff(dO, wantO), relDiff(dZ, wantZ)
						if eo > 1e-13 || ez > 1e-13 || math.IsNaN(eo) || math.IsNaN(ez) {
							t.Fatalf("n=%d p=%d conjO=%v add=%v vector=%v: g_o off by %.3g, g_z by %.3g (relative)", n, p, conjO, add, vec && useAVX2, eo, ez)
						}
						if !add[1] {
							for _, i := range []int{n / 2, n - 1} {
								if z[i] == 0 && dZ[i] != 0 {
									t.Fatalf("n=%d p=%d: g_z = %v at z = 0", n, p, dZ[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

func abs1(p int) int {
	if p < 0 {
		return -p
	}
	return p
}

// TestLazyPHFusedAdjoint: the one-to-one adjoint of the lazy Mean (both
// operands one plane per output plane: phaseHarmBack over whole planes)
// with plane sizes n mod 4 ≠ 0 and zeros in z, alone and with another
// reader of a and z whose adjoint runs before it (the fused pass adds) or
// after it (the fused pass assigns): lazy against stored gradients (1e-12
// relative), vector kernels against Go loops (1e-13), and finite differences.
func TestLazyPHFusedAdjoint(t *testing.T) {
	saved := useAVX2
	defer func() { useAVX2 = saved }()
	rng := rand.New(rand.NewPCG(61, 62))
	e := New(WithWorkers(2))
	build := func(k binKind, phFirst bool, p, extra int, stored bool) primFn {
		return two(func(r *run, a, z *field) *field {
			ph := r.PhaseHarmonic(z, p).(*field)
			if stored {
				r.ensurePH(ph)
			}
			x, y := stlayer.Field(a), stlayer.Field(ph)
			if phFirst {
				x, y = y, x
			}
			var m stlayer.Field
			if k == opMul {
				m = r.Mean(r.Mul(x, y))
			} else {
				m = r.Mean(r.MulConj(x, y))
			}
			switch extra {
			case 1: // read after: its adjoint runs first, the fused pass adds
				return r.Concat(m, r.Mean(r.Mul(a, r.Scale(z, 0.5-1i)))).(*field)
			case 2: // read before: the fused pass assigns, the other adds
				o := r.Mean(r.MulConj(r.Scale(a, 2i), z))
				return r.Concat(o, m).(*field)
			}
			return m.(*field)
		})
	}
	for _, s := range []shape{{2, 3, 5, 7}, {1, 2, 3, 3}, {2, 1, 2, 5}} {
		for _, c := range []struct {
			k       binKind
			phFirst bool
			p       int
		}{{opMulConj, false, 2}, {opMulConj, true, -3}, {opMul, false, 5}, {opMul, true, -2}} {
			for extra := 0; extra < 3; extra++ {
				name := fmt.Sprintf("%v k=%d phFirst=%v p=%d extra=%d", s, c.k, c.phFirst, c.p, extra)
				shapes := []shape{s, s}
				z := randC(rng, s.n())
				z[0], z[s.n()-1], z[s.n()/2] = 0, 0, 0
				in := [][]complex128{randC(rng, s.n()), z}
				lazy, stored := build(c.k, c.phFirst, c.p, extra, false), build(c.k, c.phFirst, c.p, extra, true)
				y0, _, _ := evalRun(e, lazy, shapes, in, nil)
				g := randC(rng, len(y0))
				poison(e, s.n())
				_, _, gl := evalRun(e, lazy, shapes, in, g)
				poison(e, s.n())
				_, _, gs := evalRun(e, stored, shapes, in, g)
				useAVX2 = false
				_, _, gg := evalRun(e, lazy, shapes, in, g)
				useAVX2 = saved
				for i := range gl {
					if d := relDiff(gl[i], gs[i]); d > 1e-12 || math.IsNaN(d) {
						t.Errorf("%s: lazy and stored gradients of input %d differ by %.3g (relative)", name, i, d)
					}
					if d := relDiff(gl[i], gg[i]); d > 1e-13 || math.IsNaN(d) {
						t.Errorf("%s: gradients of input %d: vector kernels and Go loops differ by %.3g", name, i, d)
					}
				}
				if extra == 0 {
					for _, j := range []int{0, s.n() / 2, s.n() - 1} {
						if gl[1][j] != 0 {
							t.Errorf("%s: g_z = %v at z = 0", name, gl[1][j])
						}
					}
				}
				checkVJP(t, name, lazy, shapes, nil, false, 1e-6)
			}
		}
	}
}
