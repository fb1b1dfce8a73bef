package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// On a held-out mixture separate --models stopped at iteration 2 "(discrepancy
// stop or convergence)": it says which, and names the terms and levels.
func TestModelsepStageEndWords(t *testing.T) {
	for _, c := range []struct {
		ends []string
		want string
	}{
		{nil, "no stage ran"},
		{[]string{"discrepancy stop"}, "discrepancy stop reached (every term ≤ its stop level)"},
		{[]string{"iteration limit", "converged"}, "L-BFGS converged"},
		{[]string{"iteration limit"}, "all iterations run"},
	} {
		if got := stageEndWords(c.ends); got != c.want {
			t.Errorf("%q: %q, want %q", c.ends, got, c.want)
		}
	}
	res := &infer.ModelSepResult{Parts: []float64{0.5, 0.549}, StopLevels: []float64{1.34, 0.6116}, StageEnds: []string{"discrepancy stop"}}
	if got, want := stageEndDetail(res), "ended: discrepancy stop reached: every term ≤ its stop level (terms [0.5 0.549] ≤ levels [1.34 0.6116]"; !strings.HasPrefix(got, want) {
		t.Errorf("detail %q, want it to start %q", got, want)
	}
	res.StageEnds = []string{"converged"}
	if got := stageEndDetail(res); !strings.Contains(got, "L-BFGS converged") || !strings.Contains(got, "not all ≤ their stop levels [1.34 0.6116]") {
		t.Errorf("converged: %q", got)
	}
	res.StageEnds = []string{"discrepancy stop", "iteration limit"}
	if got, want := stageEndDetail(res), "ended: stage 1 discrepancy stop reached on its amplitude terms; stage 2 all iterations run without reaching the discrepancy stop"; !strings.HasPrefix(got, want) {
		t.Errorf("two stages: %q, want it to start %q", got, want)
	}
}
