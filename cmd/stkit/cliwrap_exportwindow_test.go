package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// export --force took a dataset cut with another patch window than the run's
// training patches (patches --window tukey --alpha 1 against none) without a
// word about the window; without --force it was refused for its fingerprint
// only. Both now name the windows (refused, exit 2, nothing written; with
// --force a warning on stderr, as clusters warns), and the run's own dataset
// gets no such line. train --resume names the windows in its refusal.
func TestExportOtherPatchWindow(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, errs := runCLI(t, append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "1"}, tinyTrain...)...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, tail(errs, 600))
	}
	noise, smooth := twoSourceMaps(t, dir)
	windowed := filepath.Join(dir, "ds-tukey")
	if code, _, errs := runCLI(t, "patches", noise, smooth, "-o", windowed, "--size", "32", "--stride", "16", "--window", "tukey", "--alpha", "1"); code != 0 {
		t.Fatalf("patches --window tukey: exit %d: %s", code, tail(errs, 600))
	}
	want := "dataset " + windowed + "'s patches were cut with a Tukey window (α = 1), the run's training patches with no window"
	refused := filepath.Join(dir, "m-refused")
	wantBadInput(t, []string{"export", run, "--dataset", windowed, "-o", refused, "--samples", "4"}, want+" (stkit patches --window, --alpha)", refused)
	code, _, errs := runCLI(t, "export", run, "--dataset", windowed, "-o", filepath.Join(dir, "m-forced"), "--samples", "4", "--force")
	if code != 0 || !strings.Contains(errs, "export: warning: "+want) {
		t.Errorf("export --force of the windowed dataset: exit %d, stderr lacks the warning %q:\n%s", code, want, tail(errs, 800))
	}
	// train --resume on the windowed dataset was refused by fingerprint alone; the
	// refusal now names the windows too.
	wantBadInput(t, []string{"train", windowed, "-o", run, "--resume", "--epochs", "2"}, "its patches were cut with a Tukey window (α = 1), the run's with no window (stkit patches --window, --alpha)")
	own := filepath.Join(dir, "m-own")
	code, _, errs = runCLI(t, "export", run, "-o", own, "--samples", "4")
	if code != 0 || strings.Contains(errs, "window") {
		t.Errorf("export of the run's own dataset: exit %d, stderr mentions a window:\n%s", code, tail(errs, 800))
	}
	if _, err := os.Stat(filepath.Join(own, "manifest.json")); err != nil {
		t.Errorf("export of the run's own dataset wrote no manifest: %v", err)
	}
}
