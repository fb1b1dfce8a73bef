package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/dirlock"
)

// modelunits20PartialLocked checks a command (synth or sample) against a
// DIR.partial held by another process's lock: an interrupted run (args,
// cancelled at trigger) writes its maps' partial file (nmaps maps), no
// report, says so and exits 1; a stale interrupted report in the locked
// DIR.partial is left by a complete run (complete), which says so in a
// note (kept by -q).
func modelunits20PartialLocked(t *testing.T, cmd, trigger string, args, complete []string, out, rep string, nmaps int) {
	t.Helper()
	part, prep := strings.TrimSuffix(out, ".npy")+".partial.npy", rep+".partial"
	// partial2: an earlier run's DIR.partial that stkit recorded writing (a
	// folder it did not record is not written to: DIR.partial-2 then)
	stale := []byte(`{"settings": {"interrupted": true}}`)
	if err := os.MkdirAll(prep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prep, "metrics.json"), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	recordPartialReport(io.Discard, cmd, nil, rep, prep)
	l, err := dirlock.Dir(prep, "stkit "+cmd+" other.npy -o other.npy --report "+prep)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	code, errs := runCancelled(t, trigger, args...)
	want := "; their report not written: --report: another stkit"
	if code != 1 || !strings.Contains(errs, "stkit: interrupted: wrote ") || !strings.Contains(errs, " to "+part+want) {
		t.Errorf("%s, DIR.partial locked: exit %d (want 1), want the maps in %s and %q in\n%s", cmd, code, part, want, tail(errs, 1200))
	}
	if got, err := datasets.ReadMaps(part); err != nil || got.B != nmaps {
		t.Errorf("%s: %s: %v %+v, want %d maps", cmd, part, err, got, nmaps)
	}
	for _, p := range []string{prep + "-2", out, rep} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s, DIR.partial locked: %s written (%v)", cmd, p, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(prep, "metrics.json")); string(b) != string(stale) {
		t.Errorf("%s, DIR.partial locked: its metrics.json was changed: %.80s", cmd, b)
	}

	// a stale interrupted report in the locked DIR.partial: left, said
	if err := os.WriteFile(filepath.Join(prep, "metrics.json"), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	// under -q too: a note, not an information line
	code, _, errs = runCLI(t, append([]string{"-q"}, complete...)...)
	left := cmd + ": note: left " + prep + ", the report of an earlier run stopped early: --report: another stkit"
	if code != 0 || !strings.Contains(errs, left) {
		t.Errorf("%s, complete run, DIR.partial locked: exit %d (want 0), want %q in\n%s", cmd, code, left, tail(errs, 1200))
	}
	if b, err := os.ReadFile(filepath.Join(prep, "metrics.json")); err != nil || string(b) != string(stale) {
		t.Errorf("%s: the locked DIR.partial's report was removed or changed (%v)", cmd, err)
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("%s: the stale partial maps %s left by the complete run (%v)", cmd, part, err)
	}
	if got, err := datasets.ReadMaps(out); err != nil || got.B < 1 {
		t.Errorf("%s: OUT after the complete run: %v %+v", cmd, err, got)
	}
	if _, err := os.Stat(filepath.Join(rep, "metrics.json")); err != nil {
		t.Errorf("%s: the complete run's report: %v", cmd, err)
	}
}

// synth and sample locked --report DIR but not DIR.partial, where a run
// stopped early writes its report (synthout20): a run whose --report is
// DIR.partial itself could write the same files at the same time. Now
// DIR.partial is locked when it is written (lockPartialReport, as separate
// does since sepout20) and when a stale one is removed
// (removeStalePartialLocked). On the old synth.go and sample.go the
// interrupted runs wrote DIR.partial/metrics.json under the other
// process's lock and exited with "… and their report (marked interrupted)
// to DIR.partial", and the complete runs removed the locked DIR.partial.
func TestModelunits20SynthPartialReportLocked(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, rep := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	base := []string{"synth", target, "-J", "3", "--steps", "12", "--seed", "4", "-o", out, "--report", rep}
	modelunits20PartialLocked(t, "synth", "synth: map 1 iteration 3 ", append(base, "-n", "3", "--log-every", "1"),
		append(base, "-n", "1"), out, rep, 2)
}

func TestModelunits20SamplePartialReportLocked(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	args := []string{"sample", models, "--component", "0", "-n", "2", "--steps", "3", "-o", out, "--report", rep, "--log-every", "1"}
	modelunits20PartialLocked(t, "sample", "sample: map 0 iteration 2 ", args, args, out, rep, 1)
}
