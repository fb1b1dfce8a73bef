package graph

import (
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// The graph engine checked the float32 range of the coefficients (Forward,
// TestFloat32RangeError) but not of the gradient: with coefficients that fit
// float32, LossGrad returned +Inf for every pixel without a word when the
// loss's gradient ∂ℒ/∂c, ∂ℒ/∂x itself or an intermediate value of the
// gradient graph was beyond float32's range (the float64 cpu engine gives
// finite gradients for all three). Each is now an error wrapping
// ErrFloat32Range that names the quantity, its largest |value| and the
// remedies; a gradient non-finite at any scale (log at 0) is still returned
// as it is, as on the cpu engine, and normal scales are unaffected.
func TestGradFloat32RangeError(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	base := testutil.RandMaps(rand.New(rand.NewPCG(1, 2)), 2, 16, 16)
	scaled := func(s, off float64) *stlayer.Maps {
		x := &stlayer.Maps{B: base.B, M: base.M, N: base.N, Data: make([]float64, len(base.Data))}
		for i, v := range base.Data {
			x.Data[i] = s * (off + v)
		}
		return x
	}
	msq := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Mul(x, x)) }
	meanLog := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Log(x)) }
	meanLog3 := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Log(p.Pow(x, 3))) }
	// ℒ = Σ|c|⁴, ∂ℒ/∂c = 4|c|²c.
	sum4 := func(c *stlayer.Coeffs) (float64, []complex128, error) {
		g := make([]complex128, len(c.Data))
		l := 0.0
		for i, v := range c.Data {
			a := real(v)*real(v) + imag(v)*imag(v)
			l += a * a
			g[i] = 4 * complex(a, 0) * v
		}
		return l, g, nil
	}
	// ℒ = Σ Re c, ∂ℒ/∂c = 1.
	sumRe := func(c *stlayer.Coeffs) (float64, []complex128, error) {
		g := make([]complex128, len(c.Data))
		l := 0.0
		for i, v := range c.Data {
			l += real(v)
			g[i] = 1
		}
		return l, g, nil
	}
	maxAbs := func(v []float64) float64 {
		m := 0.0
		for _, x := range v {
			m = max(m, math.Abs(x))
		}
		return m
	}
	// cpuFinite checks the premise that the float64 engine gives a finite
	// gradient, and returns its largest |value|.
	cpuFinite := func(name string, key string, s stlayer.Stat, x *stlayer.Maps, loss stlayer.LossFunc) float64 {
		t.Helper()
		_, g, err := cpu.New().LossGrad(key, s, x, loss)
		if err != nil {
			t.Fatalf("%s: cpu engine: %v", name, err)
		}
		for i, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: premise: cpu gradient[%d] = %g", name, i, v)
			}
		}
		return maxAbs(g)
	}
	refused := func(name string, err error, want ...string) string {
		t.Helper()
		if !errors.Is(err, ErrFloat32Range) {
			t.Fatalf("%s: error %v, want ErrFloat32Range", name, err)
		}
		testutil.Refused(t, name, func() error { return err }, append(want, "float32", "rescale the maps", "--engine cpu")...)
		return err.Error()
	}
	largest := regexp.MustCompile(`has largest \|value\| ~?([0-9.e+-]+)`)
	checkLargest := func(name, msg string, want float64) {
		t.Helper()
		m := largest.FindStringSubmatch(msg)
		if m == nil {
			t.Fatalf("%s: no largest |value| in %q", name, msg)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil || math.Abs(v-want) > 5e-3*want {
			t.Errorf("%s: largest |value| %s in the message, want %.4g", name, m[1], want)
		}
	}

	// 1. ∂ℒ/∂c beyond float32: maps ~1e7, c = ⟨x²⟩ ~ 1e14, 4|c|²c ~ 1e43.
	x := scaled(1e7, 0)
	cpuFinite("∂ℒ/∂c", "msq", msq, x, sum4)
	c, err := e.Forward("msq", msq, x)
	if err != nil {
		t.Fatal(err)
	}
	_, gc, _ := sum4(c)
	gmax := 0.0
	for _, v := range gc {
		gmax = max(gmax, math.Abs(real(v)))
	}
	_, _, err = e.LossGrad("msq", msq, x, sum4)
	msg := refused("∂ℒ/∂c", err, "∂ℒ/∂c", "beyond float32's largest value")
	checkLargest("∂ℒ/∂c", msg, gmax)

	// 2. ∂ℒ/∂x beyond float32: maps ~1e15, c ~ 1e30 and ∂ℒ/∂c = 2c fit,
	// ∂ℒ/∂x = 2c·2x/256 ~ 1e43 does not.
	x = scaled(1e15, 0)
	want := cpuFinite("∂ℒ/∂x", "msq", msq, x, testutil.SumAbs2)
	_, _, err = e.LossGrad("msq", msq, x, testutil.SumAbs2)
	msg = refused("∂ℒ/∂x", err, "∂ℒ/∂x", "pixel (0, 0) of map 0", "512 of 512")
	checkLargest("∂ℒ/∂x", msg, want)

	// 3. An intermediate value of the gradient graph beyond float32: ln |x|³
	// of maps ~1e-14 (|x|³ ~ 1e-41, subnormal in float32, ln finite) has
	// the derivative 1/|x|³ ~ 1e41 with ∂ℒ/∂c = 1. (Maps ~1e-42, used here
	// before, are now refused before running: graph.MinMapScale.)
	x = scaled(1e-14, 5)
	cpuFinite("intermediate", "meanlog3", meanLog3, x, sumRe)
	if c, err := e.Forward("meanlog3", meanLog3, x); err != nil {
		t.Fatalf("premise: ln |x|³ of maps ~1e-14 in float32: %v", err)
	} else if math.IsInf(real(c.Data[0]), 0) || math.IsNaN(real(c.Data[0])) {
		t.Fatalf("premise: ln |x|³ of maps ~1e-14 in float32 = %v", c.Data[0])
	}
	_, _, err = e.LossGrad("meanlog3", meanLog3, x, sumRe)
	refused("intermediate", err, "intermediate values of the gradient graph", "underflow", "∂ℒ/∂c divided by its largest |value| (1)", "(7.3e-14)")

	// 4. Non-finite at any scale: ln 0 at pixel (0, 0) has the gradient
	// 1/0, returned as it is (the cpu engine gives Inf too).
	x = scaled(1, 5)
	x.Data[0] = 0
	_, g, err := e.LossGrad("meanlog", meanLog, x, sumRe)
	if err != nil {
		t.Fatalf("ln 0: error %v, want its Inf gradient", err)
	}
	if !math.IsInf(g[0], 1) || math.IsInf(g[1], 0) {
		t.Errorf("ln 0: gradient %g, %g, want +Inf, finite", g[0], g[1])
	}

	// 5. Normal scales: unchanged, equal to the cpu engine.
	for _, s := range []float64{1, 1e3} {
		x = scaled(s, 0)
		_, gw, err := cpu.New().LossGrad("msq", msq, x, sum4)
		if err != nil {
			t.Fatal(err)
		}
		_, g, err := e.LossGrad("msq", msq, x, sum4)
		if err != nil {
			t.Fatalf("scale %g: %v", s, err)
		}
		for i := range g {
			if math.Abs(g[i]-gw[i]) > 1e-5*maxAbs(gw) {
				t.Fatalf("scale %g: gradient[%d] = %g, cpu %g", s, i, g[i], gw[i])
			}
		}
	}
}
