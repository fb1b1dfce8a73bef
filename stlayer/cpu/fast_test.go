package cpu

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestFFT2RealPairs: FFT2 of a real field (paired planes, odd plane counts,
// odd sizes) equals the naive DFT of the real parts.
func TestFFT2RealPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	e := New(WithWorkers(3))
	for _, c := range []struct{ P, H, W int }{{1, 8, 8}, {2, 4, 6}, {3, 5, 7}, {4, 16, 32}, {5, 12, 3}, {2, 1, 8}, {3, 8, 1}} {
		x := randC(rng, c.P*c.H*c.W)
		y, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.FFT2(r.Real(x)).(*field) }), []shape{{1, c.P, c.H, c.W}}, [][]complex128{x}, nil)
		n := c.H * c.W
		for p := 0; p < c.P; p++ {
			re := make([]complex128, n)
			for i := range re {
				re[i] = complex(real(x[p*n+i]), 0)
			}
			want := naiveDFT2(re, c.H, c.W, -1)
			if d := cabsDiff(y[p*n:(p+1)*n], want); d > 1e-9*float64(n) {
				t.Errorf("real FFT2 P=%d %dx%d plane %d: max error %.3g", c.P, c.H, c.W, p, d)
			}
		}
	}
}

// TestAdjointsRealFFT: the paired adjoint of FFT2 on real fields.
func TestAdjointsRealFFT(t *testing.T) {
	for _, s := range []shape{{1, 3, 8, 6}, {2, 1, 5, 7}, {1, 4, 16, 12}} {
		checkVJP(t, "FFT2∘Real", one(func(r *run, x *field) *field { return r.FFT2(r.Real(x)).(*field) }), []shape{s}, nil, true, 1e-9)
		checkVJP(t, "FFT2∘Modulus", one(func(r *run, x *field) *field { return r.FFT2(r.Modulus(x)).(*field) }), []shape{s}, nil, false, 1e-6)
		checkVJP(t, "FFT2∘Channels∘Modulus", one(func(r *run, x *field) *field {
			_, c, _, _ := x.Dims()
			idx := []int{c - 1, 0, c - 1}
			return r.Concat(r.FFT2(r.Channels(r.Modulus(x), idx)), r.FFT2(x)).(*field)
		}), []shape{s}, nil, false, 1e-6)
	}
}

// sparseBank returns K filters on H×W that vanish outside a few row bands and
// column runs (some wrapping around the fftfreq edges, some with small gaps),
// plus negligible values below supportTol that the engine drops.
func sparseBank(rng *rand.Rand, K, H, W int) *stlayer.FilterBank {
	f := &stlayer.FilterBank{K: K, H: H, W: W, Data: make([]float64, K*H*W), Name: "sparse test"}
	for k := 0; k < K; k++ {
		fl := f.Filter(k)
		r0, nr := rng.IntN(H), 1+rng.IntN(H/2)
		c0, nc := rng.IntN(W), 1+rng.IntN(W/2)
		for a := 0; a < nr; a++ {
			R := (r0 + a) % H
			for b := 0; b < nc; b++ {
				C := (c0 + b) % W
				if b%5 == 3 && k%2 == 0 { // small gaps
					continue
				}
				fl[R*W+C] = rng.NormFloat64()
			}
		}
		if k == K-1 { // a dense filter
			for i := range fl {
				fl[i] = rng.NormFloat64()
			}
		}
		for i := range fl {
			if fl[i] == 0 && rng.IntN(7) == 0 {
				fl[i] = 1e-18 // dropped by the engine
			}
		}
	}
	return f
}

// truncated returns f with the values the engine treats as zero set to zero.
func truncated(f *stlayer.FilterBank) *stlayer.FilterBank {
	g := &stlayer.FilterBank{K: f.K, H: f.H, W: f.W, Data: append([]float64(nil), f.Data...), Name: f.Name + " truncated"}
	for k := 0; k < f.K; k++ {
		fl := g.Filter(k)
		mx := 0.0
		for _, v := range fl {
			mx = math.Max(mx, math.Abs(v))
		}
		for i, v := range fl {
			if math.Abs(v) <= supportTol*mx {
				fl[i] = 0
			}
		}
	}
	return g
}

// TestSparseFilterProducts: the support-restricted filter products and FFT
// passes agree with host computations, and their adjoints are exact.
func TestSparseFilterProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, hw := range [][2]int{{16, 32}, {12, 18}, {32, 8}} {
		H, W := hw[0], hw[1]
		bank := sparseBank(rng, 5, H, W)
		tb := truncated(bank)
		e := New(WithWorkers(3))
		s := shape{2, 2, H, W}
		x := randC(rng, s.n())
		n := H * W
		// IFFT2∘MulFilters against the host product and a naive DFT.
		y, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilters(x, bank)).(*field) }), []shape{s}, [][]complex128{x}, nil)
		for p := 0; p < 4*5; p++ {
			prod := make([]complex128, n)
			f := tb.Filter(p % 5)
			for i := range prod {
				prod[i] = x[(p/5)*n+i] * complex(f[i], 0)
			}
			want := naiveDFT2(prod, H, W, 1)
			for i := range want {
				want[i] /= complex(float64(n), 0)
			}
			if d := cabsDiff(y[p*n:(p+1)*n], want); d > 1e-12 {
				t.Errorf("%dx%d IFFT2∘MulFilters plane %d: max error %.3g", H, W, p, d)
			}
		}
		// Periodise∘MulFilters against the host fold.
		h, w := H/4, W/2
		yp, _, _ := evalRun(e, one(func(r *run, x *field) *field { return r.Periodise(r.MulFilters(x, bank), h, w).(*field) }), []shape{s}, [][]complex128{x}, nil)
		for p := 0; p < 4*5; p++ {
			f := tb.Filter(p % 5)
			want := make([]complex128, h*w)
			for R := 0; R < H; R++ {
				for C := 0; C < W; C++ {
					want[(R%h)*w+C%w] += x[(p/5)*n+R*W+C] * complex(f[R*W+C]*float64(h*w)/float64(n), 0)
				}
			}
			if d := cabsDiff(yp[p*h*w:(p+1)*h*w], want); d > 1e-12 {
				t.Errorf("%dx%d Periodise∘MulFilters plane %d: max error %.3g", H, W, p, d)
			}
		}
		for _, c := range []struct {
			name string
			fn   primFn
		}{
			{"IFFT2∘MulFilters", one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilters(x, bank)).(*field) })},
			{"IFFT2∘MulFilter", one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilter(x, bank, []int{3, 0})).(*field) })},
			{"Periodise∘MulFilters", one(func(r *run, x *field) *field { return r.Periodise(r.MulFilters(x, bank), h, w).(*field) })},
			{"CropFreq∘MulFilters", one(func(r *run, x *field) *field { return r.CropFreq(r.MulFilters(x, bank), h, w).(*field) })},
			{"MulFilters materialised", one(func(r *run, x *field) *field {
				y := r.MulFilters(x, bank)
				return r.Concat(r.Conj(y), r.IFFT2(y), r.FFT2(y)).(*field)
			})},
		} {
			checkVJP(t, c.name, c.fn, []shape{s}, nil, true, 1e-6)
		}
	}
}

// TestHermitianHalfGradients: WeightedMeans, products, crops and channel
// gathers of Hermitian spectra (FFT2 of real fields) use half the grid and
// half gradients; values and end-to-end gradients must be unchanged.
func TestHermitianHalfGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const H, W = 16, 12
	ws := func(h, w, K int) [][]float64 {
		m := make([][]float64, K)
		for k := range m {
			m[k] = make([]float64, h*w)
			for i := range m[k] {
				m[k][i] = rng.NormFloat64()
			}
		}
		return m
	}
	m16, m8, m86, m1612 := ws(H, W, 3), ws(8, 6, 2), ws(8, 12, 2), ws(H, W, 1)
	m44, m42, m75 := ws(4, 4, 2), ws(4, 2, 3), ws(7, 5, 2)
	spec := func(r *run, x *field) *field { return r.FFT2(r.Real(x)).(*field) }
	cases := []struct {
		name   string
		linear bool
		fn     primFn
	}{
		{"WeightedMeans∘FFT2∘Real", true, one(func(r *run, x *field) *field { return r.WeightedMeans(spec(r, x), m16).(*field) })},
		{"WeightedMean∘CropFreq∘FFT2∘Real", true, one(func(r *run, x *field) *field {
			return r.WeightedMean(r.CropFreq(spec(r, x), 8, 6), m8[0]).(*field)
		})},
		{"crop rows only", true, one(func(r *run, x *field) *field {
			return r.WeightedMeans(r.CropFreq(spec(r, x), 8, 12), m86).(*field)
		})},
		{"two crops, channels, full and half contributions", true, one(func(r *run, x *field) *field {
			X := spec(r, x)
			c := r.CropFreq(r.Channels(X, []int{1, 0, 1}), 8, 6)
			return r.Concat(r.WeightedMeans(c, m8), r.Mean(X), r.WeightedMeans(r.CropFreq(c, 4, 4), m44)).(*field)
		})},
		{"products", false, one(func(r *run, x *field) *field {
			U := r.FFT2(r.Modulus(x))
			V := r.CropFreq(U, 8, 6)
			q := r.MulConj(V, r.Channels(V, []int{1, 0}))
			q2 := r.Mul(r.Conj(V), r.Scale(V, 0.5))
			return r.Concat(r.WeightedMeans(q, m8), r.WeightedMeans(r.CropFreq(q2, 4, 2), m42), r.WeightedMean(U, m1612[0])).(*field)
		})},
		{"broadcast product", false, one(func(r *run, x *field) *field {
			U := r.FFT2(r.Modulus(x))
			X := r.Channels(U, []int{0})
			return r.WeightedMeans(r.MulConj(X, U), m16).(*field)
		})},
		{"odd crop (full path)", true, one(func(r *run, x *field) *field {
			return r.WeightedMeans(r.CropFreq(spec(r, x), 7, 5), m75).(*field)
		})},
	}
	for _, c := range cases {
		checkVJP(t, c.name, c.fn, []shape{{2, 2, H, W}}, nil, c.linear, 1e-6)
	}
	// Values: the half-grid sums equal the full sums of the same spectra.
	e := New()
	x := randC(rng, 2*2*H*W)
	got, _, _ := evalRun(e, one(func(r *run, x *field) *field {
		return r.WeightedMeans(r.CropFreq(spec(r, x), 8, 6), m8).(*field)
	}), []shape{{2, 2, H, W}}, [][]complex128{x}, nil)
	want, _, _ := evalRun(e, one(func(r *run, x *field) *field {
		c := r.CropFreq(spec(r, x), 8, 6)
		c = r.Add(c, r.Scale(c, 0)) // not herm: full sums
		return r.Concat(r.WeightedMean(c, m8[0]), r.WeightedMean(c, m8[1])).(*field)
	}), []shape{{2, 2, H, W}}, [][]complex128{x}, nil)
	for b := 0; b < 2; b++ {
		for c := 0; c < 2; c++ {
			for k := 0; k < 2; k++ {
				g, w := got[b*4+c*2+k], want[b*4+k*2+c]
				if d := cmplx.Abs(g - w); d > 1e-9*(1+cmplx.Abs(w)) {
					t.Errorf("map %d channel %d weights %d: half-grid sum %v, full %v", b, c, k, g, w)
				}
			}
		}
	}
}

// TestLazyProducts: products reduced by Mean/WeightedMeans without being
// stored, cropped lazily, or materialised by other readers (alone or
// together with fused readers), with and without broadcasting.
func TestLazyProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	const H, W = 8, 10
	m := make([][]float64, 3)
	for k := range m {
		m[k] = make([]float64, H*W)
		for i := range m[k] {
			m[k][i] = rng.NormFloat64()
		}
	}
	m42 := [][]float64{make([]float64, 4*6)}
	for i := range m42[0] {
		m42[0][i] = rng.NormFloat64()
	}
	m4 := make([][]float64, 4)
	for k := range m4 {
		m4[k] = make([]float64, 4*6)
		for i := range m4[k] {
			m4[k][i] = rng.NormFloat64()
		}
	}
	s := shape{2, 3, H, W}
	cases := []struct {
		name   string
		fn     primFn
		shapes []shape
	}{
		{"4 maps", two(func(r *run, a, b *field) *field {
			return r.WeightedMeans(r.CropFreq(r.MulConj(a, b), 4, 6), m4).(*field)
		}), []shape{s, s}},
		{"4 maps on a stored field", one(func(r *run, a *field) *field {
			return r.WeightedMeans(r.Conj(a), m4).(*field)
		}), []shape{{2, 3, 4, 6}}},
		{"herm, 4 maps", one(func(r *run, x *field) *field {
			V := r.CropFreq(r.FFT2(r.Modulus(x)), 6, 8)
			q := r.MulConj(V, r.Channels(V, []int{1, 2, 0}))
			return r.WeightedMeans(r.CropFreq(q, 4, 6), m4).(*field)
		}), []shape{s}},
		{"Mean∘MulConj", two(func(r *run, a, b *field) *field { return r.Mean(r.MulConj(a, b)).(*field) }), []shape{s, s}},
		{"Mean∘Mul bcast C", two(func(r *run, a, b *field) *field { return r.Mean(r.Mul(a, b)).(*field) }), []shape{{2, 1, H, W}, s}},
		{"WeightedMeans∘MulConj bcast B", two(func(r *run, a, b *field) *field { return r.WeightedMeans(r.MulConj(a, b), m).(*field) }), []shape{s, {1, 3, H, W}}},
		{"WeightedMeans∘CropFreq∘Mul", two(func(r *run, a, b *field) *field {
			return r.WeightedMeans(r.CropFreq(r.CropFreq(r.Mul(a, b), 6, 8), 4, 6), m42).(*field)
		}), []shape{s, s}},
		{"fused and materialised", two(func(r *run, a, b *field) *field {
			q := r.MulConj(a, b)
			c := r.CropFreq(q, 5, 7)
			return r.Concat(r.Mean(q), r.WeightedMean(q, m[1]), r.Mean(r.Modulus(c)), r.Mean(c), r.Mean(r.Conj(q))).(*field)
		}), []shape{s, s}},
		{"Mean∘Mul", two(func(r *run, a, b *field) *field { return r.Mean(r.Mul(a, b)).(*field) }), []shape{s, s}},
		{"Mean∘MulConj bcast B and C", two(func(r *run, a, b *field) *field { return r.Mean(r.MulConj(a, b)).(*field) }), []shape{s, {1, 1, H, W}}},
		{"Mean∘MulConj, gradients already present", two(func(r *run, a, b *field) *field {
			pa, pb := r.PhaseHarmonic(a, 2), r.PhaseHarmonic(b, 3)
			return r.Concat(r.Mean(r.MulConj(pa, pb)), r.Mean(r.Mul(pb, pa)), r.Mean(r.Modulus(pa))).(*field)
		}), []shape{s, s}},
		{"self product", one(func(r *run, a *field) *field {
			return r.Concat(r.Mean(r.MulConj(a, a)), r.Mean(r.Mul(a, a))).(*field)
		}), []shape{s}},
		{"herm: Mean and crops of products of spectra", one(func(r *run, x *field) *field {
			U := r.FFT2(r.Modulus(x))
			q := r.MulConj(U, r.Channels(U, []int{2, 0, 1}))
			c := r.CropFreq(q, 4, 6)
			return r.Concat(r.Mean(q), r.WeightedMeans(c, m42), r.Mean(r.Modulus(c)), r.Mean(r.Pow(r.CropFreq(c, 2, 2), 2))).(*field)
		}), []shape{s}},
		{"herm: half gradients through crops of cropped products", one(func(r *run, x *field) *field {
			V := r.CropFreq(r.FFT2(r.Modulus(x)), 6, 8)
			q := r.MulConj(V, r.Channels(V, []int{1, 2, 0}))
			return r.Concat(r.WeightedMeans(r.CropFreq(q, 4, 6), m42), r.WeightedMeans(r.CropFreq(r.Mul(V, V), 4, 6), m42)).(*field)
		}), []shape{s}},
	}
	for _, c := range cases {
		checkVJP(t, c.name, c.fn, c.shapes, nil, false, 1e-6)
	}
	// Values against the eager product (Add of a zero makes it eager).
	e := New()
	a, b := randC(rng, s.n()), randC(rng, s.n())
	got, _, _ := evalRun(e, two(func(r *run, a, b *field) *field {
		q := r.CropFreq(r.MulConj(a, b), 6, 8)
		return r.Concat(r.Mean(q), r.WeightedMean(r.CropFreq(q, 4, 6), m42[0])).(*field)
	}), []shape{s, s}, [][]complex128{a, b}, nil)
	want, _, _ := evalRun(e, two(func(r *run, a, b *field) *field {
		q := r.MulConj(a, b)
		q = r.CropFreq(r.Add(q, r.Scale(q, 0)), 6, 8)
		q2 := r.CropFreq(r.Add(q, r.Scale(q, 0)), 4, 6)
		return r.Concat(r.Mean(r.Add(q, r.Scale(q, 0))), r.WeightedMean(r.Add(q2, r.Scale(q2, 0)), m42[0])).(*field)
	}), []shape{s, s}, [][]complex128{a, b}, nil)
	if d := cabsDiff(got, want); d > 1e-12 {
		t.Errorf("lazy and eager products differ by %.3g", d)
	}
}

// TestLazyPow: |x|^q reduced by Mean without being stored, alone or together
// with readers that materialise it.
func TestLazyPow(t *testing.T) {
	s := shape{2, 3, 6, 5}
	for _, q := range []float64{1, 2, 1.7, 0.5} {
		checkVJP(t, "Mean∘Pow", one(func(r *run, x *field) *field { return r.Mean(r.Pow(x, q)).(*field) }), []shape{s}, nil, false, 1e-6)
		checkVJP(t, "Mean∘Pow and materialised", one(func(r *run, x *field) *field {
			u := r.Pow(x, q)
			return r.Concat(r.Mean(u), r.Mean(r.FFT2(u)), r.Mean(u)).(*field)
		}), []shape{s}, nil, false, 1e-6)
	}
	checkVJP(t, "Mean∘Modulus", one(func(r *run, x *field) *field { return r.Mean(r.Modulus(x)).(*field) }), []shape{s}, nil, false, 1e-6)
	rng := rand.New(rand.NewPCG(53, 54))
	w := func(n, K int) [][]float64 {
		m := make([][]float64, K)
		for k := range m {
			m[k] = make([]float64, n)
			for i := range m[k] {
				m[k][i] = rng.NormFloat64()
			}
		}
		return m
	}
	m30, m5, m2 := w(30, 3), w(5, 4), w(300, 2)
	checkVJP(t, "WeightedMeans∘Pow", one(func(r *run, x *field) *field { return r.WeightedMeans(r.Pow(x, 1.5), m30).(*field) }), []shape{s}, nil, false, 1e-6)
	checkVJP(t, "WeightedMeans∘Reshape∘Modulus, 4 maps", one(func(r *run, x *field) *field {
		return r.WeightedMeans(r.Reshape(r.Modulus(x), 3*6, 1, 5), m5).(*field)
	}), []shape{s}, nil, false, 1e-6)
	checkVJP(t, "WeightedMeans∘Reshape∘Modulus, long planes, also stored", one(func(r *run, x *field) *field {
		u := r.Modulus(x)
		return r.Concat(r.Reshape(r.WeightedMeans(r.Reshape(u, 1, 1, 300), m2), 2, 1, 1), r.Reshape(r.Mean(r.FFT2(u)), 2, 1, 1)).(*field)
	}), []shape{{2, 2, 10, 15}}, nil, false, 1e-6)
	xv := randC(rng, 2*2*10*15)
	lazy, _, _ := evalRun(New(), one(func(r *run, x *field) *field {
		return r.WeightedMeans(r.Reshape(r.Pow(x, 1.5), 1, 1, 300), m2).(*field)
	}), []shape{{2, 2, 10, 15}}, [][]complex128{xv}, nil)
	eager, _, _ := evalRun(New(), one(func(r *run, x *field) *field {
		u := r.Pow(x, 1.5)
		return r.WeightedMeans(r.Reshape(r.Add(u, r.Scale(u, 0)), 1, 1, 300), m2).(*field)
	}), []shape{{2, 2, 10, 15}}, [][]complex128{xv}, nil)
	if d := cabsDiff(lazy, eager); d > 1e-12 {
		t.Errorf("WeightedMeans of lazy and stored |x|^q differ by %.3g", d)
	}
	e := New()
	x := randC(rand.New(rand.NewPCG(51, 52)), s.n())
	got, _, _ := evalRun(e, one(func(r *run, x *field) *field {
		return r.Concat(r.Mean(r.Pow(x, 2)), r.Mean(r.Modulus(x)), r.Mean(r.Pow(x, 1.5))).(*field)
	}), []shape{s}, [][]complex128{x}, nil)
	for i, v := range got {
		q := []float64{2, 1, 1.5}[i%9/3]
		p := i/9*3 + i%3
		want := 0.0
		for _, z := range x[p*30 : (p+1)*30] {
			want += math.Pow(cmplx.Abs(z), q) / 30
		}
		if math.Abs(real(v)-want) > 1e-12*want || imag(v) != 0 {
			t.Errorf("Mean |x|^%g plane %d: %v, want %g", q, p, v, want)
		}
	}
}

// TestFFTCount: complex planes count one transform each, real planes one per
// pair, and a transform restricted to a filter's support a fraction of one.
func TestFFTCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	e := New()
	count := func(fn primFn, s shape) float64 {
		e.ResetFFTCount()
		evalRun(e, fn, []shape{s}, [][]complex128{randC(rng, s.n())}, nil)
		return e.FFTCount()[[2]int{s[2], s[3]}]
	}
	if n := count(one(func(r *run, x *field) *field { return r.FFT2(x).(*field) }), shape{1, 3, 16, 8}); n != 3 {
		t.Errorf("complex FFT2 of 3 planes counts %g, want 3", n)
	}
	if n := count(one(func(r *run, x *field) *field { return r.FFT2(r.Real(x)).(*field) }), shape{1, 3, 16, 8}); n != 2 {
		t.Errorf("real FFT2 of 3 planes counts %g, want 2", n)
	}
	// A filter supported on 4 of 16 rows and 2 of 8 columns: the first pass
	// runs on its 2 columns (2/8 of a pass), the second in full.
	f := &stlayer.FilterBank{K: 1, H: 16, W: 8, Data: make([]float64, 128), Name: "box"}
	for R := 0; R < 4; R++ {
		for C := 3; C < 5; C++ {
			f.Data[R*8+C] = 1
		}
	}
	if n := count(one(func(r *run, x *field) *field { return r.IFFT2(r.MulFilters(x, f)).(*field) }), shape{1, 1, 16, 8}); math.Abs(n-(0.5+0.5*2.0/8)) > 1e-12 {
		t.Errorf("IFFT2 of a filter product counts %g, want %g", n, 0.5+0.5*2.0/8)
	}
}
