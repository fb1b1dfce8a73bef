package main

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// TestFixa23ExportInterrupt: Ctrl-C (the run context cancelled once the
// patch prior of component 0 is reported) stops stkit export in the patch
// prior of component 1, before its first EM iteration: exit 1, a line
// saying where it stopped and that nothing was written, the earlier
// export in MODELDIR as it was, the lock file released and no temporary
// folder beside it; into a new MODELDIR the folder is not made. Fails on
// the old code (export took no context: the export ran to the end and
// replaced the models, exit 0; from a terminal Ctrl-C ended the process
// with "stkit: interrupt: stopped", leaving .MODELDIR.lock behind).
func TestFixa23ExportInterrupt(t *testing.T) {
	fx := modelsFixture(t)
	parent := t.TempDir()
	models := filepath.Join(parent, "models")
	if code, _, errs := runCLI(t, "export", filepath.Join(fx, "run"), "-o", models, "--samples", "20"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	before := testutil.DirFiles(models)
	args := []string{"export", filepath.Join(fx, "run"), "--samples", "20", "--seed", "2", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500"}
	code, errs := runCancelled(t, "export: patch prior of component 0 (1 of 2)", append(args, "-o", models)...)
	want := "interrupted: stopped during the patch priors: patch prior of component 1: patch prior: stopped after 0 of at most 40 EM iterations: context canceled; nothing written into " + models + " (its earlier export is kept as it was)"
	if code != 1 || !strings.Contains(errs, want) {
		t.Errorf("interrupted export: exit %d, want 1 and\n%s\ngot\n%s", code, want, errs)
	}
	if strings.Contains(errs, "export: wrote") || strings.Contains(errs, "patch prior of component 1 (2 of 2)") {
		t.Errorf("the interrupted export went on\n%s", errs)
	}
	if !maps.Equal(testutil.DirFiles(models), before) {
		t.Errorf("the interrupted export changed %s", models)
	}
	ents, _ := os.ReadDir(parent)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"models"}) {
		t.Errorf("beside the models after the interrupt: %v (lock file or temporary folder left?)", names)
	}

	fresh := filepath.Join(parent, "fresh")
	code, errs = runCancelled(t, "export: patch prior of component 0 (1 of 2)", append(args, "-o", fresh)...)
	if code != 1 || !strings.Contains(errs, "; nothing written into "+fresh+" (the folder is not made)") {
		t.Errorf("interrupted export into a new folder: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("the interrupted export made %s (%v)", fresh, err)
	}
}
