package infer

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestFfix22FiltersWithoutPriors: Write refuses a model set with feature
// filters and no patch priors (Manifest.PatchPriors nil), which auto would
// have ignored silently; without the filters it writes. Fails on the old
// code (the folder was written).
func TestFfix22FiltersWithoutPriors(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior}); err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := ffSmallFilter()
	ms.FeatureFilters = []*FeatureFilter{f}
	ms.Manifest.FeatureFilters = []ModelFeatureFilter{featureFilterRecord(f, FeatureFilterOptions{}, 0)}
	want := "model set: feature filters feature_filter_1_0.npz without patch priors (Manifest.PatchPriors nil): a filter refines the patch-prior estimate; set Manifest.FeatureFilters to nil to write the models without them"
	if err := ms.Write(filepath.Join(t.TempDir(), "w")); err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("filters without priors:\n got %v\nwant %s", err, want)
	}
	ms.Manifest.FeatureFilters, ms.FeatureFilters = nil, nil
	if err := ms.Write(filepath.Join(t.TempDir(), "w")); err != nil {
		t.Errorf("without the filters: %v", err)
	}
}
