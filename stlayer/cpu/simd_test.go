package cpu

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// withSIMD runs f with the vector kernels on and off (where available).
func withSIMD(t *testing.T, f func(t *testing.T)) {
	saved := useAVX2
	defer func() { useAVX2 = saved }()
	for _, on := range []bool{false, true} {
		if on && !saved {
			continue
		}
		useAVX2 = on
		name := "go"
		if on {
			name = "avx2"
		}
		t.Run(name, f)
	}
}

func TestR4KernelMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Log("no AVX2+FMA on this machine: only the Go kernel runs")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 8, 17, 64} {
		for _, inv := range []bool{false, true} {
			for _, sc := range []float64{1, 0.25} {
				a, b, c, d := randC(rng, n), randC(rng, n), randC(rng, n), randC(rng, n)
				w := randC(rng, 3)
				ref := [][]complex128{append([]complex128(nil), a...), append([]complex128(nil), b...), append([]complex128(nil), c...), append([]complex128(nil), d...)}
				r4Go(ref[0], ref[1], ref[2], ref[3], w[0], w[1], w[2], inv, sc)
				r4(a, b, c, d, w[0], w[1], w[2], inv, sc)
				for i, got := range [][]complex128{a, b, c, d} {
					if e := cabsDiff(got, ref[i]); e > 1e-14 || math.IsNaN(e) {
						t.Fatalf("n=%d inv=%v scale=%v output %d: max |Δ| = %g", n, inv, sc, i, e)
					}
				}
			}
		}
	}
}

func TestR4TwStageKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, q := range []int{2, 4, 16} {
		for _, blocks := range []int{1, 3} {
			for _, inv := range []bool{false, true} {
				n := 4 * q * blocks
				x := randC(rng, n)
				w1, w2, w3 := randC(rng, q), randC(rng, q), randC(rng, q)
				ref := append([]complex128(nil), x...)
				for k0 := 0; k0 < n; k0 += 4 * q {
					r4twGo(ref[k0:k0+q], ref[k0+q:k0+2*q], ref[k0+2*q:k0+3*q], ref[k0+3*q:k0+4*q], w1, w2, w3, inv)
				}
				r4twStage(x, q, w1, w2, w3, inv)
				if e := cabsDiff(x, ref); e > 1e-14 || math.IsNaN(e) {
					t.Fatalf("q=%d blocks=%d inv=%v: max |Δ| = %g", q, blocks, inv, e)
				}
			}
		}
	}
}

func TestCmulKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 5, 16} {
		for _, cx := range []bool{false, true} {
			for _, cy := range []bool{false, true} {
				x, y, d := randC(rng, n), randC(rng, n), randC(rng, n)
				acc, set := append([]complex128(nil), d...), make([]complex128, n)
				cmulInto(acc, x, y, 0.7, cx, cy, true)
				cmulInto(set, x, y, 0.7, cx, cy, false)
				for i := range x {
					v := 0.7 * cprod(x[i], y[i], cx, cy)
					if e := cmplx.Abs(acc[i] - (d[i] + v)); e > 1e-14 {
						t.Fatalf("cmulInto add n=%d conj %v %v at %d: |Δ| = %g", n, cx, cy, i, e)
					}
					if e := cmplx.Abs(set[i] - v); e > 1e-14 {
						t.Fatalf("cmulInto set n=%d conj %v %v at %d: |Δ| = %g", n, cx, cy, i, e)
					}
				}
			}
		}
	}
}

// TestFoldedReductions checks the folded-weight reductions (fold.go: the
// fused product reduction, vector kernels only, and the gradient row)
// against reduceRow4/reduceRowGrad, plain and Hermitian.
func TestFoldedReductions(t *testing.T) {
	withSIMD(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, hw := range [][2]int{{8, 8}, {16, 6}, {4, 5}} {
			h, w := hw[0], hw[1]
			m := make([][]float64, 4)
			for k := range m {
				m[k] = make([]float64, h*w)
				for i := range m[k] {
					m[k][i] = rng.NormFloat64()
				}
			}
			for _, herm := range []bool{false, true} {
				if herm && w%2 == 1 {
					continue
				}
				f := newFold4(make([]complex128, fold4Rows(h, herm)*4*w), m, h, w, herm)
				for i := 0; i < h; i++ {
					row := randC(rng, w)
					nyq := complex(rng.NormFloat64(), rng.NormFloat64())
					if (!herm || i <= h/2) && useAVX2 {
						// The product a·conj(b) with b = 1 is the row itself.
						a := &field{b: 1, c: 1, h: h, w: w, data: make([]complex128, h*w)}
						one := &field{b: 1, c: 1, h: h, w: w, data: make([]complex128, h*w)}
						copy(a.data[i*w:], row)
						for k := range one.data {
							one.data[k] = 1
						}
						ri, cols := identityMaps(h, w)
						lz := &binLazy{k: opMulConj, a: a, b: one, C: 1, ri: ri, cols: cols, s: 1, srcHW: [2]int{h, w}}
						want, got := make([]complex128, 4), make([]complex128, 4)
						reduceRow4(want, row, nyq, m, i, h, w, herm)
						reduceProductRowFold(got, lz, 0, i, nyq, m, f)
						if e := cabsDiff(got, want); e > 1e-12 {
							t.Fatalf("%dx%d herm=%v row %d: reduction |Δ| = %g", h, w, herm, i, e)
						}
					}
					g := randC(rng, 4)
					want, got := make([]complex128, w), make([]complex128, w)
					reduceRowGrad(want, g, m, i, h, w, herm)
					reduceRowGradFold(got, g, m, f, i)
					if herm && i > h/2 {
						want, got = want[w/2:w/2+1], got[w/2:w/2+1]
					}
					if e := cabsDiff(got, want); e > 1e-12 {
						t.Fatalf("%dx%d herm=%v row %d: gradient |Δ| = %g", h, w, herm, i, e)
					}
				}
			}
		}
	})
}

func TestR4OutOfPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{1, 2, 7, 12} {
		for _, inv := range []bool{false, true} {
			in := [][]complex128{randC(rng, n), randC(rng, n), randC(rng, n), randC(rng, n)}
			w := randC(rng, 3)
			ref := make([][]complex128, 4)
			for i := range ref {
				ref[i] = append([]complex128(nil), in[i]...)
			}
			r4Go(ref[0], ref[1], ref[2], ref[3], w[0], w[1], w[2], inv, 1)
			out := [][]complex128{make([]complex128, n), make([]complex128, n), make([]complex128, n), make([]complex128, n)}
			r4oop(in[0], in[1], in[2], in[3], out[0], out[1], out[2], out[3], w[0], w[1], w[2], inv)
			for i := range out {
				if e := cabsDiff(out[i], ref[i]); e > 1e-14 {
					t.Fatalf("n=%d inv=%v output %d: |Δ| = %g", n, inv, i, e)
				}
			}
		}
	}
}

func TestAxpyReal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{1, 2, 9} {
		x, d := randC(rng, n), randC(rng, n)
		f := make([]float64, n)
		for i := range f {
			f[i] = rng.NormFloat64()
		}
		got := append([]complex128(nil), d...)
		axpyReal(got, x, f, 0.3)
		for i := range d {
			if e := cmplx.Abs(got[i] - (d[i] + complex(0.3*f[i], 0)*x[i])); e > 1e-14 {
				t.Fatalf("n=%d at %d: |Δ| = %g", n, i, e)
			}
		}
	}
}

func TestAbsKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{1, 3, 4, 9, 16} {
		x := randC(rng, n)
		x[0] = 0 // gradient at 0 is 0
		var w1, w2 float64
		for _, z := range x {
			w1 += cmplx.Abs(z)
			w2 += real(z)*real(z) + imag(z)*imag(z)
		}
		s1, s2 := sumAbs(x)
		if math.Abs(s1-w1) > 1e-12 || math.Abs(s2-w2) > 1e-12 {
			t.Fatalf("sumAbs n=%d: %g %g, want %g %g", n, s1, s2, w1, w2)
		}
		for _, im := range []bool{false, true} {
			row := randC(rng, n)
			want := append([]complex128(nil), row...)
			for k, z := range x {
				if im {
					want[k] = complex(real(want[k]), cmplx.Abs(z))
				} else {
					want[k] = complex(cmplx.Abs(z), 0)
				}
			}
			absPack(row, x, im)
			if e := cabsDiff(row, want); e > 1e-14 {
				t.Fatalf("absPack n=%d im=%v: |Δ| = %g", n, im, e)
			}
		}
		g := randC(rng, n)
		for _, add := range []bool{false, true} {
			for _, withG := range []bool{false, true} {
				d := randC(rng, n)
				want := append([]complex128(nil), d...)
				for i, z := range x {
					c := 0.3
					if withG {
						c = real(g[i])
					}
					var v complex128
					if z != 0 {
						v = complex(c/cmplx.Abs(z), 0) * z
					}
					if add {
						want[i] += v
					} else {
						want[i] = v
					}
				}
				gg := g
				if !withG {
					gg = nil
				}
				absGrad(d, x, gg, 0.3, add)
				if e := cabsDiff(d, want); e > 1e-13 {
					t.Fatalf("absGrad n=%d add=%v g=%v: |Δ| = %g", n, add, withG, e)
				}
			}
		}
	}
}

func TestAbsDot4(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{1, 4, 7, 16} {
		x := randC(rng, n)
		m := make([][]float64, 4)
		for k := range m {
			m[k] = make([]float64, n)
			for j := range m[k] {
				m[k][j] = rng.NormFloat64()
			}
		}
		got := make([]complex128, 4)
		absDot4(got, x, m)
		for k := range m {
			want := 0.0
			for j, z := range x {
				want += cmplx.Abs(z) * m[k][j]
			}
			if e := cmplx.Abs(got[k] - complex(want, 0)); e > 1e-12 {
				t.Fatalf("n=%d k=%d: %v, want %g", n, k, got[k], want)
			}
		}
	}
}

func TestFoldRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, w := range []int{2, 6, 12} {
		for _, c01 := range [][2]int{{0, 48}, {3, 47}, {5, 9}, {1, 37}} {
			c0, c1 := c01[0], c01[1]
			x, g := randC(rng, 48), randC(rng, w)
			f := make([]float64, 48)
			for i := range f {
				f[i] = rng.NormFloat64()
			}
			d, want := randC(rng, w), make([]complex128, w)
			copy(want, d)
			for c := c0; c < c1; c++ {
				want[c%w] += x[c] * complex(f[c], 0)
			}
			foldRun(d, x, f[c0:], c0, c1, w)
			if e := cabsDiff(d, want); e > 1e-13 {
				t.Fatalf("foldRun w=%d [%d,%d): |Δ| = %g", w, c0, c1, e)
			}
			u, wantU := randC(rng, 48), make([]complex128, 48)
			copy(wantU, u)
			for c := c0; c < c1; c++ {
				wantU[c] += complex(0.5*f[c], 0) * g[c%w]
			}
			unfoldRun(u, f[c0:], g, c0, c1, w, 0.5)
			if e := cabsDiff(u, wantU); e > 1e-13 {
				t.Fatalf("unfoldRun w=%d [%d,%d): |Δ| = %g", w, c0, c1, e)
			}
		}
	}
}

// covLike is a scattering-covariance-like statistic that takes every path
// the vector kernels serve: real FFT, filter products and their IFFT,
// moduli, the real FFT of moduli, Hermitian lazy products with rotated
// channels, crops, and WeightedMeans of 4 weight maps (folded reductions
// and their fused adjoint), plus Mean of moduli and |x|·weights sums.
func covLike(bank *stlayer.FilterBank, wts [][]float64, h, w int, sm [][]float64) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		_, _, M, N := x.Dims()
		X := p.FFT2(x)
		Z := p.IFFT2(p.MulFilters(X, bank))
		U := p.Modulus(Z)
		Uh := p.FFT2(U)
		rot := p.Channels(Uh, []int{1, 2, 3, 0})
		prod := p.CropFreq(p.MulConj(Uh, rot), h, w)
		c11 := p.WeightedMeans(prod, wts)
		c01 := p.WeightedMeans(p.MulConj(X, Uh), [][]float64{wts0(M, N, 0), wts0(M, N, 1), wts0(M, N, 2), wts0(M, N, 3)})
		s1 := p.Mean(p.Modulus(Z))
		loc := p.WeightedMeans(p.Reshape(U, 4*M, 1, N), sm)
		return p.Concat(c11, c01, s1, p.Reshape(loc, 4*M*4, 1, 1))
	}
}

// wts0 is a smooth full-size weight map (index k selects one of four).
func wts0(M, N, k int) []float64 {
	m := make([]float64, M*N)
	for i := range m {
		m[i] = math.Cos(float64(i*(k+1))*0.01) + 0.1*float64(k)
	}
	return m
}

// TestVectorKernelsEndToEnd: a statistic over every vector-kernel path gives
// the same coefficients and gradients with the kernels on and off (B = 2,
// a non-square power-of-two plane and a 3·2^k / mixed-radix plane).
func TestVectorKernelsEndToEnd(t *testing.T) {
	if !useAVX2 {
		t.Log("no AVX2+FMA here: the comparison is Go against Go")
	}
	saved := useAVX2
	defer func() { useAVX2 = saved }()
	for _, mn := range [][2]int{{32, 64}, {48, 40}} {
		M, N := mn[0], mn[1]
		rng := rand.New(rand.NewPCG(uint64(M), uint64(N)))
		bank := randBank(rng, 4, M, N)
		h, w := M/2, N/2
		wts := make([][]float64, 4)
		for k := range wts {
			wts[k] = make([]float64, h*w)
			for i := range wts[k] {
				wts[k][i] = rng.NormFloat64()
			}
		}
		sm := make([][]float64, 4)
		for k := range sm {
			sm[k] = make([]float64, N)
			for i := range sm[k] {
				sm[k][i] = rng.Float64()
			}
		}
		stat := covLike(bank, wts, h, w, sm)
		x := testutil.RandMaps(rng, 2, M, N)
		type result struct {
			c []complex128
			g []float64
		}
		run := func(simd bool) result {
			useAVX2 = simd && saved
			e := New(WithWorkers(2))
			var r result
			for range 2 { // trace, then replay (in-place FFTs)
				y, err := e.Forward("covLike", stat, x)
				if err != nil {
					t.Fatal(err)
				}
				r.c = y.Data
			}
			t0 := make([]complex128, len(r.c))
			w1 := make([]float64, len(r.c))
			for i := range w1 {
				w1[i] = 1
			}
			_, g, err := e.LossGrad("covLike", stat, x, quadLoss(t0, w1))
			if err != nil {
				t.Fatal(err)
			}
			r.g = g
			return r
		}
		off, on := run(false), run(true)
		scale := 0.0
		for _, v := range off.c {
			scale = max(scale, cmplx.Abs(v))
		}
		if d := cabsDiff(on.c, off.c); d > 1e-12*scale {
			t.Errorf("%dx%d: coefficients differ by %.3g (scale %.3g)", M, N, d, scale)
		}
		gs, gd := 0.0, 0.0
		for i := range off.g {
			gs = max(gs, math.Abs(off.g[i]))
			gd = max(gd, math.Abs(on.g[i]-off.g[i]))
		}
		if gd > 1e-12*gs {
			t.Errorf("%dx%d: gradients differ by %.3g (scale %.3g)", M, N, gd, gs)
		}
		t.Logf("%dx%d: %d coefficients, max |Δc| %.2g of %.3g, max |Δg| %.2g of %.3g", M, N, len(on.c), cabsDiff(on.c, off.c), scale, gd, gs)
	}
}

func TestScaleInto(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{1, 2, 7} {
		for _, add := range []bool{false, true} {
			x, d := randC(rng, n), randC(rng, n)
			want := append([]complex128(nil), d...)
			for i := range want {
				if add {
					want[i] += complex(0.7, 0) * x[i]
				} else {
					want[i] = complex(0.7, 0) * x[i]
				}
			}
			scaleInto(d, x, 0.7, add)
			if e := cabsDiff(d, want); e > 1e-15 {
				t.Fatalf("n=%d add=%v: |Δ| = %g", n, add, e)
			}
		}
	}
}

// TestPhaseHarmKernels compares phaseHarm (vector kernel and Go loop) with
// |z|·exp(i·p·arg z), and phaseHarmGrad with the Wirtinger form
// ((1−p)/2)·conj(g)·w/z̄ + ((1+p)/2)·g·conj(w)/z̄ computed with cmplx.
func TestPhaseHarmKernels(t *testing.T) {
	withSIMD(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 22))
		for _, n := range []int{1, 2, 3, 7, 16, 33} {
			x := randC(rng, n)
			x[n/2] = 0 // [0]^p = 0, gradient 0
			for _, p := range []int{2, 3, 4, 5, 8, 13, 32, -2, -3, -8} {
				y := make([]complex128, n)
				phaseHarm(y, x, p)
				for i, z := range x {
					want := complex(0, 0)
					if z != 0 {
						want = cmplx.Rect(cmplx.Abs(z), float64(p)*cmplx.Phase(z))
					}
					if d := cmplx.Abs(y[i] - want); d > 1e-13*(1+cmplx.Abs(want)) || cmplx.IsNaN(y[i]) {
						t.Fatalf("phaseHarm n=%d p=%d i=%d: %v, want %v", n, p, i, y[i], want)
					}
				}
				// In place (the Forward replay's buffer takeover).
				in := append([]complex128(nil), x...)
				phaseHarm(in, in, p)
				if d := cabsDiff(in, y); d != 0 {
					t.Fatalf("phaseHarm in place n=%d p=%d differs by %g", n, p, d)
				}
				g := randC(rng, n)
				a, b := complex(float64(1-p)/2, 0), complex(float64(1+p)/2, 0)
				for _, add := range []bool{false, true} {
					d := randC(rng, n)
					want := append([]complex128(nil), d...)
					for i, z := range x {
						var v complex128
						if z != 0 {
							cz := cmplx.Conj(z)
							v = a*cmplx.Conj(g[i])*y[i]/cz + b*g[i]*cmplx.Conj(y[i])/cz
						}
						if add {
							want[i] += v
						} else {
							want[i] = v
						}
					}
					phaseHarmGrad(d, g, x, y, p, add)
					for i := range d {
						if e := cmplx.Abs(d[i] - want[i]); e > 1e-12*(1+cmplx.Abs(want[i])) || cmplx.IsNaN(d[i]) {
							t.Fatalf("phaseHarmGrad n=%d p=%d add=%v i=%d: %v, want %v", n, p, add, i, d[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestPhaseHarmKernelMatchesGo checks the vector kernel against the Go
// loop on a long vector (same products up to FMA rounding).
func TestPhaseHarmKernelMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Log("no AVX2+FMA on this machine: only the Go kernel runs")
	}
	rng := rand.New(rand.NewPCG(23, 24))
	x := randC(rng, 1001)
	x[10], x[11] = 0, complex(0, -1e-300)
	for _, p := range []int{2, 7, 16, 32, -4} {
		got, ref := make([]complex128, len(x)), make([]complex128, len(x))
		phaseHarm(got, x, p)
		q, conj := p, p < 0
		if conj {
			q = -p
		}
		phaseHarmGo(ref, x, q, conj)
		if d := cabsDiff(got, ref); d > 1e-14 || math.IsNaN(d) {
			t.Fatalf("p=%d: kernel and Go loop differ by %g", p, d)
		}
	}
}

func TestDotProductKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{1, 3, 4, 5, 8, 13, 64, 257} {
		a, b := randC(rng, n), randC(rng, n+3)
		for _, conj := range []bool{false, true} {
			var want complex128
			for i := range a {
				v := b[i]
				if conj {
					v = cmplx.Conj(v)
				}
				want += a[i] * v
			}
			sr, si := dotProduct(a, b, conj)
			gr, gi := dotProductGo(a, b, conj)
			tol := 1e-13 * float64(n)
			if cmplx.Abs(complex(sr, si)-want) > tol || cmplx.Abs(complex(gr, gi)-want) > tol {
				t.Fatalf("n=%d conj=%v: kernel %v, Go %v, want %v", n, conj, complex(sr, si), complex(gr, gi), want)
			}
		}
	}
}

func TestCscaleKernel(t *testing.T) {
	withSIMD(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(27, 28))
		for _, n := range []int{1, 2, 5, 16} {
			x := randC(rng, n)
			c := complex(rng.NormFloat64(), rng.NormFloat64())
			for _, conj := range []bool{false, true} {
				for _, add := range []bool{false, true} {
					d := randC(rng, n)
					want := append([]complex128(nil), d...)
					for i, v := range x {
						if conj {
							v = cmplx.Conj(v)
						}
						if add {
							want[i] += v * c
						} else {
							want[i] = v * c
						}
					}
					cscaleInto(d, x, c, conj, add)
					if e := cabsDiff(d, want); e > 1e-14 {
						t.Fatalf("n=%d conj=%v add=%v: |Δ| = %g", n, conj, add, e)
					}
				}
			}
		}
	})
}
