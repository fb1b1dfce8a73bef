package infer

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestReseed24SplitKeepsK: FitPatchPrior, K 8, 3×3 sub-patches (stride 1,
// no augmentation) of 10 maps of 8×8: 360 rows of 9 pixels, 45 per
// component on average, of a log-normal field (exp(1.5·g)) and of a
// contaminated Gaussian (one pixel in 10 with 20 times the spread). Components
// die in the first iterations. Reseeded at the worst-explained row (45599d0,
// the rule alone) they died again at every iteration and the fits kept 4
// and 5 of 8; split off the largest live component
// (splitForDeadPatchComponents) they hold rows from the next iteration on
// and the fits keep all 8, each distinct, with at least P² = 9 rows.
func TestReseed24SplitKeepsK(t *testing.T) {
	for _, kind := range []string{"lognormal", "contaminated"} {
		rng := rand.New(rand.NewPCG(3, 10))
		maps := stlayer.NewMaps(10, 8, 8)
		for b := 0; b < 10; b++ {
			for j := range maps.Map(b) {
				g := rng.NormFloat64()
				switch {
				case kind == "lognormal":
					maps.Map(b)[j] = math.Exp(1.5 * g)
				case rng.IntN(10) == 0:
					maps.Map(b)[j] = 20 * g
				default:
					maps.Map(b)[j] = g
				}
			}
		}
		pp, err := FitPatchPrior(maps, PatchPriorOptions{P: 3, K: 8, NoAugment: true, Stride: 1})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if err := pp.check(); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if pp.K != 8 {
			t.Errorf("%s: kept %d of 8 components, weights %.3g", kind, pp.K, pp.Weights)
			continue
		}
		for k := 0; k < pp.K; k++ {
			if pp.Weights[k]*360 < 9 {
				t.Errorf("%s: component %d has weight %.4g (%.2g rows, want ≥ 9)", kind, k, pp.Weights[k], pp.Weights[k]*360)
			}
			for l := 0; l < k; l++ {
				if slices.Equal(pp.Means[k*9:k*9+9], pp.Means[l*9:l*9+9]) {
					t.Errorf("%s: components %d and %d have the same mean", kind, l, k)
				}
			}
		}
	}
}
