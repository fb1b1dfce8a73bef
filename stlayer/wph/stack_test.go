package wph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
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
		testutil.CompareStacked(t, fmt.Sprintf("%+v", cfg), cpu.New(), op.Key(), op.Stat(), x)
	}
}
