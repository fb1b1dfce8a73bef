package infer

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPfixlib22ZeroHeavyFit: 90 of 100 training maps are zero (a masked
// area), 10 white noise; 2×2 sub-patches, K = 8. The 40 noise rows cannot
// hold 7 components of ≥ 4 rows: components died, and the old EM reseeded
// each at a random row (a zero row 9 times in 10) with weight 1/n and its
// old covariance, so the prior ended with copies of the zero component
// (15 pairs of equal means for seed 1, weights 0.0025). Now every component
// left is distinct, finite and holds at least P² rows (weight ≥ 4/400),
// the zero rows in one component of weight 0.9; the dead are dropped.
func TestPfixlib22ZeroHeavyFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	maps := stlayer.NewMaps(100, 4, 4)
	for b := 90; b < 100; b++ {
		for j := range maps.Map(b) {
			maps.Map(b)[j] = rng.NormFloat64()
		}
	}
	for _, seed := range []uint64{1, 2, 3} {
		pp, err := FitPatchPrior(maps, PatchPriorOptions{P: 2, K: 8, NoAugment: true, Stride: 2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if err := pp.check(); err != nil {
			t.Fatal(err)
		}
		zero := 0
		for k := 0; k < pp.K; k++ {
			mk := pp.Means[k*4 : k*4+4]
			for l := 0; l < k; l++ {
				if slices.Equal(mk, pp.Means[l*4:l*4+4]) {
					t.Errorf("seed %d: components %d and %d have the same mean %v", seed, l, k, mk)
				}
			}
			if pp.Weights[k]*400 < 4 {
				t.Errorf("seed %d: component %d has weight %g (%.2g rows, want ≥ 4)", seed, k, pp.Weights[k], pp.Weights[k]*400)
			}
			if math.Abs(mk[0]) < 1e-3 && math.Abs(pp.Weights[k]-0.9) < 0.015 {
				zero++
			}
		}
		if zero != 1 || pp.K < 2 {
			t.Errorf("seed %d: K %d, weights %.3g: want one zero component of weight 0.9", seed, pp.K, pp.Weights)
		}
	}
}

// TestPfixlib22DeadComponentReseeded forces a dead component: two clusters
// of 200 4-pixel rows at ±3 and a third component started at 1000 with
// covariance eps·I. It dies in the first iteration; the moved component
// ends fitted (mean no data row, weight ≥ 0.02, covariance not eps·I) and
// the three stay distinct. The old EM left such a component at a random
// row with weight 1/n and its old covariance, eps·I. Since 56537c2 it is
// moved by splitting a cluster's component (splitForDeadPatchComponents),
// so this test no longer reaches reseedDeadPatchComponents (the fallback
// when no component can be split; TestPfixlib22ZeroHeavyFit and
// TestReseed24SplitKeepsK reach it).
func TestPfixlib22DeadComponentReseeded(t *testing.T) {
	const n, d, eps = 400, 4, 1e-3
	rng := rand.New(rand.NewPCG(7, 8))
	X := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		c := 3.0
		if i%2 == 1 {
			c = -3
		}
		for j := 0; j < d; j++ {
			X.Set(i, j, c+rng.NormFloat64())
		}
	}
	eye := func(v float64) []float64 {
		c := make([]float64, d*d)
		for j := 0; j < d; j++ {
			c[j*d+j] = v
		}
		return c
	}
	fill := func(v float64) []float64 { return []float64{v, v, v, v} }
	pi := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	mu := [][]float64{fill(3), fill(-3), fill(1000)}
	cov := [][]float64{eye(1), eye(1), eye(eps)}
	pp, err := patchGMMEM(X, pi, mu, cov, eps, 30, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := pp.check(); err != nil || pp.K != 3 {
		t.Fatalf("K %d, %v", pp.K, err)
	}
	for k := 0; k < 3; k++ {
		mk := pp.Means[k*d : (k+1)*d]
		for i := 0; i < n; i++ {
			if slices.Equal(mk, X.RawRowView(i)) {
				t.Errorf("component %d is at row %d (never refitted)", k, i)
			}
		}
		if pp.Weights[k] < 0.02 || pp.Covs[k*d*d] < 10*eps {
			t.Errorf("component %d: weight %.4g, cov[0,0] %.4g", k, pp.Weights[k], pp.Covs[k*d*d])
		}
		for l := 0; l < k; l++ {
			if slices.Equal(mk, pp.Means[l*d:(l+1)*d]) {
				t.Errorf("components %d and %d coincide", l, k)
			}
		}
	}
	t.Logf("weights %.3f, means %.2f", pp.Weights, pp.Means)
}
