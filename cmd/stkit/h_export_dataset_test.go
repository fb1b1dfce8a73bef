package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// copyTree copies the regular files of the folder src (recursively) to dst
// (testutil.CopyTree).
func copyTree(t *testing.T, src, dst string) { testutil.CopyTree(t, src, dst) }

// TestExportRecordedDatasetGone: export without --dataset, of a run whose
// dataset was moved after training, failed with "export: dataset:
// DS/manifest.json: not found", which did not say that DS is the run's
// record nor what to do. It now names the run, the recorded dataset and
// --dataset (exit 2, no model folder); with --dataset at the new place the
// export runs (control).
func TestExportRecordedDatasetGone(t *testing.T) {
	tmp := t.TempDir()
	ds, moved, run, out := filepath.Join(tmp, "ds"), filepath.Join(tmp, "ds-moved"), filepath.Join(tmp, "run"), filepath.Join(tmp, "m")
	copyTree(t, filepath.Join(modelsFixture(t), "ds"), ds)
	if code, _, errs := runCLI(t, "train", ds, "-o", run, "--clusters", "2", "--epochs", "2", "--seed", "3",
		"--z", "4", "--h", "32", "--layers", "1", "--batch", "32"); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, errs)
	}
	if err := os.Rename(ds, moved); err != nil {
		t.Fatal(err)
	}
	wantBadInput(t, []string{"export", run, "-o", out, "--samples", "10"},
		"run "+run+" was trained on the dataset "+ds+" (recorded in "+filepath.Join(run, "run.json")+"), which is not found (moved or deleted?): give the dataset folder with --dataset", out)
	if code, _, errs := runCLI(t, "export", run, "-o", out, "--samples", "10", "--dataset", moved); code != 0 {
		t.Fatalf("export --dataset %s: exit %d\n%s", moved, code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err != nil {
		t.Errorf("export --dataset: %v", err)
	}
}
