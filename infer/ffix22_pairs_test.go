package infer

import (
	"errors"
	"testing"
)

// TestFfix22BothDirections: the two directions of one pair (0,1 and 1,0,
// whose maps differ and FeatureFilterFor would pick by the order of the
// components) are refused by ParseFeatureFilterPairs and by ExportModels
// before any fit; other pairs still parse. Fails on the old code (both
// accepted).
func TestFfix22BothDirections(t *testing.T) {
	want := "feature filter pairs 0,1 and 1,0: one filter per pair of components (it estimates a, b is the rest of the mixture): give one direction"
	if _, err := ParseFeatureFilterPairs("0,1;1,0"); err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("parse 0,1;1,0:\n got %v\nwant %s", err, want)
	}
	if _, err := ParseFeatureFilterPairs("2,1;0,2;1,2"); err == nil || err.Error() != "feature filter pairs 2,1 and 1,2: one filter per pair of components (it estimates a, b is the rest of the mixture): give one direction" {
		t.Errorf("parse 2,1;0,2;1,2: %v", err)
	}
	if p, err := ParseFeatureFilterPairs("0,1;2,1;0,2"); err != nil || len(p) != 3 {
		t.Errorf("parse 0,1;2,1;0,2: %v, %v", p, err)
	}
	fx := tinyRun(t)
	if _, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior,
		PatchPrior: &PatchPriorOptions{K: 3, MaxRows: 1500, Iters: 15}, FeatureFilter: [][2]int{{0, 1}, {1, 0}}}); err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("export 0,1 and 1,0:\n got %v\nwant %s", err, want)
	}
}
