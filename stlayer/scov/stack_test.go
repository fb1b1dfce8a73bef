package scov

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// The stacked C11 products (what the graph engine builds) give the same
// coefficients and gradients as one product per block (what the CPU engine
// builds), for one field and for the cross statistics of two.
func TestStackedC11SameValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := testutil.RandMaps(rng, 2, 64, 64)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.6 * x.Data[i])
	}
	pair, err := StackPair(x, x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pair.Data {
		pair.Data[i] += 0.1 * rng.NormFloat64()
	}
	for _, cfg := range []Config{{J: 4, L: 4}, {J: 4, L: 4, Normalization: NormP11}, {J: 3, L: 4, FullResolution: true}, {J: 3, L: 6, S3: S3Cov}} {
		op, err := New(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		cop, err := NewCross(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			key  string
			stat stlayer.Stat
			x    *stlayer.Maps
		}{{"auto", op.Key(), op.Stat(), x}, {"cross", cop.Key(), cop.Stat(), pair}} {
			testutil.CompareStacked(t, fmt.Sprintf("%+v %s", cfg, c.name), cpu.New(), c.key, c.stat, c.x)
		}
	}
}
