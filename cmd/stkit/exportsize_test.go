package main

import (
	"path/filepath"
	"testing"
)

// export --force --dataset of another patch size (16² patches for a run
// trained on 32²) wrote models whose statistics describe another scale;
// --force accepts another dataset of the run's patch size only, and the
// refusal names both sizes. Without --force the fingerprint is refused first.
func TestExportForceOtherPatchSize(t *testing.T) {
	dir := modelsFixture(t)
	tmp := t.TempDir()
	ds16 := filepath.Join(tmp, "ds16")
	if code, _, errs := runCLI(t, "patches", filepath.Join(dir, "noise.npy"), filepath.Join(dir, "smooth.npy"), "-o", ds16, "--size", "16", "--stride", "16", "-J", "3"); code != 0 {
		t.Fatalf("patches: exit %d: %s", code, tail(errs, 400))
	}
	out := filepath.Join(tmp, "models")
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", out, "--dataset", ds16, "--force", "--samples", "4"},
		"has 16² patches, the run was trained on 32² patches", out)
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", out, "--dataset", ds16, "--samples", "4"}, "fingerprint", out)
}
