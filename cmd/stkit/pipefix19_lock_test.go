package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/dirlock"
)

// TestPipefix19ReportLocked: the --report folder of synth, sample and
// separate (plain and --models) is locked as patches' and train's -o: a
// run into a folder another stkit holds is refused, exit 2, naming it,
// and writes nothing there; synth's report is written with the lock
// taken and the lock is gone afterwards. Before, two synth … --report
// mrep at once both exited 0 with one run's metrics.json and the other's
// maps.png (pipe's report).
func TestPipefix19ReportLocked(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	rep := filepath.Join(dir, "rep")
	lock := filepath.Join(rep, dirlock.Name)
	holder := "stkit synth other.npy --report " + rep
	for _, args := range [][]string{
		{"synth", m, "-J", "2", "--steps", "2", "-o", filepath.Join(dir, "s.npy"), "--report", rep},
		{"sample", filepath.Join(dir, "models"), "--component", "0", "-o", filepath.Join(dir, "x.npy"), "--report", rep},
		{"separate", m, "--noise", m, "-o", filepath.Join(dir, "sep.npy"), "--report", rep},
		{"separate", m, "--models", filepath.Join(dir, "models"), "--components", "0,1", "-o", filepath.Join(dir, "sep.npy"), "--report", rep},
	} {
		locks18Hold(t, lock, os.Getpid(), holder)
		code, _, errs := runCLI(t, args...)
		if code != 2 || !strings.Contains(errs, "--report: another stkit (pid "+strconv.Itoa(os.Getpid())+", `"+holder+"`) is writing "+rep) {
			t.Errorf("%s into a locked --report: exit %d, want 2 naming the holder\n%s", args[0], code, tail(errs, 400))
		}
		if got := locks18Names(rep); len(got) != 1 {
			t.Errorf("%s: the refused run wrote into the folder: %v", args[0], got)
		}
		os.RemoveAll(rep)
	}
	args := []string{"synth", m, "-J", "2", "--steps", "2", "-o", filepath.Join(dir, "s.npy"), "--report", rep}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("synth --report: exit %d\n%s", code, tail(errs, 400))
	}
	got := locks18Names(rep)
	if slices.Contains(got, dirlock.Name) || !slices.Contains(got, "metrics.json") {
		t.Errorf("report folder after the run: %v", got)
	}
}
