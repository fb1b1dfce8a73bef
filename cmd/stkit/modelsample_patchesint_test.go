package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPatchesInterruptSaysHowToContinue: patches had no interrupt handler, so Ctrl-C killed it
// with exit 130 and no message (the saved chunks were kept: a rerun said "resumed: 12 of 16
// chunks reused"). It now stops after the chunk under way (Ctrl-C: a cancelled run context,
// here right after the first chunk's progress line), exits 1 and says how many chunks are saved
// and how to continue; the same command then resumes after them and completes.
func TestPatchesInterruptSaysHowToContinue(t *testing.T) {
	dir := t.TempDir()
	src := writeSmallMap(t, dir, "m.npy")
	out := filepath.Join(dir, "ds")
	args := []string{"patches", src, "-o", out, "--size", "16", "--stride", "8", "--chunk", "3", "-J", "2"}
	code, errs := runCancelled(t, "features (3/9)", args...)
	want := "stkit: interrupted: 1 of 3 chunks of features saved in " + out + " (3 of 9 patches); run the same command again to continue after the last saved chunk"
	if code != 1 || !strings.Contains(errs, want) || strings.Contains(errs, "patches: wrote") {
		t.Fatalf("interrupted: exit %d (want 1) and %q in:\n%s", code, want, errs)
	}
	code, _, errs = runCLI(t, args...)
	if code != 0 || !strings.Contains(errs, "patches: resumed: 1 of 3 chunks reused (3 of 9 patches)") || !strings.Contains(errs, "patches: wrote "+out+" (9 patches") {
		t.Fatalf("rerun: exit %d, want 0, the resumed line and the dataset written:\n%s", code, errs)
	}
}
