package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readSepMetrics reads a separate --models report's metrics.json.
func readSepMetrics(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The loss (loss 301.9, loss.png on a 301.5–302.7 axis) was never
// explained next to the terms [0.5, 0.549]: the rest is the Gaussian prior,
// in no output. The summary and metrics.json give the prior term at the
// start and the end, and the statistic terms at the start.
func TestModelsepPriorInReport(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	rep := filepath.Join(work, "rep")
	code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,1",
		"-o", filepath.Join(work, "s.npy"), "--steps", "0,4", "--tau", "-1", "--report", rep, "--log-every", "100")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"separate: loss = statistic terms ", " + Gaussian-field prior ", "the Gaussian-field prior per component [", "(--gauss-prior 30)", "final terms [", "(start ["} {
		if !strings.Contains(errs, want) {
			t.Errorf("summary lacks %q\n%s", want, errs)
		}
	}
	m := readSepMetrics(t, rep)
	st := m["settings"].(map[string]any)
	gp, ok := st["gauss_prior_term"].(map[string]any)
	if !ok {
		t.Fatalf("metrics.json: no settings.gauss_prior_term in %v", st)
	}
	for _, k := range []string{"start", "end"} {
		v, _ := gp[k].([]any)
		if len(v) != 2 || !(v[0].(float64) > 0) {
			t.Errorf("gauss_prior_term.%s = %v, want 2 positive values", k, gp[k])
		}
	}
	if v, _ := m["initial_term_values"].([]any); len(v) != 2 {
		t.Errorf("initial_term_values %v", m["initial_term_values"])
	}
	if v, _ := st["typical_levels"].([]any); len(v) != 2 {
		t.Errorf("typical_levels %v", st["typical_levels"])
	}
	if v, _ := st["stage_ends"].([]any); len(v) != 1 || v[0] != "iteration limit" {
		t.Errorf("stage_ends %v", st["stage_ends"])
	}
	if fi, err := os.Stat(filepath.Join(rep, "loss.png")); err != nil || fi.Size() == 0 {
		t.Errorf("loss.png: %v", err)
	}
	// without the prior: no prior line, no field
	rep2 := filepath.Join(work, "rep2")
	code, _, errs = runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,1",
		"-o", filepath.Join(work, "s2.npy"), "--steps", "0,2", "--gauss-prior", "0", "--report", rep2, "--log-every", "100")
	if code != 0 || strings.Contains(errs, "Gaussian-field prior") {
		t.Fatalf("--gauss-prior 0: exit %d\n%s", code, errs)
	}
	if _, ok := readSepMetrics(t, rep2)["settings"].(map[string]any)["gauss_prior_term"]; ok {
		t.Errorf("--gauss-prior 0: metrics.json has gauss_prior_term")
	}
}
