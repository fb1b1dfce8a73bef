package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSeparateStepsZeroFirstStage: `separate --steps 0,N` printed the one
// stage it ran (stage 2's terms on the full statistics) as "stage 1: …"
// and its progress as "stage 1/1", while --steps had given stage 1 zero
// steps; the summary reads "stage 1: skipped (0 steps)" then "stage 2: …",
// and the progress "stage 2/2".
func TestSeparateStepsZeroFirstStage(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "0,2,1", "-o", filepath.Join(dir, "out.npy"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"  stage 1: skipped (0 steps)\n", "  stage 2: [data", "stage 2/2 epoch 1"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	for _, bad := range []string{"stage 1: [", "stage 1/1"} {
		if strings.Contains(errs, bad) {
			t.Errorf("stderr has %q:\n%s", bad, errs)
		}
	}
}
