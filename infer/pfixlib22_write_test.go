package infer

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestPfixlib22WriteMissingPriorHint: writing elsewhere a loaded model
// folder whose manifest names a patch-prior file that is missing failed
// with the separation hint '(re-export the models, or separate with
// --patch-prior off)', a flag of stkit separate that Write has no use for.
// Write's error now names the library option that fits the priors and the
// way to write the folder without them.
func TestPfixlib22WriteMissingPriorHint(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 4, Seed: 3, Latent: LatentPosterior}); err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	ms.Manifest.PatchPriors = &ModelPatchPriors{Files: []string{"patch_prior_0.npz", ""}, P: 6, K: 3}
	err = ms.Write(filepath.Join(t.TempDir(), "copy"))
	want := "component 0: patch prior " + filepath.Join(dir, "patch_prior_0.npz") + ": "
	hint := " (the folder's patch priors go with it: re-export the models with ExportOptions.PatchPrior, or set Manifest.PatchPriors to nil to write them without)"
	if err == nil || !errors.Is(err, ErrModelInput) || len(err.Error()) < len(want)+len(hint) || err.Error()[:len(want)] != want || err.Error()[len(err.Error())-len(hint):] != hint {
		t.Errorf("Write with a missing prior file: err %v\nwant %s…%s", err, want, hint)
	}
}
