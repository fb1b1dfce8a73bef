package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// clusters took a dataset whose patches were cut with another window than the
// run's training patches (stkit patches --window tukey --alpha 1 against no
// window) and said only "new data, same ST configuration", though the window
// changes the features the model reads. It now warns, naming both windows; the
// run's own dataset and one with the same window get no warning.
func TestClustersWarnsOtherPatchWindow(t *testing.T) {
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
	const warn = "clusters: warning: the dataset's patches were cut with a Tukey window (α = 1), the run's training patches with no window"
	for _, c := range []struct {
		ds   string
		warn bool
	}{{windowed, true}, {ds, false}} {
		code, _, errs := runCLI(t, "clusters", run, c.ds, "-o", filepath.Join(dir, filepath.Base(c.ds)+".csv"), "--no-plots")
		if code != 0 {
			t.Fatalf("clusters %s: exit %d: %s", c.ds, code, tail(errs, 600))
		}
		if strings.Contains(errs, warn) != c.warn {
			t.Errorf("clusters %s: warning present %v, want %v:\n%s", c.ds, !c.warn, c.warn, tail(errs, 600))
		}
	}
	none, tk := datasets.PatchConfig{Window: "none", Alpha: 0.3}, datasets.PatchConfig{Window: "tukey", Alpha: 0.3}
	for _, c := range []struct {
		run, ds datasets.PatchConfig
		want    string
	}{
		{none, datasets.PatchConfig{Alpha: 0.3}, ""},
		{none, datasets.PatchConfig{Window: "none", Alpha: 0.5}, ""}, // α unused without a window
		{tk, tk, ""},
		{tk, datasets.PatchConfig{Window: "tukey", Alpha: 1}, "cut with a Tukey window (α = 1), the run's training patches with a Tukey window (α = 0.3)"},
		{tk, none, "cut with no window, the run's training patches with a Tukey window (α = 0.3)"},
	} {
		got := patchWindowNote(c.run, c.ds)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("patchWindowNote(%+v, %+v) = %q, want %q", c.run, c.ds, got, c.want)
		}
	}
}
