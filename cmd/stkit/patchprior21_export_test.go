package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestPatchPrior21ExportCLI: stkit export --patch-prior (scaled down: K 3,
// ≤ 1500 rows) writes patch_prior_<k>.npz, records them in the manifest
// and says each fit's time; without the flag the folder has none; bad
// --patch-prior-k/rows are refused.
func TestPatchPrior21ExportCLI(t *testing.T) {
	dir := modelsFixture(t)
	out := filepath.Join(t.TempDir(), "pp")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", out, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500")
	if code != 0 {
		t.Fatalf("export --patch-prior: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"export: patch prior of component 0 (1 of 2): 1500 sub-patch rows, ", "patch priors: K 3 Gaussians on 8×8 sub-patches, ≤ 1500 rows per component (patch_prior_0.npz, patch_prior_1.npz)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	ms, err := infer.LoadModels(out)
	if err != nil {
		t.Fatal(err)
	}
	if !ms.HasPatchPriors(0, 1) {
		t.Fatalf("no patch priors recorded: %+v", ms.Manifest.PatchPriors)
	}
	for _, f := range []string{"patch_prior_0.npz", "patch_prior_1.npz"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	plain, err := infer.LoadModels(filepath.Join(dir, "models"))
	if err != nil || plain.Manifest.PatchPriors != nil {
		t.Errorf("export without --patch-prior: patch priors %+v (%v)", plain.Manifest.PatchPriors, err)
	}
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(t.TempDir(), "x"), "--patch-prior", "--patch-prior-k", "10", "--patch-prior-rows", "15"},
		"--patch-prior-k 10, --patch-prior-rows 15: want k ≥ 1 and rows ≥ 2·k", filepath.Join(t.TempDir(), "x"))
}
