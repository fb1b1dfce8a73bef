package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findKey returns the first value stored under key anywhere in a decoded
// JSON document (depth first), and whether there is one.
func findKey(v any, key string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if w, ok := x[key]; ok {
			return w, true
		}
		for _, w := range x {
			if r, ok := findKey(w, key); ok {
				return r, true
			}
		}
	case []any:
		for _, w := range x {
			if r, ok := findKey(w, key); ok {
				return r, true
			}
		}
	}
	return nil, false
}

// synth's report scores the pixel figures on the window the statistics
// constrain with --pad crop (ValidateOptions.Interior, 5424387) and marks
// which comparisons the loss fitted (ValidateOptions.Fitted, cd8cebe); the
// summary of a single map names its one L-BFGS.
func TestSynthReportWindowAndChecks(t *testing.T) {
	dir := t.TempDir()
	tgt := writeTestMap(t, dir, "t.npy", 1)
	for _, c := range []struct {
		name   string
		args   []string
		border float64 // 0: no window
		hist   string
	}{
		{"periodic", nil, 0, "fitted"},
		{"crop", []string{"--pad", "crop"}, 4, "fitted"},
		{"crop cut 0.25 no hist", []string{"--pad", "crop", "--cut", "0.25", "--hist", "0"}, 2, "out-of-sample"},
	} {
		rep := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
		args := append([]string{"synth", tgt, "-J", "3", "-n", "1", "--steps", "2", "-o", rep + ".npy", "--report", rep}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 600))
		}
		if !strings.Contains(errs, ", one L-BFGS\n") {
			t.Errorf("%s: summary does not say 'one L-BFGS' for -n 1:\n%s", c.name, errs)
		}
		raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		w, ok := findKey(doc, "window")
		switch {
		case c.border == 0 && ok:
			t.Errorf("%s: metrics.json has a window %v for periodic statistics", c.name, w)
		case c.border > 0:
			b, _ := findKey(w, "border_pixels")
			if !ok || b != c.border {
				t.Errorf("%s: metrics.json window %v, want border %g", c.name, w, c.border)
			}
		}
		ch, ok := findKey(doc, "checks")
		if !ok {
			t.Fatalf("%s: metrics.json has no checks", c.name)
		}
		if h, _ := findKey(ch, "histogram_w1_moments"); h != c.hist {
			t.Errorf("%s: histogram check %v, want %s", c.name, h, c.hist)
		}
		if p, _ := findKey(ch, "power_spectrum"); p != "fitted" {
			t.Errorf("%s: power spectrum check %v, want fitted (preset quality: --ps 1)", c.name, p)
		}
	}
}
