package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// clusters --no-plots left the figures of an earlier run with the same -o
// in place without a word, out of date; it now notes them on stderr (and
// leaves them: they are the user's files).
func TestClustersNoPlotsNotesStaleFigures(t *testing.T) {
	dir := modelsFixture(t)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "a.csv")
	mosaic := filepath.Join(tmp, "a_mosaic.png")
	if err := os.WriteFile(mosaic, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "clusters", filepath.Join(dir, "run"), filepath.Join(dir, "ds"), "-o", out, "--no-plots")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	want := "clusters: note: " + mosaic + " is from an earlier run, not rewritten with --no-plots"
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, tail(errs, 600))
	}
	if b, err := os.ReadFile(mosaic); err != nil || string(b) != "old" {
		t.Errorf("the earlier figure was changed: %q, %v", b, err)
	}
	// no earlier figures: no note
	code, _, errs = runCLI(t, "clusters", filepath.Join(dir, "run"), filepath.Join(dir, "ds"), "-o", filepath.Join(tmp, "b.csv"), "--no-plots")
	if code != 0 || strings.Contains(errs, "earlier run") {
		t.Errorf("exit %d, %s", code, tail(errs, 400))
	}
}
