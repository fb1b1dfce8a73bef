package infer

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestFix6FiltersWithoutPriorsLoad: a hand-edited manifest listing a
// feature filter but no patch_priors still loads (its statistics models
// are usable), but the filter is refused where it would be used —
// LoadFeatureFilters, FeatureFilterFor and separation in patch-prior mode
// auto — as Write refuses writing it (1436130), instead of auto running
// the statistics and ignoring the filter silently; --feature-filter off
// (or --patch-prior off, or a Start) runs the statistics. Fails on the old
// code (the filter loaded, auto chose the statistics without a word).
func TestFix6FiltersWithoutPriorsLoad(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior}); err != nil {
		t.Fatal(err)
	}
	plain, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	comps := []SepComponent{{Name: "a", Model: plain.Components[0]}, {Name: "b", Model: plain.Components[1]}}
	if m, err := modelSepPatchPrior(context.Background(), plain, nil, comps, &ModelSepOptions{}); err != nil || m != MethodStatistics {
		t.Fatalf("folder without priors or filters: %q, %v; want the statistics", m, err)
	}
	// the hand edit: a filter (file and record) without patch priors
	f := ffSmallFilter()
	if err := f.Save(filepath.Join(dir, "feature_filter_1_0.npz")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ModelManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["feature_filters"] = []ModelFeatureFilter{featureFilterRecord(f, FeatureFilterOptions{}, 0)}
	if b, err = json.MarshalIndent(doc, "", " "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatalf("the folder should load: %v", err)
	}
	want := path + ": feature_filters feature_filter_1_0.npz without patch_priors: a filter refines the patch-prior estimate (re-export the models with --patch-prior and --feature-filter, or separate with --feature-filter off)"
	if fs, err := ms.LoadFeatureFilters(); fs != nil || err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("LoadFeatureFilters: %v, %v\nwant %s", fs, err, want)
	}
	if g, err := ms.FeatureFilterFor(0, 1); g != nil || err == nil || err.Error() != want {
		t.Errorf("FeatureFilterFor: %v, %v\nwant %s", g, err, want)
	}
	comps = []SepComponent{{Name: "a", Model: ms.Components[0]}, {Name: "b", Model: ms.Components[1]}}
	for _, mode := range []string{"", "auto"} {
		if m, err := modelSepPatchPrior(context.Background(), ms, nil, comps, &ModelSepOptions{PatchPrior: mode}); m != "" || err == nil || err.Error() != want {
			t.Errorf("patch prior %q: method %q, %v\nwant %s", mode, m, err, want)
		}
	}
	for _, opt := range []ModelSepOptions{{FeatureFilter: "off"}, {PatchPrior: "off"}, {Start: stlayer.NewMaps(2, 32, 32)}} {
		if m, err := modelSepPatchPrior(context.Background(), ms, nil, comps, &opt); err != nil || m != MethodStatistics {
			t.Errorf("patch prior %q, feature filter %q, start %v: %q, %v; want the statistics", opt.PatchPrior, opt.FeatureFilter, opt.Start != nil, m, err)
		}
	}
}
