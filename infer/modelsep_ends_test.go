package infer

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// SeparateWithModels said only whether each stage stopped early
// ("stopped at iteration 2 of 300 (discrepancy stop or convergence)"), and
// the Gaussian prior's share of the loss was in no output (loss 301.9 next
// to terms [0.5, 0.549]). StageEnds says how each stage ended, InitParts,
// PriorStart and PriorEnd split the loss at the start and the end, and
// TypicalLevels are the stop levels over Tau.
func TestModelsepSeparateEnds(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	data, _ := tinyMixture(t, 90011, 90088)
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	sum := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s
	}
	// no stop: all 3 iterations run
	res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: -1, Steps: 3, Tau: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.StageEnds) != 1 || res.StageEnds[0] != "iteration limit" {
		t.Errorf("Tau −1, 3 steps: stage ends %q, want [iteration limit]", res.StageEnds)
	}
	if len(res.PriorStart) != 2 || len(res.PriorEnd) != 2 || len(res.InitParts) != 2 {
		t.Fatalf("prior start %v, end %v, initial parts %v: want 2 values each", res.PriorStart, res.PriorEnd, res.InitParts)
	}
	// the loss of the L-BFGS run is the statistic terms plus the prior, at
	// the start and at the end
	ep := res.Epochs[len(res.Epochs)-1]
	if got, want := sum(res.InitParts)+sum(res.PriorStart), res.Epochs[0].InitialLoss; math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("start: terms %v + prior %v = %g, the run's initial loss %g", res.InitParts, res.PriorStart, got, want)
	}
	if got, want := sum(res.Parts)+sum(res.PriorEnd), ep.Loss; math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("end: terms %v + prior %v = %g, the run's loss %g", res.Parts, res.PriorEnd, got, want)
	}
	if !(sum(res.PriorStart) > 0) {
		t.Errorf("prior at the start %v, want > 0", res.PriorStart)
	}
	note := ModelSepLossNote(res)
	if !strings.Contains(note, "statistic terms") || !strings.Contains(note, "Gaussian-field prior") {
		t.Errorf("loss note %q", note)
	}
	for i := range res.TypicalLevels {
		if !(res.TypicalLevels[i] > 0) || math.Abs(-1*res.TypicalLevels[i]-res.StopLevels[i]) > 1e-12 {
			t.Errorf("Tau −1: typical level %v, stop level %v", res.TypicalLevels, res.StopLevels)
		}
	}
	if err := PlotModelSepLoss(t.TempDir()+"/loss.png", res); err != nil {
		t.Errorf("PlotModelSepLoss: %v", err)
	}
	// a stop level no term can exceed: the discrepancy stop at iteration 1
	res, err = SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: -1, Steps: 50, Tau: 1e9, GaussPrior: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.StageEnds) != 1 || res.StageEnds[0] != "discrepancy stop" || res.Epochs[0].Iters != 1 {
		t.Errorf("Tau 1e9: stage ends %q after %d iterations, want [discrepancy stop] after 1", res.StageEnds, res.Epochs[0].Iters)
	}
	if res.PriorStart != nil || res.PriorEnd != nil || ModelSepLossNote(res) != "" {
		t.Errorf("no prior: start %v, end %v, note %q", res.PriorStart, res.PriorEnd, ModelSepLossNote(res))
	}
	for i := range res.TypicalLevels {
		if math.Abs(1e9*res.TypicalLevels[i]-res.StopLevels[i]) > 1e-6*res.StopLevels[i] {
			t.Errorf("Tau 1e9: typical level %v, stop level %v", res.TypicalLevels, res.StopLevels)
		}
	}
	// cancelled before the run
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, _ = SeparateWithModels(ctx, eng, ms, data, comps, ModelSepOptions{AmpSteps: -1, Steps: 5})
	if res == nil || len(res.StageEnds) != 1 || res.StageEnds[0] != "interrupted" {
		t.Errorf("cancelled: stage ends %v", res)
	}
	for _, c := range []struct {
		stopped bool
		err     error
		status  string
		want    string
	}{
		{true, nil, "interrupted", "discrepancy stop"},
		{false, nil, "IterationLimit", "iteration limit"},
		{false, nil, "FunctionConvergence", "converged"},
		{false, nil, "GradientThreshold", "converged"},
		{false, context.Canceled, "interrupted", "interrupted"},
		{false, errTest, "diverged", "error"},
	} {
		if got := stageEnd(c.stopped, c.err, []*Result{{Status: c.status}}); got != c.want {
			t.Errorf("stageEnd(%v, %v, %q) = %q, want %q", c.stopped, c.err, c.status, got, c.want)
		}
	}
}

var errTest = inputErrorf("test error")
