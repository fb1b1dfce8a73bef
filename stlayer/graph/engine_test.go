package graph

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// testStat is a small scattering-like statistic: for each filter k,
// mean |IFFT2(FFT2(x)·ψ_k)| and the mean of the phase harmonic [·]^2 of the
// filtered field cropped to h/2 × w/2 in Fourier: [B, 2K, 1, 1] (complex).
func testStat(bank *stlayer.FilterBank) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		_, _, h, w := x.Dims()
		X := p.FFT2(x)
		F := p.MulFilters(X, bank)
		u := p.IFFT2(F)
		s1 := p.Mean(p.Modulus(u))
		v := p.IFFT2(p.CropFreq(F, h/2, w/2))
		s2 := p.Mean(p.PhaseHarmonic(v, 2))
		return p.Concat(s1, s2)
	}
}

func hostStat(bank *stlayer.FilterBank, x hf) hf {
	X := dft2(x, false)
	F := mulFiltersHF(X, bank)
	u := dft2(F, true)
	v := dft2(cropFreqHF(F, x.h/2, x.w/2), true)
	K := bank.K
	out := newHF(x.b, 2*K, 1, 1)
	for b := 0; b < x.b; b++ {
		for k := 0; k < K; k++ {
			var s1, s2 complex128
			for i := 0; i < x.h*x.w; i++ {
				s1 += complex(cmplx.Abs(u.d[(b*K+k)*x.h*x.w+i]), 0)
			}
			n2 := v.h * v.w
			for i := 0; i < n2; i++ {
				z := v.d[(b*K+k)*n2+i]
				m := cmplx.Abs(z)
				s2 += z * z / complex(m, 0)
			}
			out.d[b*2*K+k] = s1 / complex(float64(x.h*x.w), 0)
			out.d[b*2*K+K+k] = s2 / complex(float64(n2), 0)
		}
	}
	return out
}

func mapsToHF(x *stlayer.Maps) hf {
	y := newHF(x.B, 1, x.M, x.N)
	for i, v := range x.Data {
		y.d[i] = complex(v, 0)
	}
	return y
}

func TestEngineForwardAndLossGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	M, N := 16, 12
	bank := randBank(r, 3, M, N)
	x := stlayer.NewMaps(2, M, N)
	for i := range x.Data {
		x.Data[i] = r.NormFloat64()
	}
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	if e.Name() != "graph:go" && !strings.HasPrefix(e.Name(), "graph:") {
		t.Errorf("Name() = %q", e.Name())
	}
	stat := testStat(bank)
	c, err := e.Forward("test", stat, x)
	if err != nil {
		t.Fatalf("Forward: %v", err)
	}
	want := hostStat(bank, mapsToHF(x))
	if c.B != 2 || c.K != 6 || c.H != 1 || c.W != 1 {
		t.Fatalf("coeffs dims %d %d %d %d", c.B, c.K, c.H, c.W)
	}
	if d := relDiff(c.Data, want.d); d > 1e-5 {
		t.Errorf("Forward vs host: rel diff %.3g", d)
	}

	// Loss ℒ = Σ w_k |c_k − t_k|², g = 2 w (c − t).
	tgt := make([]complex128, len(c.Data))
	wt := make([]float64, len(c.Data))
	for i := range tgt {
		tgt[i] = complex(r.NormFloat64(), r.NormFloat64())
		wt[i] = r.Float64() + 0.5
	}
	lossOf := func(cd []complex128) float64 {
		s := 0.0
		for i, v := range cd {
			d := v - tgt[i]
			s += wt[i] * (real(d)*real(d) + imag(d)*imag(d))
		}
		return s
	}
	lossFn := func(out *stlayer.Coeffs) (float64, []complex128, error) {
		g := make([]complex128, len(out.Data))
		for i, v := range out.Data {
			g[i] = complex(2*wt[i], 0) * (v - tgt[i])
		}
		return lossOf(out.Data), g, nil
	}
	l, grad, err := e.LossGrad("test", stat, x, lossFn)
	if err != nil {
		t.Fatalf("LossGrad: %v", err)
	}
	if hl := lossOf(want.d); math.Abs(l-hl) > 1e-5*math.Abs(hl) {
		t.Errorf("loss %.8g, host %.8g", l, hl)
	}
	hostLoss := func(v []float64) float64 {
		m := &stlayer.Maps{B: x.B, M: M, N: N, Data: v}
		return lossOf(hostStat(bank, mapsToHF(m)).d)
	}
	gmax := 0.0
	for _, g := range grad {
		gmax = math.Max(gmax, math.Abs(g))
	}
	const eps = 1e-6
	for _, i := range []int{0, 5, 77, 191, 200, 383} {
		xp := append([]float64(nil), x.Data...)
		xm := append([]float64(nil), x.Data...)
		xp[i] += eps
		xm[i] -= eps
		fd := (hostLoss(xp) - hostLoss(xm)) / (2 * eps)
		if d := math.Abs(fd - grad[i]); d > 1e-4*gmax {
			t.Errorf("∂ℒ/∂x[%d] = %.8g, host finite difference %.8g", i, grad[i], fd)
		}
	}
	// Directional derivative along a random direction.
	dir := make([]float64, len(x.Data))
	an := 0.0
	for i := range dir {
		dir[i] = r.NormFloat64()
		an += dir[i] * grad[i]
	}
	step := func(s float64) []float64 {
		v := append([]float64(nil), x.Data...)
		for i := range v {
			v[i] += s * dir[i]
		}
		return v
	}
	fd := (hostLoss(step(eps)) - hostLoss(step(-eps))) / (2 * eps)
	if math.Abs(an-fd) > 1e-4*math.Abs(fd)+1e-6 {
		t.Errorf("directional derivative %.8g, host finite difference %.8g", an, fd)
	}

	// Graphs are compiled once per (key, shape, kind).
	n := e.NumExecs()
	if _, err := e.Forward("test", stat, x); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.LossGrad("test", stat, x, lossFn); err != nil {
		t.Fatal(err)
	}
	if e.NumExecs() != n || n != 2 {
		t.Errorf("compiled graphs: %d then %d, want 2", n, e.NumExecs())
	}
}

// TestSpatialOutputAndLRU checks a local (spatial) statistic's layout and the
// bounded cache of compiled graphs.
func TestSpatialOutputAndLRU(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	e := New(gomlxtest.Backend(t), WithMaxExecs(2))
	defer e.Finalize()
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.Subsample(p.Modulus(p.FFT2(x)), 2)
	}
	for _, sz := range [][2]int{{8, 8}, {6, 10}, {8, 8}, {4, 4}} {
		x := stlayer.NewMaps(1, sz[0], sz[1])
		for i := range x.Data {
			x.Data[i] = r.NormFloat64()
		}
		c, err := e.Forward("sub", stat, x)
		if err != nil {
			t.Fatal(err)
		}
		X := dft2(mapsToHF(x), false)
		h, w := (sz[0]+1)/2, (sz[1]+1)/2
		want := gatherHF(mapHF(X, func(z complex128) complex128 { return complex(cmplx.Abs(z), 0) }), h, w,
			func(i, j int) (int, int) { return 2 * i, 2 * j })
		if c.K != 1 || c.H != h || c.W != w {
			t.Fatalf("dims %d %d %d, want 1 %d %d", c.K, c.H, c.W, h, w)
		}
		if d := relDiff(c.Data, want.d); d > 1e-5 {
			t.Errorf("%v: rel diff %.3g", sz, d)
		}
		if e.NumExecs() > 2 {
			t.Errorf("%d compiled graphs kept, limit 2", e.NumExecs())
		}
	}
}

func TestErrors(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	bank := &stlayer.FilterBank{K: 1, H: 4, W: 4, Data: make([]float64, 16), Name: "4x4"}
	x := stlayer.NewMaps(1, 8, 8)
	_, err := e.Forward("bad bank", func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.MulFilters(p.FFT2(x), bank)
	}, x)
	var se *stlayer.ErrShape
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "filter bank") {
		t.Errorf("mismatched bank: got %v, want an ErrShape", err)
	}
	_, err = e.Forward("bad fft", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.FFT2(x) }, stlayer.NewMaps(1, 2*131, 4))
	if !errors.As(err, &se) {
		t.Errorf("unsupported FFT size: got %v, want an ErrShape", err)
	}
	if _, err := e.Forward("k", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return x }, &stlayer.Maps{B: 1, M: 2, N: 2}); err == nil {
		t.Errorf("maps with no data accepted")
	}
	// A failed build is not kept; the engine still works afterwards.
	if n := e.NumExecs(); n != 0 {
		t.Errorf("%d graphs kept after failures", n)
	}
	c, err := e.Forward("ok", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }, x)
	if err != nil || c.K != 1 {
		t.Errorf("after errors: %v", err)
	}
	_, _, err = e.LossGrad("ok", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }, x,
		func(*stlayer.Coeffs) (float64, []complex128, error) { return 0, make([]complex128, 3), nil })
	if err == nil {
		t.Errorf("wrong-length loss gradient accepted")
	}
}

// A nil statistic used to be an *InternalError ("internal error (a defect;
// please report it …) in the statistic's own code", nil dereference); it is
// refused as on the cpu engine, by Forward and LossGrad, and no graph is
// kept. The graph compiled for a key is reused whatever statistic comes
// with that key later (Forward's doc).
func TestNilStatAndKeyReuse(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	x := testutil.RandMaps(rand.New(rand.NewPCG(7, 1)), 1, 4, 4)
	_, err := e.Forward("nil", nil, x)
	var ie *InternalError
	if err == nil || errors.As(err, &ie) || err.Error() != "graph: nil statistic" {
		t.Errorf("Forward of a nil statistic: %v, want graph: nil statistic", err)
	}
	_, _, err = e.LossGrad("nil", nil, x, testutil.SumAbs2)
	if err == nil || errors.As(err, &ie) || err.Error() != "graph: nil statistic" {
		t.Errorf("LossGrad of a nil statistic: %v, want graph: nil statistic", err)
	}
	if n := e.NumExecs(); n != 0 {
		t.Errorf("%d graphs kept after a nil statistic", n)
	}

	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	twice := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Scale(p.Mean(x), 2) }
	c1, err := e.Forward("k", mean, x)
	if err != nil {
		t.Fatal(err)
	}
	// Another statistic under a compiled key is refused (checkSameStat),
	// not answered with the first one's coefficients.
	c2, err := e.Forward("k", twice, x)
	var es *stlayer.ErrShape
	if !errors.As(err, &es) || !strings.Contains(err.Error(), `key "k" names another statistic`) || c2 != nil {
		t.Errorf("same key, another statistic: %v, %v; want an ErrShape (the first statistic gave %v)", c2, err, c1.Data[0])
	}
}

// WithMaxExecs: n < 1 counts as 1, and a LossGrad compiles two graphs
// (forward and gradient), so with the default it keeps both and with 1 only
// the last (each call then compiles both again).
func TestMaxExecsAndLossGradGraphs(t *testing.T) {
	x := testutil.RandMaps(rand.New(rand.NewPCG(7, 2)), 1, 4, 4)
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	for _, c := range []struct {
		name string
		opts []Option
		want int
	}{{"default", nil, 2}, {"WithMaxExecs(0)", []Option{WithMaxExecs(0)}, 1}, {"WithMaxExecs(1)", []Option{WithMaxExecs(1)}, 1}} {
		e := New(gomlxtest.Backend(t), c.opts...)
		for range 2 {
			if _, _, err := e.LossGrad("mean", mean, x, testutil.SumAbs2); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.NumExecs(); n != c.want {
			t.Errorf("%s: %d graphs kept after LossGrad, want %d", c.name, n, c.want)
		}
		e.Finalize()
	}
}
