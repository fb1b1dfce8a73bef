package infer

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ffixFolder exports tinyRun's models with patch priors and a quick
// feature filter for the pair 0,1 into a temporary folder and loads it.
func ffixFolder(t *testing.T) (string, *ModelSet) {
	t.Helper()
	fx := tinyRun(t)
	dir := t.TempDir()
	fo := FeatureFilterOptions{Mixtures: 4, Features: "d,pp", Stride: 4, J: 2}
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior,
		PatchPrior: &PatchPriorOptions{K: 3, MaxRows: 1500, Iters: 15}, FeatureFilter: [][2]int{{0, 1}}, FeatureFilterOptions: fo}); err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, ms
}

// TestFfix22PriorsRecorded: the feature filter's manifest record holds the
// K, P and SHA-256 of the two patch priors it was fitted with (as written);
// a copy written by Write loads; a prior swapped by hand in the folder, or
// replaced in ModelSet.PatchPriors before Write, is refused with an error
// naming both files; a record without Priors (older folders) loads as
// before. The benchmark's cache (heldOutCachedFilter) reuses a filter only
// with the same record of priors. Fails on the old code (nothing recorded,
// the swap unnoticed, the cache reused for any priors).
func TestFfix22PriorsRecorded(t *testing.T) {
	dir, ms := ffixFolder(t)
	pps, err := ms.LoadPatchPriors()
	if err != nil || pps[0] == nil || pps[1] == nil {
		t.Fatalf("priors %v, %v", pps, err)
	}
	rec := ms.Manifest.FeatureFilters[0]
	if len(rec.Priors) != 2 {
		t.Fatalf("record's priors %+v", rec.Priors)
	}
	for i, k := range []int{0, 1} {
		sum, err := fileSHA256(filepath.Join(dir, ms.Manifest.PatchPriors.Files[k]))
		if err != nil {
			t.Fatal(err)
		}
		if p := rec.Priors[i]; p.Component != k || p.K != pps[k].K || p.P != 6 || p.SHA256 != sum {
			t.Errorf("prior %d: record %+v, want component %d, K %d, P 6, sha256 %s", i, p, k, pps[k].K, sum)
		}
	}
	// a loaded folder written elsewhere keeps the same prior bytes
	cp := filepath.Join(t.TempDir(), "copy")
	if err := ms.Write(cp); err != nil {
		t.Fatal(err)
	}
	cms, err := LoadModels(cp)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := cms.FeatureFilterFor(0, 1); err != nil || f == nil {
		t.Fatalf("copy: %v, %v", f, err)
	}
	// swapped by hand: component 1's prior copied over component 0's
	b, err := os.ReadFile(filepath.Join(cp, "patch_prior_1.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cp, "patch_prior_0.npz"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum1, _ := fileSHA256(filepath.Join(cp, "patch_prior_1.npz"))
	cms, err = LoadModels(cp)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(cp, "feature_filter_0_1.npz") + " was fitted with another patch prior: " + filepath.Join(cp, "patch_prior_0.npz") + " (sha256 " + sum1 +
		") is not the one it records for component 0 (K " + strconv.Itoa(rec.Priors[0].K) + ", P 6, sha256 " + rec.Priors[0].SHA256 +
		"): re-export with --feature-filter, or separate with --feature-filter off"
	if _, err := cms.FeatureFilterFor(0, 1); err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("swapped prior:\n got %v\nwant %s", err, want)
	}
	// replaced in memory before Write
	ms2, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ms2.LoadPatchPriors(); err != nil {
		t.Fatal(err)
	}
	q := *ms2.PatchPriors[1]
	q.Means = slices.Clone(q.Means)
	q.Means[0] += 1
	ms2.PatchPriors[1] = &q
	if err := ms2.Write(filepath.Join(t.TempDir(), "w")); err == nil || !errors.Is(err, ErrModelInput) ||
		!strings.HasPrefix(err.Error(), "model set: feature_filter_0_1.npz was fitted with another patch prior: patch_prior_1.npz (sha256 ") {
		t.Errorf("refitted prior written: %v", err)
	}
	// an older record without priors: loads unchecked, as before
	var man map[string]any
	mb, err := os.ReadFile(filepath.Join(cp, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mb, &man); err != nil {
		t.Fatal(err)
	}
	delete(man["feature_filters"].([]any)[0].(map[string]any), "patch_priors")
	mb, _ = json.Marshal(man)
	if err := os.WriteFile(filepath.Join(cp, ModelManifestFile), mb, 0o644); err != nil {
		t.Fatal(err)
	}
	if cms, err = LoadModels(cp); err != nil {
		t.Fatal(err)
	}
	if f, err := cms.FeatureFilterFor(0, 1); err != nil || f == nil {
		t.Errorf("old record: %v, %v", f, err)
	}
	// the benchmark's cache: reused only with the same priors
	f, err := ms.FeatureFilterFor(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "feature_filter_0_1.npz")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	if g, why := heldOutCachedFilter(path, rec.Priors, 0, 1); g != nil || !strings.HasPrefix(why, "no record of its patch priors") {
		t.Errorf("cache without record: %v, %q", g, why)
	}
	if err := saveHeldOutFilter(path, f, rec.Priors); err != nil {
		t.Fatal(err)
	}
	if g, why := heldOutCachedFilter(path, rec.Priors, 0, 1); g == nil || why != "" || !slices.Equal(g.Weights, f.Weights) {
		t.Errorf("cache, same priors: %v, %q", g, why)
	}
	other, err := featureFilterPriors([]*PatchPrior{pps[0], &q}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if g, why := heldOutCachedFilter(path, other, 0, 1); g != nil || why != "fitted with other patch priors" {
		t.Errorf("cache, other priors: %v, %q", g, why)
	}
}
