package infer

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRev324RewriteIncompleteFolder: ModelSet.Write's doc says an install
// into an existing folder that fails at a rename (ErrModelFolderIncomplete,
// "write the models again") or is killed leaves the folder without a
// manifest.json until the models are written again. A folder with patch
// priors and a feature filter left so (their files renamed in, no
// manifest) was refused by the next Write ("is not a model folder (no
// manifest.json) and holds other files (feature_filter_0_1.npz,
// patch_prior_0.npz, patch_prior_1.npz)"): checkModelDir counted only
// component_<k>.npz files as a model folder's. Written again, it loads.
func TestRev324RewriteIncompleteFolder(t *testing.T) {
	dir, ms := ffixFolder(t)
	if _, err := ms.LoadPatchPriors(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, ModelManifestFile)); err != nil {
		t.Fatal(err)
	}
	if err := ms.Write(dir); err != nil {
		t.Fatalf("writing the models again into the folder left without a manifest: %v", err)
	}
	if _, err := LoadModels(dir); err != nil {
		t.Fatal(err)
	}
}
