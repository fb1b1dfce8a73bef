package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// separate --help said a single --steps N means 4 epochs; with fewer than
// 20 iterations in stage 2 it runs fewer (at least 5 iterations each). The
// help now gives the rule, and the stage summary of a run follows it.
func TestSeparateStepsTotalHelp(t *testing.T) {
	_, out, errs := runCLI(t, "separate", "--help")
	if h := out + errs; !strings.Contains(h, "A single number N means S1 = ⌊N/4⌋,\nS2 = N − S1 in min(4, max(1, ⌊S2/5⌋)) epochs (4 from N = 26 on") {
		t.Errorf("separate --help lacks the rule for --steps N:\n%s", h)
	}
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	for _, n := range []int{3, 10, 25, 26} {
		s1 := n / 4
		s2 := n - s1
		ep := min(4, max(1, s2/5))
		code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", fmt.Sprint(n), "-o", filepath.Join(dir, "o.npy"))
		if code != 0 {
			t.Fatalf("--steps %d: exit %d\n%s", n, code, tail(errs, 800))
		}
		want := fmt.Sprintf("  stage 2: [data], %d steps in %d epoch(s)\n", s2, ep)
		if !strings.Contains(errs, want) {
			t.Errorf("--steps %d: stderr lacks %q\n%s", n, want, tail(errs, 800))
		}
		if s1 > 0 && !strings.Contains(errs, fmt.Sprintf("  stage 1: [data], power-spectrum coefficients, %d steps in 1 epoch(s)\n", s1)) {
			t.Errorf("--steps %d: no stage 1 of %d steps\n%s", n, s1, tail(errs, 800))
		}
		if s1 == 0 && !strings.Contains(errs, "  stage 1: skipped (0 steps)\n") { // stage 2 keeps its number
			t.Errorf("--steps %d: no skipped stage 1\n%s", n, tail(errs, 800))
		}
	}
}
