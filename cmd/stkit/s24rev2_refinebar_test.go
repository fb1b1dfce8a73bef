package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRev2RefineConvergedBar: separate --patch-refine on a 12² map fits the
// ST estimate's prior and the round map's with PriorK's one component
// (ccfda94), whose EM converges at iteration 7 of at most 40; their bars
// ended at the full count all the same ("(40/40)", endBar's Finish), as
// export's did before d97ac67. They now end at the iterations run with a
// note (endBarAt). Iteration 7 is structural, not a rounding detail: one
// component is fixed after the first iteration, so the log-likelihood
// stops changing and EM stops at its first allowed check (it > 5).
func TestRev2RefineConvergedBar(t *testing.T) {
	dir := t.TempDir()
	data, samples := refy24Inputs(t, dir, 12)
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "--steps", "2,2,1", "-o", filepath.Join(dir, "out.npy"), "--patch-refine")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, tail(errs, 1500))
	}
	for _, w := range []string{
		"patch refinement 2/5: patch prior of the ST estimate (EM) converged at iteration 7 of at most 40 (7/7)",
		"patch refinement 4/5: patch prior of the round 1 map (EM) converged at iteration 7 of at most 40 (7/7)",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, tail(errs, 1500))
		}
	}
	for _, n := range []string{"ST estimate (EM) (40/40)", "round 1 map (EM) (40/40)"} {
		if strings.Contains(errs, n) {
			t.Errorf("stderr has %q (a converged fit drawn complete):\n%s", n, tail(errs, 1500))
		}
	}
}
