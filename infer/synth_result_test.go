package infer

import (
	"context"
	"errors"
	"math"
	"strings"
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

// TestMinimizeRelTolChecked: a negative, NaN or infinite RelTol is an input
// error naming the option (it was taken silently: a negative or NaN one as
// no early stop, +Inf as a stop after the first iteration).
func TestMinimizeRelTolChecked(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	x0, _ := InitialMaps(InitWhiteNoise, ref, 1, 1)
	for _, tol := range []float64{-1e-3, math.NaN(), math.Inf(1)} {
		_, err := Minimize(context.Background(), loss, x0, SynthConfig{Steps: 5, RelTol: tol})
		if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "SynthConfig.RelTol") {
			t.Errorf("RelTol %v: err %v, want an input error naming SynthConfig.RelTol", tol, err)
		}
	}
	if _, err := Minimize(context.Background(), loss, x0, SynthConfig{Steps: 5, RelTol: 1e-3}); err != nil {
		t.Errorf("RelTol 1e-3: %v", err)
	}
}
