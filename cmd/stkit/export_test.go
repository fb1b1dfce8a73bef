package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// stubExport replaces exportModels for one test.
func stubExport(t *testing.T, f func(run, dataset, dir string, opt infer.ExportOptions) (*infer.ModelSet, error)) {
	t.Helper()
	old := exportModels
	exportModels = f
	t.Cleanup(func() { exportModels = old })
}

// An export that fails part way through writing (here: disk full after the
// first component) leaves an earlier export in MODELDIR as it was: before,
// the model set was written into MODELDIR itself, whose manifest was removed
// first, so a full disk turned the earlier models into "not a model folder"
// (seen with a 1.2 MB tmpfs). A complete export replaces the old manifest and
// components, drops old components it does not have, keeps other files and
// leaves no temporary folder.
func TestExportKeepsEarlierModelsOnFailure(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755)
	os.WriteFile(filepath.Join(run, "run.json"), []byte("{}\n"), 0o644)
	models := filepath.Join(dir, "models")
	os.Mkdir(models, 0o755)
	old := map[string]string{
		"manifest.json":   `{"format": "stkit-component-models", "version": 1, "n": "old"}`,
		"component_0.npz": "old 0",
		"component_3.npz": "old 3",
		"notes.txt":       "mine",
	}
	for n, b := range old {
		os.WriteFile(filepath.Join(models, n), []byte(b), 0o644)
	}
	files := func() map[string]string {
		out := map[string]string{}
		ents, _ := os.ReadDir(models)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(models, e.Name()))
			out[e.Name()] = string(b)
		}
		return out
	}
	leftovers := func() {
		t.Helper()
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), "export") {
				t.Errorf("temporary folder left: %s", e.Name())
			}
		}
	}
	var wrote string
	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) {
		wrote = d
		os.WriteFile(filepath.Join(d, "component_0.npz"), []byte("new 0"), 0o644)
		return nil, &os.PathError{Op: "write", Path: filepath.Join(d, "component_1.npz"), Err: syscall.ENOSPC}
	})
	code, _, errs := runCLI(t, "export", run, "-o", models)
	if code != 1 || !strings.Contains(errs, "nothing in it was changed") {
		t.Errorf("failed export: exit %d (want 1)\n%s", code, errs)
	}
	if filepath.Dir(wrote) != dir || wrote == models {
		t.Errorf("the export wrote into %s, want a temporary folder beside %s", wrote, models)
	}
	got := files()
	for n, b := range old {
		if got[n] != b {
			t.Errorf("after a failed export %s holds %q, want %q", n, got[n], b)
		}
	}
	leftovers()

	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) {
		for n, b := range map[string]string{"component_0.npz": "new 0", "component_1.npz": "new 1",
			"manifest.json": `{"format": "stkit-component-models", "version": 1, "n": "new"}`} {
			if err := os.WriteFile(filepath.Join(d, n), []byte(b), 0o644); err != nil {
				return nil, err
			}
		}
		return &infer.ModelSet{Dir: d, Manifest: &infer.ModelManifest{}}, nil
	})
	if code, _, errs := runCLI(t, "export", run, "-o", models); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	want := map[string]string{"component_0.npz": "new 0", "component_1.npz": "new 1", "notes.txt": "mine",
		"manifest.json": `{"format": "stkit-component-models", "version": 1, "n": "new"}`}
	got = files()
	if len(got) != len(want) {
		t.Errorf("model folder holds %v, want %v", got, want)
	}
	for n, b := range want {
		if got[n] != b {
			t.Errorf("after the export %s holds %q, want %q", n, got[n], b)
		}
	}
	leftovers()

	// A new folder (with missing parents): one rename; a failure creates nothing.
	fresh := filepath.Join(dir, "a", "b", "models")
	if code, _, _ := runCLI(t, "export", run, "-o", fresh); code != 0 {
		t.Fatalf("export to a new folder: exit %d", code)
	}
	if got, _ := os.ReadFile(filepath.Join(fresh, "component_1.npz")); string(got) != "new 1" {
		t.Errorf("new folder: component_1.npz holds %q", got)
	}
	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) {
		return nil, errors.New("boom")
	})
	if code, _, _ := runCLI(t, "export", run, "-o", filepath.Join(dir, "c", "d", "models")); code != 1 {
		t.Errorf("failing export: exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "c")); err == nil {
		t.Error("a failed export left the parent folders it made")
	}
}
