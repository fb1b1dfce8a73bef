package wph

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// The stacked band-pair products (what the graph engine builds: one product
// and one mean for every l2) give the same coefficients and gradients as one
// product per l2 (what the CPU engine builds).
func TestStackedBandPairsSameValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := testutil.RandMaps(rng, 2, 64, 64)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.6 * x.Data[i])
	}
	for _, cfg := range []Config{{J: 4, L: 4}, {J: 4, L: 4, DN: 1}, {J: 3, L: 6}, {J: 3, L: 3, NonPeriodic: true}} {
		op, err := New(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		eng := cpu.New()
		a, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		b, err := eng.Forward(op.Key()+"|stacked", testutil.Stacked(op.Stat()), x)
		if err != nil {
			t.Fatal(err)
		}
		testutil.CompareScaled(t, "coefficients", b.Data, a.Data, 1e-12, 1e-14)
		la, ga, err := eng.LossGrad(op.Key(), op.Stat(), x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		lb, gb, err := eng.LossGrad(op.Key()+"|stacked", testutil.Stacked(op.Stat()), x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(la-lb) > 1e-12*math.Abs(la) {
			t.Errorf("%+v: loss %v stacked vs %v", cfg, lb, la)
		}
		testutil.CompareFloor(t, "gradient", gb, ga, 1e-10, 1e-14)
	}
}
