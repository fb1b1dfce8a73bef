package infer

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPfixlib22SeedRepeatedRows: a training set that is 90 % zero maps and
// 10 % maps of ones holds 2 distinct 2×2 sub-patches. With K = 4 the old
// k-means++ seeding picked a copy of a centre once every row was one
// (returning a prior with duplicate components); it is now an input error
// naming the count. K = 2 fits the two patches with weights 0.9/0.1.
func TestPfixlib22SeedRepeatedRows(t *testing.T) {
	maps := stlayer.NewMaps(100, 4, 4)
	for b := 90; b < 100; b++ {
		for j := range maps.Map(b) {
			maps.Map(b)[j] = 1
		}
	}
	opt := PatchPriorOptions{P: 2, K: 4, Stride: 2, NoAugment: true}
	pp, err := FitPatchPrior(maps, opt)
	want := "patch prior: the 400 training rows seeding the fit hold 2 distinct sub-patches for K = 4 mixture components (masked or constant areas repeat one sub-patch): give a smaller K (PatchPriorOptions.K, --patch-prior-k) or more varied training patches"
	if err == nil || err.Error() != want || !errors.Is(err, ErrModelInput) {
		t.Fatalf("K = 4 on 2 distinct sub-patches: err %v (prior %v), want %q", err, pp, want)
	}
	opt.K = 2
	pp, err = FitPatchPrior(maps, opt)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 2; k++ {
		v := pp.Means[k*4]
		w := 0.9
		if v > 0.5 {
			v, w = v-1, 0.1
		}
		if math.Abs(v) > 1e-12 || math.Abs(pp.Weights[k]-w) > 1e-12 {
			t.Errorf("component %d: mean %v, weight %v", k, pp.Means[k*4:k*4+4], pp.Weights[k])
		}
	}
}
