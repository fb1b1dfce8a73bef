package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClustersNotesOtherDatasetOneLabel: clusters on a dataset other than
// the run's (same ST configuration, other maps) and with a single source
// label (K = 2 > 1 label) works and says so: a line that the dataset is not
// the training one (the confusion then scores new patches) and a line that
// one label gives no confusion table or accuracy and how to get one; before,
// both were silent (no table, no accuracy, no word why). The summary's
// training_dataset records which case it was.
func TestClustersNotesOtherDatasetOneLabel(t *testing.T) {
	dir := modelsFixture(t)
	run := filepath.Join(dir, "run")
	tmp := t.TempDir()
	ds1 := filepath.Join(tmp, "noise-only")
	if code, _, errs := runCLI(t, "patches", filepath.Join(dir, "noise.npy"), "-o", ds1, "--size", "32", "--stride", "16"); code != 0 {
		t.Fatalf("patches: exit %d\n%s", code, tail(errs, 600))
	}
	out1 := filepath.Join(tmp, "one.csv")
	code, out, errs := runCLI(t, "clusters", run, ds1, "-o", out1, "--no-plots")
	if code != 0 {
		t.Fatalf("clusters: exit %d\n%s", code, tail(errs, 600))
	}
	for _, want := range []string{
		"dataset " + ds1 + " is not the dataset run " + run + " was trained on (" + filepath.Join(dir, "ds"),
		"its patches are assigned with the trained model",
		"one source label (" + filepath.Join(dir, "noise.npy") + "): no confusion table or accuracy, which need patches of two labels or more (the dataset has one source file)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "confusion (rows") {
		t.Errorf("a confusion table with one label:\n%s", out)
	}
	var sum map[string]any
	b, _ := os.ReadFile(strings.TrimSuffix(out1, ".csv") + "_summary.json")
	if err := json.Unmarshal(b, &sum); err != nil || sum["training_dataset"] != false {
		t.Errorf("summary: training_dataset %v (want false), %v", sum["training_dataset"], err)
	}

	// the training dataset: no note, training_dataset true
	out2 := filepath.Join(tmp, "two.csv")
	code, out, errs = runCLI(t, "clusters", run, filepath.Join(dir, "ds"), "-o", out2, "--no-plots")
	if code != 0 || strings.Contains(out, "is not the dataset") || strings.Contains(out, "one source label") || !strings.Contains(out, "confusion (rows") {
		t.Errorf("training dataset: exit %d\n%s\n%s", code, out, tail(errs, 400))
	}
	// the accuracy line says what it counts (it said "sources as labels",
	// wrong under --labels)
	if !strings.Contains(out, "best-match accuracy (fraction of the patches in the cluster matched to their label, 1 = perfect): ") {
		t.Errorf("accuracy line:\n%s", out)
	}
	// --labels that gives both sources one label says so
	code, out, _ = runCLI(t, "clusters", run, filepath.Join(dir, "ds"), "-o", filepath.Join(tmp, "three.csv"), "--no-plots", "--labels", `\.npy$`)
	if code != 0 || !strings.Contains(out, "one source label (.npy): no confusion table or accuracy, which need patches of two labels or more (--labels gives its 2 source files the same label: change it to tell the processes apart)") {
		t.Errorf("--labels with one label: exit %d\n%s", code, out)
	}
	b, _ = os.ReadFile(strings.TrimSuffix(out2, ".csv") + "_summary.json")
	if err := json.Unmarshal(b, &sum); err != nil || sum["training_dataset"] != true {
		t.Errorf("summary: training_dataset %v (want true), %v", sum["training_dataset"], err)
	}
}
