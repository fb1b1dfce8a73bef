package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// pfixcli22: --patch-prior auto with a --start on a folder with patch
// priors for both components ran the statistics and said only "method:
// statistics". The line says that --start turned the priors off; without
// --start, or with --patch-prior off, it is as before.
func TestPfixcli22StartTurnsPriorsOff(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix, truth := filepath.Join(dir, "mix.npy"), filepath.Join(dir, "truth.npy")
	code, _, errs := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "a.npy"), "--start", truth, "--steps", "0,1")
	want := "separate: method: statistics (--start turned the folder's patch priors off: --patch-prior auto uses them only without a --start, whose maps are then the starting point; drop --start to separate with them)\n"
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("auto with --start: exit %d, want %q\n%s", code, want, tail(errs, 1500))
	}
	code, _, errs = runCLI(t, "separate", mix, "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "b.npy"), "--start", truth, "--steps", "0,1", "--patch-prior", "off")
	if code != 0 || !strings.Contains(errs, "separate: method: statistics\n") {
		t.Errorf("--patch-prior off with --start: exit %d\n%s", code, tail(errs, 1500))
	}
	code, _, errs = runCLI(t, "separate", mix, "--models", pp, "--components", "0,noise:0.5", "-o", filepath.Join(work, "c.npy"), "--start", truth, "--steps", "0,1")
	if code != 0 || !strings.Contains(errs, "separate: method: statistics\n") {
		t.Errorf("auto with --start, a noise component (no prior could serve): exit %d\n%s", code, tail(errs, 1500))
	}
}
