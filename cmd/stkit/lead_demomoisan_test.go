package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// The demo cuts its patches with --window moisan: each patch's periodic
// component, so the statistics the models describe carry no edge jump and
// the samples of step 6 no facets (with plain cuts its Gaussian sample's
// interior pixel-difference kurtosis was 5.5–14, 0.05–0.19 with moisan;
// accuracy 0.995 → 1.000, separation of pair 0 0.689/0.958 → 0.667/0.950).
func TestDemoPatchesMoisan(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := runCLI(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "1", "--steps", "2"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, tail(errs, 800))
	}
	man, err := datasets.ReadManifest(filepath.Join(dir, "dataset"))
	if err != nil {
		t.Fatal(err)
	}
	if man.Patch.Window != "moisan" {
		t.Errorf("demo dataset window %q, want moisan", man.Patch.Window)
	}
}
