package cpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// s1Like is a first-order-scattering-like statistic: for each scale j,
// mean_x |IFFT2(Periodise(FFT2(x)·ψ_{j,l}, M/2^j, N/2^j))| over the L filters
// of banks[j]; coefficients [B, J*L, 1, 1].
func s1Like(banks []*stlayer.FilterBank) stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		_, _, M, N := x.Dims()
		X := p.FFT2(x)
		outs := make([]stlayer.Field, len(banks))
		for j, b := range banks {
			y := p.MulFilters(X, b)
			y = p.Periodise(y, M>>j, N>>j)
			outs[j] = p.Mean(p.Modulus(p.IFFT2(y)))
		}
		return p.Concat(outs...)
	}
}

func randBanks(rng *rand.Rand, J, L, M, N int) []*stlayer.FilterBank {
	banks := make([]*stlayer.FilterBank, J)
	for j := range banks {
		banks[j] = randBank(rng, L, M, N)
	}
	return banks
}

// quadLoss is ℒ = Σ_k w_k |c_k − t_k|² with gradient 2 w_k (c_k − t_k).
func quadLoss(t []complex128, w []float64) stlayer.LossFunc {
	return func(c *stlayer.Coeffs) (float64, []complex128, error) {
		g := make([]complex128, len(c.Data))
		l := 0.0
		for k, v := range c.Data {
			d := v - t[k]
			l += w[k] * (real(d)*real(d) + imag(d)*imag(d))
			g[k] = complex(2*w[k], 0) * d
		}
		return l, g, nil
	}
}

func TestStatGradientFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const B, M, N, J, L = 2, 16, 16, 3, 3
	banks := randBanks(rng, J, L, M, N)
	stat := s1Like(banks)
	x := testutil.RandMaps(rng, B, M, N)
	e := New(WithWorkers(2))
	c, err := e.Forward("s1", stat, x)
	if err != nil {
		t.Fatal(err)
	}
	if c.B != B || c.K != J*L || c.H != 1 || c.W != 1 {
		t.Fatalf("coeffs [%d,%d,%d,%d]", c.B, c.K, c.H, c.W)
	}
	tg := randC(rng, len(c.Data))
	w := make([]float64, len(c.Data))
	for i := range w {
		w[i] = 0.5 + rng.Float64()
	}
	loss := quadLoss(tg, w)
	l0, grad, err := e.LossGrad("s1", stat, x, loss)
	if err != nil {
		t.Fatal(err)
	}
	if l1, _, _ := loss(c); math.Abs(l1-l0) > 1e-12*l0 {
		t.Errorf("Forward and LossGrad disagree: %g vs %g", l1, l0)
	}
	lossAt := func(xx *stlayer.Maps) float64 {
		cc, err := e.Forward("s1", stat, xx)
		if err != nil {
			t.Fatal(err)
		}
		l, _, _ := loss(cc)
		return l
	}
	const eps = 1e-6
	// Single pixels and one random direction.
	for _, i := range []int{0, 17, 255, 256 + 93, 2*M*N - 1} {
		xp, xm := *x, *x
		xp.Data = append([]float64(nil), x.Data...)
		xm.Data = append([]float64(nil), x.Data...)
		xp.Data[i] += eps
		xm.Data[i] -= eps
		fd := (lossAt(&xp) - lossAt(&xm)) / (2 * eps)
		if d := math.Abs(fd - grad[i]); d > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: finite difference %.10g, gradient %.10g", i, fd, grad[i])
		}
	}
	v := make([]float64, len(x.Data))
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	xp, xm := *x, *x
	xp.Data, xm.Data = make([]float64, len(v)), make([]float64, len(v))
	an := 0.0
	for i := range v {
		xp.Data[i] = x.Data[i] + eps*v[i]
		xm.Data[i] = x.Data[i] - eps*v[i]
		an += grad[i] * v[i]
	}
	fd := (lossAt(&xp) - lossAt(&xm)) / (2 * eps)
	if d := math.Abs(fd - an); d > 1e-6*(1+math.Abs(fd)) {
		t.Errorf("direction: finite difference %.10g, gradient %.10g", fd, an)
	}
}

// A statistic with cropping, products, broadcasting and reductions, local output.
func TestStatGradientMixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const B, M, N = 2, 16, 8
	bank := randBank(rng, 4, M, N)
	mask := make([]float64, M*N)
	for i := range mask {
		mask[i] = rng.Float64()
	}
	A := randC(rng, 2*7)
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		X := p.FFT2(x)
		y := p.IFFT2(p.MulFilters(X, bank)) // [B,4,M,N]
		y = p.Sub(y, p.Mean(y))             // centred
		a := p.PhaseHarmonic(y, 2)          // [B,4,M,N]
		cov := p.Mean(p.MulConj(p.Channels(a, []int{0, 1, 3}), p.Channels(y, []int{2, 2, 0})))
		loc := p.IFFT2(p.CropFreq(p.FFT2(p.Modulus(y)), M/2, N/2))        // [B,4,M/2,N/2]
		loc = p.Reshape(p.Mean(p.Reshape(loc, 4*M/2, 1, N/2)), 4, M/4, 2) // pool rows
		sm := p.WeightedMean(p.MulConst(p.Pow(y, 1.5), mask), mask)
		iso := p.Linear(p.Concat(cov, sm), A, 2)
		return p.Concat(iso, p.Reshape(loc, 4*M/4*2, 1, 1), p.Log(p.Add(p.Real(p.Scale(sm, 2)), p.Mean(p.Pow(y, 2)))), p.Shifts(p.Sqrt(p.Modulus(y)), [][2]int{{1, 1}, {3, -2}}))
	}
	x := testutil.RandMaps(rng, B, M, N)
	e := New()
	c, err := e.Forward("mixed", stat, x)
	if err != nil {
		t.Fatal(err)
	}
	loss := quadLoss(randC(rng, len(c.Data)), func() []float64 {
		w := make([]float64, len(c.Data))
		for i := range w {
			w[i] = 1
		}
		return w
	}())
	_, grad, err := e.LossGrad("mixed", stat, x, loss)
	if err != nil {
		t.Fatal(err)
	}
	const eps = 1e-6
	v := make([]float64, len(x.Data))
	xp, xm := *x, *x
	xp.Data, xm.Data = make([]float64, len(v)), make([]float64, len(v))
	an := 0.0
	for i := range v {
		v[i] = rng.NormFloat64()
		xp.Data[i] = x.Data[i] + eps*v[i]
		xm.Data[i] = x.Data[i] - eps*v[i]
		an += grad[i] * v[i]
	}
	cp, _ := e.Forward("mixed", stat, &xp)
	cm, _ := e.Forward("mixed", stat, &xm)
	lp, _, _ := loss(cp)
	lm, _, _ := loss(cm)
	fd := (lp - lm) / (2 * eps)
	if d := math.Abs(fd - an); d > 1e-6*(1+math.Abs(fd)) {
		t.Errorf("finite difference %.10g, gradient %.10g", fd, an)
	}
}

func TestErrors(t *testing.T) {
	e := New()
	x := stlayer.NewMaps(1, 8, 8)
	_, err := e.Forward("bad", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Periodise(p.FFT2(x), 3, 3) }, x)
	var es *stlayer.ErrShape
	if !errors.As(err, &es) {
		t.Errorf("Periodise 3 of 8: error %v, want *stlayer.ErrShape", err)
	}
	_, _, err = e.LossGrad("bad", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Add(x, p.Crop(x, 0, 0, 4, 4)) }, x,
		func(c *stlayer.Coeffs) (float64, []complex128, error) { return 0, make([]complex128, len(c.Data)), nil })
	if !errors.As(err, &es) {
		t.Errorf("Add 8x8 + 4x4: error %v, want *stlayer.ErrShape", err)
	}
	_, _, err = e.LossGrad("short", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }, x,
		func(c *stlayer.Coeffs) (float64, []complex128, error) { return 0, nil, nil })
	if err == nil {
		t.Error("short loss gradient accepted")
	}
	if _, err := e.Forward("nil", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return x }, &stlayer.Maps{B: 1, M: 2, N: 2}); err == nil {
		t.Error("maps with missing data accepted")
	}
	// An error the statistic itself panics with (operators check the map
	// size inside Stat) is returned, in Forward and LossGrad alike; a nil
	// statistic or loss is an error too.
	wrong := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		panic(&stlayer.ErrShape{Msg: "op built for 16×16 maps, got 8×8"})
	}
	if _, err := e.Forward("wrong", wrong, x); !errors.As(err, &es) || !strings.Contains(err.Error(), "16×16") {
		t.Errorf("statistic's own ErrShape panic: Forward error %v", err)
	}
	if _, _, err := e.LossGrad("wrong", wrong, x, testutil.SumAbs2); !errors.As(err, &es) {
		t.Errorf("statistic's own ErrShape panic: LossGrad error %v", err)
	}
	if _, err := e.Forward("nilstat", nil, x); err == nil {
		t.Error("nil statistic accepted by Forward")
	}
	if _, _, err := e.LossGrad("nilstat", nil, x, testutil.SumAbs2); err == nil {
		t.Error("nil statistic accepted by LossGrad")
	}
	if _, _, err := e.LossGrad("nilloss", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }, x, nil); err == nil {
		t.Error("nil loss accepted")
	}
	// A runtime error inside a statistic is a defect, returned as an
	// *InternalError with the panic value and stack (panic_test.go).
}

// TestPoolReuse: with the GC off (so that sync.Pool keeps its buffers), a
// repeated LossGrad allocates far less than the tape it builds.
func TestPoolReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const M, N, J, L = 64, 64, 3, 4
	stat := s1Like(randBanks(rng, J, L, M, N))
	x := testutil.RandMaps(rng, 1, M, N)
	e := New()
	loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
		g := make([]complex128, len(c.Data))
		for i := range g {
			g[i] = 1
		}
		return 0, g, nil
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if _, _, err := e.LossGrad("s1", stat, x, loss); err != nil {
		t.Fatal(err)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	const reps = 3
	for range reps {
		if _, _, err := e.LossGrad("s1", stat, x, loss); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&m1)
	perCall := float64(m1.TotalAlloc-m0.TotalAlloc) / reps
	tape := float64(16 * M * N * (2 + 2*J*L)) // lower bound of the values on the tape
	if perCall > 0.1*tape {
		t.Errorf("LossGrad allocates %.0f bytes per call, tape holds ≥ %.0f", perCall, tape)
	}
	t.Logf("LossGrad allocates %.0f bytes per call (tape ≥ %.0f bytes)", perCall, tape)
}

// TestForwardPlanReplay: the liveness plan of a key releases buffers early
// without changing results, and a key reused by a statistic with another op
// sequence (same shapes) is detected and recomputed.
func TestForwardPlanReplay(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	x := testutil.RandMaps(rng, 2, 8, 8)
	statA := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y1 := p.Modulus(x)
		y2 := p.Conj(x)
		return p.Mean(p.Add(y1, y2))
	}
	statB := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y1 := p.Modulus(x)
		y2 := p.Conj(y1)
		return p.Mean(p.Add(y2, p.Scale(x, 3))) // x read late: released under A's plan
	}
	ref := func(s stlayer.Stat) []complex128 {
		c, err := New().Forward("fresh", s, x)
		if err != nil {
			t.Fatal(err)
		}
		return c.Data
	}
	wantA, wantB := ref(statA), ref(statB)
	e := New()
	var prev *fwdPlan
	for i, s := range []stlayer.Stat{statA, statA, statB, statB, statA, s1Like(randBanks(rng, 2, 2, 8, 8))} {
		c, err := e.Forward("same key", s, x)
		if err != nil {
			t.Fatal(err)
		}
		plan := e.fwdPlans["same key|2,8,8"]
		if retraced := plan != prev; retraced != (i != 1 && i != 3) {
			t.Errorf("call %d: retraced = %v", i, retraced)
		}
		prev = plan
		want := wantA
		switch i {
		case 2, 3:
			want = wantB
		case 5:
			want = ref(s)
		}
		if d := cabsDiff(c.Data, want); d != 0 {
			t.Errorf("call %d: results differ by %.3g from a fresh engine", i, d)
		}
	}
}

// TestForwardPoolReuse: a replayed Forward allocates far less than its fields.
func TestForwardPoolReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	const M, N, J, L = 64, 64, 3, 4
	stat := s1Like(randBanks(rng, J, L, M, N))
	x := testutil.RandMaps(rng, 1, M, N)
	e := New()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for range 2 {
		if _, err := e.Forward("s1", stat, x); err != nil {
			t.Fatal(err)
		}
	}
	// The least of a few calls: TotalAlloc is process-wide, and goroutines
	// left by earlier tests may still allocate.
	perCall := math.Inf(1)
	for range 3 {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if _, err := e.Forward("s1", stat, x); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		perCall = min(perCall, float64(m1.TotalAlloc-m0.TotalAlloc))
	}
	if fields := float64(16 * M * N * (2 + J*L)); perCall > 0.1*fields {
		t.Errorf("Forward allocates %.0f bytes per call, its fields hold ≥ %.0f", perCall, fields)
	}
}

// TestWorkersAgree: results and gradients do not depend on the worker count
// (large enough fields to take every parallel path; run with -race).
func TestWorkersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	const B, M, N = 2, 64, 128
	banks := randBanks(rng, 3, 4, M, N)
	mask := make([]float64, M*N)
	for i := range mask {
		mask[i] = rng.Float64()
	}
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		X := p.FFT2(x)
		y := p.IFFT2(p.MulFilters(X, banks[0]))                       // [B,4,M,N]
		z := p.IFFT2(p.CropFreq(p.MulFilters(X, banks[1]), M/2, N/2)) // [B,4,M/2,N/2]
		u := p.IFFT2(p.Periodise(p.MulFilters(X, banks[2]), M/4, N/4))
		yc := p.Sub(y, p.Mean(y))
		prod := p.Mean(p.MulConj(p.PhaseHarmonic(yc, 2), p.Channels(yc, []int{1, 1, 3, 0})))
		bc := p.Mean(p.Mul(p.Modulus(y), p.Mean(p.Modulus(x)))) // broadcast over C and space
		bb := p.Mean(p.Add(yc, p.Channels(p.Crop(x, 0, 0, M, N), []int{0, 0, 0, 0})))
		return p.Concat(prod, bc, bb, p.Mean(p.Pow(z, 1.5)), p.Mean(p.Modulus(u)),
			p.WeightedMean(p.MulConst(p.Modulus(y), mask), mask))
	}
	x := testutil.RandMaps(rng, B, M, N)
	var ref *stlayer.Coeffs
	var refGrad []float64
	for _, w := range []int{1, 2, 5} {
		e := New(WithWorkers(w))
		c, err := e.Forward("k", stat, x)
		if err != nil {
			t.Fatal(err)
		}
		_, g, err := e.LossGrad("k", stat, x, testutil.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref, refGrad = c, g
			continue
		}
		if d := cabsDiff(c.Data, ref.Data); d > 1e-12 {
			t.Errorf("%d workers: coefficients differ by %.3g", w, d)
		}
		for i := range g {
			if math.Abs(g[i]-refGrad[i]) > 1e-9*(1+math.Abs(refGrad[i])) {
				t.Fatalf("%d workers: gradient[%d] = %g, 1 worker %g", w, i, g[i], refGrad[i])
			}
		}
	}
}

// TestConcurrentCalls: one engine serves Forward and LossGrad from several
// goroutines at once (shared pool and plans; run with -race).
func TestConcurrentCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	const M, N = 32, 32
	stat := s1Like(randBanks(rng, 3, 3, M, N))
	xs := []*stlayer.Maps{testutil.RandMaps(rng, 1, M, N), testutil.RandMaps(rng, 2, M, N), testutil.RandMaps(rng, 1, M, N)}
	loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
		g := make([]complex128, len(c.Data))
		for i := range g {
			g[i] = c.Data[i]
		}
		return 0, g, nil
	}
	ref := New(WithWorkers(1))
	want := make([]*stlayer.Coeffs, len(xs))
	wantG := make([][]float64, len(xs))
	for i, x := range xs {
		want[i], _ = ref.Forward("s", stat, x)
		_, wantG[i], _ = ref.LossGrad("s", stat, x, loss)
	}
	e := New(WithWorkers(2))
	errs := make(chan string, 64)
	done := make(chan struct{})
	for gi := 0; gi < 4; gi++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for it := 0; it < 5; it++ {
				i := (gi + it) % len(xs)
				c, err := e.Forward("s", stat, xs[i])
				if err != nil || cabsDiff(c.Data, want[i].Data) > 1e-12 {
					errs <- "Forward differs"
					return
				}
				_, g, err := e.LossGrad("s", stat, xs[i], loss)
				if err != nil {
					errs <- err.Error()
					return
				}
				for k := range g {
					if math.Abs(g[k]-wantG[i][k]) > 1e-9 {
						errs <- "LossGrad differs"
						return
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	close(errs)
	for s := range errs {
		t.Error(s)
	}
}
