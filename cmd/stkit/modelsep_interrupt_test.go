package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Interrupting separate --models wrote the maps but no report and no
// --truth lines. It writes both, marked interrupted, and the summary says
// "interrupted", not "stopped early on the discrepancy stop: no"; exit 1.
// The maps go to s.partial.npy and the report to rep.partial (sepout20):
// -o s.npy and --report rep are not written.
func TestModelsepInterruptedReport(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	rep := filepath.Join(work, "rep.partial")
	out := filepath.Join(work, "s.partial.npy")
	code, errs := runCancelled(t, "separate: iteration 2 loss", "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,1",
		"-o", filepath.Join(work, "s.npy"), "--steps", "0,50", "--tau", "-1", "--report", filepath.Join(work, "rep"), "--truth", filepath.Join(dir, "truth.npy"), "--log-every", "1")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errs)
	}
	for _, want := range []string{"interrupted at iteration 2 of 50", "min r(k) over", "pixel correlation", "report: " + filepath.Join(rep, "metrics.json"),
		"wrote the maps reached to " + out + " and their report (marked interrupted) to " + rep + "; " +
			filepath.Join(work, "s.npy") + " and " + filepath.Join(work, "rep") + " not written (only a run that finishes writes them)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "stopped early on the discrepancy stop") || strings.Contains(errs, "ended: ") {
		t.Errorf("an interrupted run is reported as stopped/ended\n%s", errs)
	}
	m := readSepMetrics(t, rep)
	st := m["settings"].(map[string]any)
	if st["interrupted"] != true || st["ended"] != "interrupted at iteration 2 of 50" || m["iterations"].(float64) != 2 {
		t.Errorf("metrics.json: interrupted %v, ended %v, iterations %v", st["interrupted"], st["ended"], m["iterations"])
	}
	if v, _ := m["metrics"].([]any); len(v) != 2 {
		t.Errorf("metrics.json: %d per-component metrics, want 2", len(v))
	}
	for _, f := range []string{"maps.png", "r.png", "loss.png", "power_spectrum.png"} {
		if _, err := os.Stat(filepath.Join(rep, f)); err != nil {
			t.Errorf("report lacks %s", f)
		}
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no maps: %v", err)
	}
	for _, p := range []string{"s.npy", "rep"} {
		if _, err := os.Stat(filepath.Join(work, p)); !os.IsNotExist(err) {
			t.Errorf("%s written by an interrupted run (%v)", p, err)
		}
	}
}
