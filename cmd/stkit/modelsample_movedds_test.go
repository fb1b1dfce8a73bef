package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleReportModelsWithoutDataset: sample --report on a model folder copied without its
// dataset said only "stkit: report: /tmp/…/ds2m/manifest.json: not found". It now says why the
// dataset is read (the report compares with the cluster's training patches, from the dataset the
// models record) and the remedy (--patches DATASET, or no --report), exit 2 with no output; with
// --patches naming the dataset the same command succeeds.
func TestSampleReportModelsWithoutDataset(t *testing.T) {
	dir := modelsFixture(t)
	cp := filepath.Join(t.TempDir(), "models")
	if err := os.MkdirAll(cp, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "models")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "manifest.json" {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			m["source"].(map[string]any)["dataset"] = filepath.Join(t.TempDir(), "moved-away")
			if b, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(cp, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	rep, s := filepath.Join(out, "rep"), filepath.Join(out, "s.npy")
	args := []string{"sample", cp, "--component", "0", "-n", "1", "--steps", "2", "-o", s, "--report", rep}
	wantBadInput(t, args, "read from the dataset the models record", s, rep)
	_, _, errs := runCLI(t, args...)
	for _, w := range []string{"training patches", "--patches DATASET", "fingerprint ", "leave out --report"} {
		if !strings.Contains(errs, w) {
			t.Errorf("message lacks %q:\n%s", w, errs)
		}
	}
	if code, _, errs := runCLI(t, append(args, "--patches", filepath.Join(dir, "ds"))...); code != 0 {
		t.Errorf("--patches with the dataset: exit %d\n%s", code, errs)
	}
}
