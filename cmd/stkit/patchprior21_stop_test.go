package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// patchfix: Ctrl-C during separate --models' patch-prior estimate was
// ignored (the estimate ran on and OUT was written as finished, although
// the stop message said the maps reached go to the partial file). The
// estimate now stops, nothing is written and the run says so; exit 1.
func TestPatchPrior21SeparateStopped(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := filepath.Join(work, "pp")
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", pp, "--samples", "10", "--patch-prior", "--patch-prior-k", "2", "--patch-prior-rows", "500"); code != 0 {
		t.Fatalf("export --patch-prior: exit %d\n%s", code, errs)
	}
	out := filepath.Join(work, "a.npy")
	code, errs := runCancelled(t, "", "separate", filepath.Join(dir, "mix.npy"), "--models", pp, "--components", "0,1", "-o", out, "--report", filepath.Join(work, "rep"))
	if code != 1 || !strings.Contains(errs, "stopped during the patch-prior estimate: no map written ("+out+" not written, nor a partial file") ||
		!strings.Contains(errs, "stopped after 0 of 729 data patches") {
		t.Fatalf("exit %d, want 1 and the stop during the estimate\n%s", code, errs)
	}
	ents, _ := os.ReadDir(work)
	for _, e := range ents {
		if e.Name() != "pp" {
			t.Errorf("%s written by a run stopped during the estimate", e.Name())
		}
	}
}
