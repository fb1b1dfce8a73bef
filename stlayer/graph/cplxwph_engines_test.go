package graph

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// The complex WPH (wph.Config.Complex, z = Q + iU from the stacked pair)
// agrees between the graph engine (float32) and the CPU engine
// (complex128): coefficients to 1e-5 of their class's largest value, the
// pseudo S11 included, and the gradient ∂Σ|c|²/∂(Q, U) to 1e-5 relative L2 (measured: 9e-7 and 2.4e-7).
func TestComplexWPHEnginesAgree(t *testing.T) {
	const M = 16
	rng := rand.New(rand.NewPCG(21, 22))
	x := testutil.RandMaps(rng, 1, 2*M, M)
	for i, v := range x.Data {
		x.Data[i] = v + 0.3*v*v
	}
	op, err := wph.New(wph.Config{J: 3, L: 4, DN: 1, Complex: true}, M, M)
	if err != nil {
		t.Fatal(err)
	}
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	c1, err := op.Forward(cpu.New(), x)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := op.Forward(e, x)
	if err != nil {
		t.Fatal(err)
	}
	lb := op.Labels()
	scale := map[string]float64{}
	for i, v := range c1.Data {
		scale[lb.Class[i]] = math.Max(scale[lb.Class[i]], cmplx.Abs(v))
	}
	pseudo, worst := 0, 0.0
	for i, v := range c1.Data {
		d := cmplx.Abs(c2.Data[i]-v) / scale[lb.Class[i]]
		worst = math.Max(worst, d)
		if d > 1e-5 {
			t.Errorf("%s: graph %v, cpu %v", lb.String(i), c2.Data[i], v)
		}
		pseudo += lb.Get(i, "pseudo")
	}
	if pseudo == 0 {
		t.Fatal("no pseudo moment in the model")
	}
	l1, g1, err := cpu.New().LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	l2, g2, err := e.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	var dd, nn, nu float64
	for i := range g1 {
		dd += (g2[i] - g1[i]) * (g2[i] - g1[i])
		nn += g1[i] * g1[i]
		if i >= M*M {
			nu += g1[i] * g1[i]
		}
	}
	rel := math.Sqrt(dd / nn)
	t.Logf("coefficients: worst %.2e of the class scale; loss cpu %.9g graph %.9g; gradient relative L2 %.2e", worst, l1, l2, rel)
	if math.Abs(l2-l1) > 1e-5*l1 || rel > 1e-5 || nu == 0 {
		t.Errorf("loss %.9g (cpu %.9g), gradient relative L2 error %.2e, |∂/∂U|² = %g", l2, l1, rel, nu)
	}
}
