package infer

import (
	"context"
	"testing"
)

// TestMinimizeResultIsBestEvaluation pins Result.Loss and Result.Maps: the
// lowest loss evaluated and its maps, which can lie below History's last
// entry when a line-search point after the last iteration was lower (here
// MaxEvals stops the run inside the second line search).
func TestMinimizeResultIsBestEvaluation(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	x0, _ := InitialMaps(InitWhiteNoise, ref, 1, 1)
	res, err := Minimize(context.Background(), loss, x0, SynthConfig{Steps: 100, MaxEvals: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Iters != 1 || res.Evals != 5 || res.Status != "FunctionEvaluationLimit" {
		t.Fatalf("%d iterations, %d evaluations, status %s; want 1, 5, FunctionEvaluationLimit", res.Iters, res.Evals, res.Status)
	}
	if !(res.Loss < res.History[len(res.History)-1]) {
		t.Errorf("loss %g, last History entry %g: want the later, lower line-search point", res.Loss, res.History[len(res.History)-1])
	}
	f, _, _, err := loss.Eval(res.Maps)
	if err != nil || f != res.Loss {
		t.Errorf("loss of the returned maps %g (%v), Result.Loss %g", f, err, res.Loss)
	}
}
