package wph

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestFitNormAveragesBatch pins the documented deviation from PyWPH's
// norm='auto' (which keeps the first map it is given): FitNorm on a batch
// stores, for every factor, the batch average of the per-map means and the
// square root of the batch average of the per-map variances.
func TestFitNormAveragesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := testutil.RandMaps(rng, 2, 16, 16)
	for i := range x.Data[:256] {
		x.Data[i] = math.Exp(x.Data[i]) // two maps of different statistics
	}
	e := cpu.New()
	fit := func(m *stlayer.Maps) map[fkey]FactorStat {
		op, err := New(Config{J: 2, L: 4, Norm: NormAuto}, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		if err := op.FitNorm(e, m); err != nil {
			t.Fatal(err)
		}
		out := map[fkey]FactorStat{}
		for _, f := range op.Norm().Factors {
			out[keyOf(f)] = f
		}
		return out
	}
	both := fit(x)
	one := fit(&stlayer.Maps{B: 1, M: 16, N: 16, Data: x.Map(0)})
	two := fit(&stlayer.Maps{B: 1, M: 16, N: 16, Data: x.Map(1)})
	if len(both) == 0 || len(both) != len(one) || len(both) != len(two) {
		t.Fatalf("factor counts %d, %d, %d", len(both), len(one), len(two))
	}
	differ := false
	for k, f := range both {
		a, b := one[k], two[k]
		wantRe, wantIm := (a.MeanRe+b.MeanRe)/2, (a.MeanIm+b.MeanIm)/2
		wantStd := math.Sqrt((a.Std*a.Std + b.Std*b.Std) / 2)
		if math.Abs(f.MeanRe-wantRe)+math.Abs(f.MeanIm-wantIm) > 1e-12*(1+math.Abs(wantRe)+math.Abs(wantIm)) ||
			math.Abs(f.Std-wantStd) > 1e-12*(1+wantStd) {
			t.Errorf("factor %+v: batch fit (%g%+gi, σ %g), want averages (%g%+gi, σ %g)", k, f.MeanRe, f.MeanIm, f.Std, wantRe, wantIm, wantStd)
		}
		if math.Abs(a.Std-b.Std) > 1e-3*a.Std {
			differ = true
		}
	}
	if !differ {
		t.Error("the two maps have the same factor statistics: the test cannot tell averaging from keeping the first map")
	}
}
