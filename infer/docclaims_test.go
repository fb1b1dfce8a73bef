package infer

import (
	"context"
	"errors"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestSeparationDocClaims pins behaviours the doc comments state (they once
// said otherwise): SampleOptions' zero Init is white noise; SepConfig's
// MaxEvals is ignored by Separate (each epoch has Minimize's default cap);
// RunSeparation refuses a Start that is not one map of the data's size as
// an input error.
func TestSeparationDocClaims(t *testing.T) {
	if (SampleOptions{}).Init != InitWhiteNoise {
		t.Error("the zero SampleOptions.Init is not InitWhiteNoise")
	}
	eng := cpu.New()
	p, _, _ := toyProblem(t, 32, true)
	p.Contaminant = mapsOf(32, field(t, 32, -1, 0.2, 3, 0.5, 0), field(t, 32, -1, 0.2, 4, 0.5, 0))
	p.Template = nil
	setup, err := BuildSeparation(eng, p, SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := Separate(context.Background(), setup.Loss, p.Data, setup.Stages, 1, SepConfig{SynthConfig: SynthConfig{MaxEvals: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Evals <= 1 {
		t.Errorf("MaxEvals 1: %d epoch results, evaluations %v; want Separate to ignore the cap", len(res), res)
	}
	_, err = RunSeparation(context.Background(), eng, p, SeparationOptions{Stages: []SepStage{{Terms: []string{TermData}, Steps: 1}}, Start: mapsOf(16, make([]float64, 256))})
	if !errors.Is(err, ErrModelInput) {
		t.Errorf("a 16×16 Start for 32×32 data: got %v, want an input error", err)
	}
}
