package graph

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// Maps of small values (cgs intensities, ×1e-20) gave all-zero C01 and C11
// on the graph engine, and exit 0: their degree-2 moments (~1e-40)
// underflow float32, which makes finite zeros that checkFloat32Range (Inf
// and NaN only) does not see. Forward and LossGrad now refuse maps whose
// largest |value| is below MinMapScale (≈ 1.08e-15) before running, with
// an ErrFloat32Range error that gives the factor to multiply by; at 1e-10
// the coefficients and the gradient still agree with the float64 cpu
// engine, and zero maps are still accepted. LossGrad's gradient at 1e-10
// was 1e-3 off (WPH) because the gradient graph ran on ∂ℒ/∂c = 2c ~ 1e-20
// and its values underflowed; it now runs on ∂ℒ/∂c scaled by a power of
// two (gradScaled), bit for bit the same at scale 1.
func TestUnderflow18GraphRefusesTinyMaps(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	c := cpu.New()
	for _, n := range []int{16, 32} {
		sc, err := scov.New(scov.Config{J: 3, L: 4}, n, n)
		if err != nil {
			t.Fatal(err)
		}
		wp, err := wph.New(wph.Config{J: 3, L: 4}, n, n)
		if err != nil {
			t.Fatal(err)
		}
		base := testutil.RandMaps(rand.New(rand.NewPCG(uint64(n), 18)), 2, n, n)
		amax := 0.0 // of map 0, the one named
		for _, v := range base.Map(0) {
			amax = max(amax, math.Abs(v))
		}
		if amax < 1 || amax >= 10 {
			t.Fatalf("premise: largest |value| of the Gaussian maps %g, want in [1, 10)", amax)
		}
		scaled := func(s float64) *stlayer.Maps {
			x := stlayer.NewMaps(base.B, n, n)
			for i, v := range base.Data {
				x.Data[i] = s * v
			}
			return x
		}
		for _, op := range []struct {
			name, key string
			s         stlayer.Stat
		}{{"scov", sc.Key(), sc.Stat()}, {"wph", wp.Key(), wp.Stat()}} {
			name := op.name + " " + fmtG(float64(n))
			// Refused at 1e-20, Forward and LossGrad, with the remedy.
			tiny := scaled(1e-20)
			want := []string{"float32", "map 0 of 2: largest |value| is " + fmtG(1e-20*amax), "below the graph engine's floor 1.08e-15",
				"underflow", "multiply the maps by a constant first, e.g. 1e20", "degree 2", "--engine cpu"}
			_, err := e.Forward(op.key, op.s, tiny)
			if !errors.Is(err, ErrFloat32Range) {
				t.Fatalf("%s: Forward at 1e-20: error %v, want ErrFloat32Range", name, err)
			}
			testutil.Refused(t, name+": Forward at 1e-20", func() error { return err }, want...)
			_, _, err = e.LossGrad(op.key, op.s, tiny, testutil.SumAbs2)
			if !errors.Is(err, ErrFloat32Range) {
				t.Fatalf("%s: LossGrad at 1e-20: error %v, want ErrFloat32Range", name, err)
			}
			testutil.Refused(t, name+": LossGrad at 1e-20", func() error { return err }, want...)

			// 1e-10: every coefficient as the cpu engine's to 1e-5 of the
			// largest |coefficient| of its degree (raw coefficients are of
			// degree 1 or 2: 1e-10 apart), the gradient to 1e-4 of its
			// largest |value|.
			x := scaled(1e-10)
			got, err := e.Forward(op.key, op.s, x)
			if err != nil {
				t.Fatalf("%s: Forward at 1e-10: %v", name, err)
			}
			ref, err := c.Forward(op.key, op.s, x)
			if err != nil {
				t.Fatal(err)
			}
			ref2, err := c.Forward(op.key, op.s, scaled(2e-10))
			if err != nil {
				t.Fatal(err)
			}
			var top [3]float64 // largest |c| per degree 0, 1, 2
			deg := make([]int, len(ref.Data))
			for k, v := range ref.Data {
				if v == 0 {
					continue
				}
				d := int(math.Round(math.Log2(cmplx.Abs(ref2.Data[k]) / cmplx.Abs(v))))
				if d < 0 || d > 2 {
					t.Fatalf("%s: premise: coefficient %d of degree %d", name, k, d)
				}
				deg[k] = d
				top[d] = max(top[d], cmplx.Abs(v))
			}
			worst := 0.0
			for k, v := range ref.Data {
				if v != 0 {
					worst = max(worst, cmplx.Abs(got.Data[k]-v)/top[deg[k]])
				}
			}
			if worst > 1e-5 {
				t.Errorf("%s: at 1e-10 a coefficient differs from the cpu engine's by %.3g of the largest of its degree, want ≤ 1e-5", name, worst)
			}
			_, g, err := e.LossGrad(op.key, op.s, x, testutil.SumAbs2)
			if err != nil {
				t.Fatalf("%s: LossGrad at 1e-10: %v", name, err)
			}
			_, gw, err := c.LossGrad(op.key, op.s, x, testutil.SumAbs2)
			if err != nil {
				t.Fatal(err)
			}
			gmax, gerr := 0.0, 0.0
			for i := range gw {
				gmax = max(gmax, math.Abs(gw[i]))
				gerr = max(gerr, math.Abs(g[i]-gw[i]))
			}
			// The gradient graph run on ∂ℒ/∂c = 2c itself (~1e-20), as before
			// gradScaled, underflowed: WPH's gradient was 1e-3 off.
			plain := plainGrad(t, e, op.key, op.s, x)
			perr := 0.0
			for i := range gw {
				perr = max(perr, math.Abs(plain[i]-gw[i]))
			}
			t.Logf("%s at 1e-10: coefficients %.2g, gradient %.2g (unscaled ∂ℒ/∂c: %.2g) relative to the largest", name, worst, gerr/gmax, perr/gmax)
			if !(gmax > 0) || gerr > 1e-4*gmax {
				t.Errorf("%s: at 1e-10 the gradient differs from the cpu engine's by %.3g of its largest |value| %.3g, want ≤ 1e-4", name, gerr/gmax, gmax)
			}
			if op.name == "wph" && perr < 1e-4*gmax {
				t.Errorf("%s: premise: the gradient graph on the unscaled ∂ℒ/∂c at 1e-10 is off by %.3g only", name, perr/gmax)
			}

			// Scale 1: LossGrad's gradient is bit for bit the unscaled run's.
			_, g1, err := e.LossGrad(op.key, op.s, base, testutil.SumAbs2)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range plainGrad(t, e, op.key, op.s, base) {
				if g1[i] != v {
					t.Fatalf("%s: scale 1: gradient[%d] = %v, unscaled run %v", name, i, g1[i], v)
				}
			}
		}
	}

	// The floor itself: just above it accepted, just below refused; zero
	// maps accepted.
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	x := stlayer.NewMaps(1, 4, 4)
	for _, c := range []struct {
		v  float64
		ok bool
	}{{MinMapScale, true}, {MinMapScale * (1 - 1e-9), false}, {0, true}, {-1e-300, false}} {
		for i := range x.Data {
			x.Data[i] = 0
		}
		x.Data[5] = c.v
		_, err := e.Forward("underflow18-mean", mean, x)
		if c.ok && err != nil {
			t.Errorf("largest |value| %g: %v, want accepted", c.v, err)
		}
		if !c.ok && !errors.Is(err, ErrFloat32Range) {
			t.Errorf("largest |value| %g: error %v, want ErrFloat32Range", c.v, err)
		}
	}

	// Each map is checked: a tiny map next to a normal one is refused by
	// name, a zero one is not.
	batch := stlayer.NewMaps(2, 4, 4)
	for i := range 16 {
		batch.Data[i] = float64(i%5) - 2
		batch.Data[16+i] = 1e-200 * batch.Data[i]
	}
	_, err := e.Forward("underflow18-mean", mean, batch)
	if !errors.Is(err, ErrFloat32Range) {
		t.Errorf("batch [normal, tiny]: error %v, want ErrFloat32Range", err)
	}
	testutil.Refused(t, "batch [normal, tiny]", func() error { return err }, "map 1 of 2: largest |value| is 2e-200", "e.g. 1e200")
	clear(batch.Data[16:])
	if _, err := e.Forward("underflow18-mean", mean, batch); err != nil {
		t.Errorf("batch [normal, zero]: %v, want accepted", err)
	}
}

// plainGrad returns ∂ℒ/∂x for ℒ = Σ|c|² from the gradient graph run on
// ∂ℒ/∂c = 2c as it is (no power-of-two scaling), as LossGrad did before
// gradScaled.
func plainGrad(t *testing.T, e *Engine, key string, s stlayer.Stat, x *stlayer.Maps) []float64 {
	t.Helper()
	c, err := e.Forward(key, s, x)
	if err != nil {
		t.Fatal(err)
	}
	_, g, _ := testutil.SumAbs2(c)
	e.mu.Lock()
	d, _, err := e.gradRaw(key, s, x, c, g, 1, 1)
	e.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(d))
	for i, v := range d {
		out[i] = float64(v)
	}
	return out
}
