package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fix4: demoSeparationLoss took only settings.method "patch prior" for an
// estimate without L-BFGS stage; a report of "patch prior + feature
// filter" (also no L-BFGS stage; demoSepStartWords already said so) got
// the Gaussian-field prior line and "0 L-BFGS iterations; stopped early on
// the discrepancy stop: no". Both prior-based methods now end on the
// no-L-BFGS line.
func TestFix4DemoLossPriorMethods(t *testing.T) {
	names := []string{"lognormal", "filaments"}
	const terms = "lognormal  statistic term 8.55 (mean (ΔΦ/σ)² against its model; ≈ 1: within the model's spread)\n" +
		"filaments  statistic term 0.569 (mean (ΔΦ/σ)² against its model; ≈ 1: within the model's spread)\n"
	for _, c := range []struct{ method, want string }{
		{"patch prior", terms + "no L-BFGS stage: the patch-prior estimate is the result (stkit separate --patch-prior; the terms above are the models' statistics at it, for reference)"},
		{"patch prior + feature filter", terms + "no L-BFGS stage: the patch-prior estimate refined by the feature filter is the result (stkit separate --patch-prior, --feature-filter; the terms above are the models' statistics at it, for reference)"},
	} {
		p := filepath.Join(t.TempDir(), "metrics.json")
		if err := os.WriteFile(p, []byte(`{"final_term_values": [8.55, 0.5686], "iterations": 0, "settings": {"method": "`+c.method+`"}}`), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := demoSeparationLoss(p, names)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("method %q:\n%s\nwant\n%s", c.method, got, c.want)
		}
		if strings.Contains(got, "Gaussian-field prior") {
			t.Errorf("method %q: the summary names a Gaussian-field prior", c.method)
		}
	}
}
