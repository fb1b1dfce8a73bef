package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// patches re-run on a dataset folder of another configuration refuses
// (exit 2) to discard it, complete or interrupted, naming what differs,
// unless --force; the same configuration is reused or resumed; temporaries a
// killed run left are removed, nothing else. Before, any changed flag
// silently recomputed the whole dataset (hours of features).
func TestPatchesOtherConfiguration(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	base := []string{"patches", m, "-o", ds, "--size", "32", "--stride", "16", "--kind", "wst", "--chunk", "4"}
	run := func(extra ...string) (int, string) {
		t.Helper()
		code, _, errs := runCLI(t, append(append([]string(nil), base...), extra...)...)
		return code, errs
	}
	if code, errs := run(); code != 0 {
		t.Fatalf("patches: exit %d\n%s", code, errs)
	}
	manifest := filepath.Join(ds, "manifest.json")
	orig, _ := os.ReadFile(manifest)
	features, _ := os.Stat(filepath.Join(ds, "features.npy"))

	// The same configuration (the default seed spelled out) reuses it.
	if code, errs := run("--seed", "5"); code != 0 || !strings.Contains(errs, "already holds this dataset, complete: reusing it") {
		t.Fatalf("same configuration: exit %d, want the reuse said\n%s", code, errs)
	}
	if st, _ := os.Stat(filepath.Join(ds, "features.npy")); !st.ModTime().Equal(features.ModTime()) {
		t.Error("a re-run with the same configuration rewrote features.npy")
	}
	code, errs := run("-J", "2", "--size", "16")
	if code != 2 || !strings.Contains(errs, "holds a complete patch dataset (9 patches × ") ||
		!strings.Contains(errs, "-J 3 → 2; --size 32 → 16") || !strings.Contains(errs, "add --force") {
		t.Errorf("another configuration: exit %d\n%s", code, errs)
	}
	if b, _ := os.ReadFile(manifest); string(b) != string(orig) {
		t.Error("the refused run changed the manifest")
	}

	// Interrupted (killed during chunk 1, leaving temporaries of its writes).
	var man datasets.DatasetManifest
	json.Unmarshal(orig, &man)
	man.Complete = false
	b, _ := json.Marshal(man)
	os.WriteFile(manifest, b, 0o644)
	os.Remove(filepath.Join(ds, "features.npy"))
	os.Remove(filepath.Join(ds, "features", "chunk_00001.npy"))
	stale := []string{".features.npy.tmp4242", filepath.Join("features", ".chunk_00001.npy.tmp17")}
	kept := []string{".notes.txt.tmp1", "notes.txt"}
	for _, p := range append(append([]string(nil), stale...), kept...) {
		os.WriteFile(filepath.Join(ds, p), []byte("x"), 0o644)
	}
	if code, errs := run("--kind", "scov"); code != 2 || !strings.Contains(errs, "holds an unfinished patch dataset (2 of 3 feature chunks computed)") ||
		!strings.Contains(errs, "--kind wst → scov") {
		t.Errorf("interrupted dataset, another configuration: exit %d\n%s", code, errs)
	}
	for _, p := range stale {
		if _, err := os.Stat(filepath.Join(ds, p)); err != nil {
			t.Errorf("the refused run removed %s", p)
		}
	}
	if code, errs := run("--chunk", "8"); code != 0 || !strings.Contains(errs, "continued with its chunk size 4 (--chunk 8") ||
		!strings.Contains(errs, "holds this dataset, interrupted: resuming it") {
		t.Fatalf("resume: exit %d\n%s", code, errs)
	}
	if f, err := datasets.LoadFeatures(ds); err != nil || f.Manifest.N != 9 {
		t.Fatalf("resumed dataset: %v", err)
	}
	for _, p := range stale {
		if _, err := os.Stat(filepath.Join(ds, p)); err == nil {
			t.Errorf("stale temporary %s kept", p)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(filepath.Join(ds, p)); err != nil {
			t.Errorf("%s removed", p)
		}
	}

	// --force recomputes.
	if code, errs := run("-J", "2", "--force"); code != 0 || !strings.Contains(errs, "--force: discarding a complete patch dataset") {
		t.Fatalf("--force: exit %d\n%s", code, errs)
	}
	if f, err := datasets.LoadFeatures(ds); err != nil || f.Manifest.Spec.J != 2 {
		t.Fatalf("recomputed dataset: %v", err)
	}
}

// A map with NaN pixels: patches refuses it (exit 2, nothing written) and
// names the flag that leaves such patches out; with --skip-nan it counts them.
func TestPatchesNaNNamesFlag(t *testing.T) {
	dir := t.TempDir()
	a := &datasets.Array{DType: "float64", Shape: []int{64, 64}, Float64: make([]float64, 64*64)}
	for i := range a.Float64 {
		a.Float64[i] = float64((i*7919)%113) / 113
	}
	a.Float64[5] = math.NaN()
	m := filepath.Join(dir, "nan.npy")
	if err := datasets.WriteNPY(m, a); err != nil {
		t.Fatal(err)
	}
	ds := filepath.Join(dir, "ds")
	code, _, errs := runCLI(t, "patches", m, "-o", ds, "--size", "32", "--kind", "wst", "-J", "2")
	if w := "nan.npy: patch at map 0, row 0, column 0 has non-finite pixels (use --skip-nan to drop such patches)"; code != 2 || !strings.Contains(errs, w) {
		t.Errorf("NaN map: exit %d, want 2 and %q\n%s", code, w, errs)
	}
	if _, err := os.Stat(ds); err == nil {
		t.Error("the refused run created the dataset folder")
	}
	code, _, errs = runCLI(t, "patches", m, "-o", ds, "--size", "32", "--kind", "wst", "-J", "2", "--skip-nan")
	if code != 0 || !strings.Contains(errs, "1 skipped for non-finite pixels") {
		t.Errorf("--skip-nan: exit %d\n%s", code, errs)
	}
}
