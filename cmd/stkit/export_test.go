package main

import (
	"fmt"
	"github.com/stkit-org/stkit/internal/testutil"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// export hands MODELDIR to the library, whose ModelSet.Write builds the
// folder beside it and installs it when complete (infer's
// TestWriteModelFolderAtomic injects a full disk half-way): a failed export
// exits 1 saying nothing was changed and leaves the earlier export as it
// was; a complete one replaces the components, drops the stale ones, keeps
// other files and removes the temporary folder a killed export left; a
// folder of other files is refused (exit 2) before any work.
func TestExportKeepsEarlierModelsOnFailure(t *testing.T) {
	ms, err := infer.LoadModels(filepath.Join(modelsFixture(t), "models"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755)
	os.WriteFile(filepath.Join(run, "run.json"), []byte("{}\n"), 0o644)
	models := filepath.Join(dir, "models")
	files := testutil.DirFiles
	var wrote string
	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) {
		wrote = d
		return ms, ms.Write(d)
	})
	if code, _, errs := runCLI(t, "export", run, "-o", models); code != 0 || wrote != models {
		t.Fatalf("export: exit %d, wrote %s (want %s)\n%s", code, wrote, models, errs)
	}
	c0, _ := os.ReadFile(filepath.Join(models, "component_0.npz"))
	os.WriteFile(filepath.Join(models, "component_5.npz"), c0, 0o644)
	os.WriteFile(filepath.Join(models, "notes.txt"), []byte("mine"), 0o644)
	before := files(models)

	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) {
		return nil, &os.PathError{Op: "write", Path: filepath.Join(d, "component_1.npz"), Err: syscall.ENOSPC}
	})
	if code, _, errs := runCLI(t, "export", run, "-o", models); code != 1 || !strings.Contains(errs, "nothing in it was changed") {
		t.Errorf("failed export: exit %d (want 1)\n%s", code, errs)
	}
	if !maps.Equal(files(models), before) {
		t.Error("a failed export changed the model folder")
	}

	// A killed export's temporary folder is removed by the next export.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(dir, fmt.Sprintf(".models.export-%d-42", dead.Process.Pid))
	os.MkdirAll(leftover, 0o755)
	os.WriteFile(filepath.Join(leftover, "component_0.npz"), []byte("half"), 0o644)
	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) { return ms, ms.Write(d) })
	if code, _, errs := runCLI(t, "export", run, "-o", models); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	got := files(models)
	if _, ok := got["component_5.npz"]; ok || got["notes.txt"] != "mine" || len(got) != 4 {
		t.Errorf("after a re-export the model folder holds %v, want component_0/1.npz, manifest.json and notes.txt", slices.Sorted(maps.Keys(got)))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("beside the model folder: %d entries, want run and models (temporary folder left?)", len(ents))
	}
	if _, err := infer.LoadModels(models); err != nil {
		t.Errorf("re-exported models: %v", err)
	}

	// A folder of other files is refused by the library before any work.
	stubExport(t, infer.ExportModels)
	other := filepath.Join(dir, "results")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if code, _, errs := runCLI(t, "export", run, "-o", other); code != 2 || !strings.Contains(errs, "holds other files (notes.txt)") {
		t.Errorf("export into a folder of other files: exit %d (want 2)\n%s", code, errs)
	}
	if got := files(other); len(got) != 1 {
		t.Errorf("the refused export wrote into %s: %v", other, slices.Sorted(maps.Keys(got)))
	}
}
