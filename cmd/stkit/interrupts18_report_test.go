package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// interrupts18Settings reads DIR/metrics.json and returns it with its
// "settings" object, failing the test when the report lacks one of files.
func interrupts18Settings(t *testing.T, dir string, files ...string) (m, st map[string]any) {
	t.Helper()
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the report lacks %s: %v", f, err)
		}
	}
	m = readSepMetrics(t, dir)
	st, _ = m["settings"].(map[string]any)
	if st == nil {
		t.Fatalf("%s/metrics.json has no settings", dir)
	}
	return m, st
}

// interrupts18CheckPS asserts that the report's mean spectrum of the
// syntheses (metrics.json key) is that of the maps written to out.
func interrupts18CheckPS(t *testing.T, m map[string]any, key, out string) {
	t.Helper()
	x, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	sl := make([][]float64, x.B)
	for b := range sl {
		sl[b] = x.Map(b)
	}
	want := infer.MeanPowerSpectrum(sl, x.M, x.N).P
	got, _ := m[key].([]any)
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("metrics.json %s: %d bins, the written maps' spectrum %d", key, len(got), len(want))
	}
	for i, w := range want {
		// the output is float32: its spectrum differs from the report's
		// (of the float64 maps) by ~1e-7 relative
		if g := got[i].(float64); math.Abs(g-w) > 1e-5*math.Abs(w) {
			t.Errorf("metrics.json %s bin %d: %g, the written maps' %g", key, i, g, w)
		}
	}
}

// Interrupting synth with --report wrote maps 0–1 but no report. It writes
// the report of the maps written, marked interrupted: settings.interrupted,
// settings.ended, settings.maps_reported 2 of 3, the spectrum of those two
// maps, 12 + 3 iterations; exit 1 naming the report. The maps go to the
// partial file s.partial.npy and the report to rep.partial (synthout20):
// -o s.npy and --report rep are not written.
func TestInterrupts18SynthReport(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, rep := filepath.Join(dir, "s.partial.npy"), filepath.Join(dir, "rep.partial")
	code, errs := runCancelled(t, "synth: map 1 iteration 3 ", "synth", target, "-J", "3", "--steps", "12", "--seed", "4", "-n", "3",
		"-o", filepath.Join(dir, "s.npy"), "--report", filepath.Join(dir, "rep"), "--log-every", "1")
	for _, p := range []string{"s.npy", "rep"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s written by an interrupted run (%v)", p, err)
		}
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 1500))
	}
	for _, want := range []string{"synth: interrupted at map 1 (3 of 12 iterations): wrote maps 0–1 to " + out,
		"report: " + filepath.Join(rep, "metrics.json"),
		"stkit: interrupted: wrote maps 0–1 of 3 to " + out + " and their report (marked interrupted) to " + rep} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, tail(errs, 1500))
		}
	}
	m, st := interrupts18Settings(t, rep, "maps.png", "power_spectrum.png", "histogram.png", "minkowski.png", "loss.png")
	if st["interrupted"] != true || st["ended"] != "interrupted at map 1 (3 of 12 iterations)" || st["maps_reported"] != 2.0 || st["maps"] != 3.0 {
		t.Errorf("settings: interrupted %v, ended %v, maps_reported %v (want 2), maps %v (want 3)", st["interrupted"], st["ended"], st["maps_reported"], st["maps"])
	}
	if m["iterations"] != 15.0 {
		t.Errorf("metrics.json iterations %v, want 12 + 3", m["iterations"])
	}
	interrupts18CheckPS(t, m, "ps_synth", out)
}

// Interrupting sample with --report: the report of the maps written (2 of
// 3: their 2 tiles, 4 + 2 iterations), marked interrupted; exit 1. The
// maps go to s.partial.npy, the report to rep.partial (synthout20).
func TestInterrupts18SampleReport(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	work := t.TempDir()
	out, rep := filepath.Join(work, "s.partial.npy"), filepath.Join(work, "rep.partial")
	code, errs := runCancelled(t, "sample: map 1 iteration 2 ", "sample", models, "--component", "0", "-n", "3", "--steps", "4",
		"-o", filepath.Join(work, "s.npy"), "--report", filepath.Join(work, "rep"), "--max-patches", "8", "--log-every", "1")
	for _, p := range []string{"s.npy", "rep"} {
		if _, err := os.Stat(filepath.Join(work, p)); !os.IsNotExist(err) {
			t.Errorf("%s written by an interrupted run (%v)", p, err)
		}
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 1500))
	}
	for _, want := range []string{"sample: interrupted at map 1 (2 of 4 iterations): wrote maps 0–1 to " + out,
		"report: " + filepath.Join(rep, "metrics.json"),
		"stkit: interrupted: wrote maps 0–1 of 3 to " + out + " and their report (marked interrupted) to " + rep} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, tail(errs, 1500))
		}
	}
	m, st := interrupts18Settings(t, rep, "maps.png", "power_spectrum.png", "histogram.png", "loss.png")
	if st["interrupted"] != true || st["ended"] != "interrupted at map 1 (2 of 4 iterations)" || st["maps_reported"] != 2.0 || st["tiles_compared"] != 2.0 {
		t.Errorf("settings: interrupted %v, ended %v, maps_reported %v, tiles_compared %v (want 2 each)", st["interrupted"], st["ended"], st["maps_reported"], st["tiles_compared"])
	}
	if m["iterations"] != 6.0 {
		t.Errorf("metrics.json iterations %v, want 4 + 2", m["iterations"])
	}
	interrupts18CheckPS(t, m, "ps_synth", out)
}

// Interrupting separate with samples (--noise) wrote the maps but no report
// and no --truth figures. It writes both, marked interrupted (settings
// interrupted, ended at the iteration reached: 7 of 4 + 20, in stage 2),
// the report of the map written; exit 1. --log-every 1 prints a line per
// iteration instead of the bar. The maps go to sep.partial.npy and the
// report to rep.partial (sepout20): -o sep.npy and --report rep are not
// written.
func TestInterrupts18SeparateReport(t *testing.T) {
	dir := sepout20Fixture(t) // d.npy = s + n, n.npy; s.npy is the truth
	s, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteMaps(filepath.Join(dir, "s.npy"), &stlayer.Maps{B: 1, M: 32, N: 32, Data: s}); err != nil {
		t.Fatal(err)
	}
	out, rep := filepath.Join(dir, "sep.partial.npy"), filepath.Join(dir, "rep.partial")
	code, errs := runCancelled(t, "separate: iteration 7 of", "separate", filepath.Join(dir, "d.npy"), "--noise", filepath.Join(dir, "n.npy"), "--steps", "4,20,1",
		"-o", filepath.Join(dir, "sep.npy"), "--report", filepath.Join(dir, "rep"), "--truth", filepath.Join(dir, "s.npy"), "--log-every", "1")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 1500))
	}
	for _, want := range []string{"separate: interrupted at iteration 7 of 24 (stage 2/2, epoch 1)",
		"report: " + filepath.Join(rep, "metrics.json") + " (max |P_s̃/P_s − 1|",
		"stkit: interrupted: wrote the current maps to " + out + " and their report (marked interrupted) to " + rep + "; " +
			filepath.Join(dir, "sep.npy") + " and " + filepath.Join(dir, "rep") + " not written (only a run that finishes writes them)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, tail(errs, 1500))
		}
	}
	for _, p := range []string{"sep.npy", "rep"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s written by an interrupted run (%v)", p, err)
		}
	}
	m, st := interrupts18Settings(t, rep, "maps.png", "power_spectrum.png", "loss.png")
	if st["interrupted"] != true || st["ended"] != "interrupted at iteration 7 of 24 (stage 2/2, epoch 1)" {
		t.Errorf("settings: interrupted %v, ended %v", st["interrupted"], st["ended"])
	}
	// the report's figures are of the map written: its pixel correlation
	// with the truth
	sep, err := datasets.ReadMaps(out)
	if err != nil || sep.B != 2 {
		t.Fatalf("output: %v", err)
	}
	if r, ok := m["pixel_correlation_separated_truth"].(float64); !ok {
		t.Errorf("metrics.json has no pixel_correlation_separated_truth")
	} else if want := infer.PixelCorrelation(s, sep.Map(0)); math.Abs(r-want) > 1e-9 {
		t.Errorf("metrics.json pixel_correlation_separated_truth %g, the written map's %g", r, want)
	}
}
