package cpu_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// TestBluestein19WPHStats: the WPH statistics of a periodic 58×58 map
// (58 = 2·29: a radix-2 stage and Bluestein for the 29 stage, as 334 =
// 2·167, the size this test used at 6.5 s) and their gradient under Σ|c|²
// agree with those of an engine whose 58-point FFT is the direct O(r²)
// butterfly (the plan before session 19) to 1e-12 relative. The plan is
// checked first, so that the test cannot pass on a plan without Bluestein.
func TestBluestein19WPHStats(t *testing.T) {
	const n = 58
	if rs := cpu.PlanRadices19(n); len(rs) != 2 || rs[0] != 2 || rs[1] != 29 || !cpu.UsesBluestein19(n) {
		t.Fatalf("plan of %d: radices %v, Bluestein %v; want [2 29] with a Bluestein stage", n, rs, cpu.UsesBluestein19(n))
	}
	op, err := wph.New(wph.Config{J: 2, L: 2, DN: 1}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(19, 3))
	x := stlayer.NewMaps(1, n, n)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	blue, direct := cpu.New(cpu.WithWorkers(2)), cpu.New(cpu.WithWorkers(2))
	cpu.UseDirectFFT19(direct, n)
	var cs [2]*stlayer.Coeffs
	var gs [2][]float64
	for i, e := range []*cpu.Engine{blue, direct} {
		if cs[i], err = op.Forward(e, x); err != nil {
			t.Fatal(err)
		}
		if _, gs[i], err = e.LossGrad(op.Key(), op.Stat(), x, stlayer.SumAbs2); err != nil {
			t.Fatal(err)
		}
	}
	var dc, mc float64
	for k, v := range cs[0].Data {
		dc = math.Max(dc, abs19(v-cs[1].Data[k]))
		mc = math.Max(mc, abs19(cs[1].Data[k]))
	}
	var dg, mg float64
	for k, v := range gs[0] {
		dg = math.Max(dg, math.Abs(v-gs[1][k]))
		mg = math.Max(mg, math.Abs(gs[1][k]))
	}
	t.Logf("%d coefficients: max |Δc| / max |c| = %.2g; gradient: %.2g", len(cs[0].Data), dc/mc, dg/mg)
	if !(dc <= 1e-12*mc) || !(dg <= 1e-12*mg) || mc == 0 || mg == 0 {
		t.Errorf("Bluestein vs direct: coefficients differ by %.3g of %.3g, gradients by %.3g of %.3g", dc, mc, dg, mg)
	}
}

func abs19(v complex128) float64 { return math.Hypot(real(v), imag(v)) }
