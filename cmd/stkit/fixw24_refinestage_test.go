package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFixw24RefineConvergedStageLine: separate --patch-refine on a 12² map
// fits the ST estimate's prior and the round map's with one component,
// whose EM converges at iteration 7 of at most 40 (TestRev2RefineConvergedBar).
// Only their bars said so; the stage lines now do too, in export's words
// ("EM converged after 7 of at most 40 iterations, "), and the stages that
// are not converged fits keep the plain line. Fails on the old code.
func TestFixw24RefineConvergedStageLine(t *testing.T) {
	dir := t.TempDir()
	data, samples := refy24Inputs(t, dir, 12)
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "--steps", "2,2,1", "-o", filepath.Join(dir, "out.npy"), "--patch-refine")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, tail(errs, 1500))
	}
	for _, w := range []string{
		`(?m)^separate: patch refinement 2/5: patch prior of the ST estimate \(EM\), EM converged after 7 of at most 40 iterations, [0-9.]+ s$`,
		`(?m)^separate: patch refinement 4/5: patch prior of the round 1 map \(EM\), EM converged after 7 of at most 40 iterations, [0-9.]+ s$`,
		`(?m)^separate: patch refinement 3/5: [^,\n]+, [0-9.]+ s$`,
		`(?m)^separate: patch refinement 5/5: [^,\n]+, [0-9.]+ s$`,
	} {
		if !regexp.MustCompile(w).MatchString(errs) {
			t.Errorf("stderr lacks a line matching %s:\n%s", w, tail(errs, 2500))
		}
	}
	if n := strings.Count(errs, "EM converged after"); n < 2 {
		t.Errorf("%d stage lines say EM converged, want 2 or more:\n%s", n, tail(errs, 2500))
	}
}
