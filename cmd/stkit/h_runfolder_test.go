package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunFolderErrors: export given a folder that is no training run (a
// patch dataset, a model folder, an empty folder) failed with "run DS:
// checkpoints: DS: no checkpoint found"; it now says what the folder is, as
// clusters does (exit 2, no model folder made). clusters refused the run's
// checkpoints/ folder, which export takes; it now takes it too, with the same
// assignments as the run folder.
func TestRunFolderErrors(t *testing.T) {
	dir := modelsFixture(t)
	ds, run, models := filepath.Join(dir, "ds"), filepath.Join(dir, "run"), filepath.Join(dir, "models")
	tmp := t.TempDir()
	empty := filepath.Join(tmp, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "m")
	for _, c := range []struct{ run, what string }{
		{ds, "is a patch dataset (stkit patches), not a training run"},
		{models, "is a model folder (stkit export), not a training run"},
		{empty, "is not a training run"},
	} {
		want := "run " + c.run + " " + c.what + " (no checkpoints/ folder; make one with stkit train)"
		wantBadInput(t, []string{"export", c.run, "-o", out}, want, out)
		wantBadInput(t, []string{"clusters", c.run, ds, "-o", filepath.Join(tmp, "a.csv")}, want, filepath.Join(tmp, "a.csv"))
	}

	a, b := filepath.Join(tmp, "a.csv"), filepath.Join(tmp, "b.csv")
	if code, _, errs := runCLI(t, "clusters", run, ds, "-o", a, "--no-plots"); code != 0 {
		t.Fatalf("clusters RUN: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, "clusters", filepath.Join(run, "checkpoints"), ds, "-o", b, "--no-plots"); code != 0 {
		t.Fatalf("clusters RUN/checkpoints: exit %d\n%s", code, errs)
	}
	ra, _ := os.ReadFile(a)
	rb, _ := os.ReadFile(b)
	if len(ra) == 0 || !bytes.Equal(ra, rb) {
		t.Errorf("clusters RUN/checkpoints: assignments differ from RUN's (%d and %d bytes)", len(ra), len(rb))
	}
	if n := strings.Count(string(ra), "\n"); n < 2 {
		t.Errorf("assignments: %d lines", n)
	}
}
