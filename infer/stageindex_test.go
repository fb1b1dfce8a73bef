package infer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestPSOnlyFollowsBuiltStages: a stage that BuildSeparation skips (none of
// its terms applies) must not shift the PSOnly flag onto the next stage.
// With data weight 0 the default first stage ([data], PSOnly) is skipped;
// the full stage's contaminant term must then weigh all coefficients, not
// only the power-spectrum-like ones.
func TestPSOnlyFollowsBuiltStages(t *testing.T) {
	eng := cpu.New()
	p, _, _ := toyProblem(t, 32, true)
	p.Contaminant = mapsOf(32, field(t, 32, -1, 0.2, 3, 0.5, 0), field(t, 32, -1, 0.2, 4, 0.5, 0), field(t, 32, -1, 0.2, 5, 0.5, 0))
	setup, err := BuildSeparation(eng, p, SeparationOptions{Weights: SepWeights{Contaminant: 1}, Stages: DefaultSepStages(1, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Stages) != 1 {
		t.Fatalf("%d stages built, want 1 (the data-only stage skipped)", len(setup.Stages))
	}
	nps := 0
	for _, v := range p.Stats.PS {
		if v {
			nps++
		}
	}
	kept := -1
	cfg := SepConfig{OnEpoch: func(stage, epoch int, active []*SepTerm) {
		for _, term := range active {
			if term.Name == TermContaminant {
				kept = 0
				for _, w := range term.Weight {
					if w > 0 {
						kept++
					}
				}
			}
		}
	}}
	if _, _, err := Separate(context.Background(), setup.Loss, p.Data, setup.Stages, 1, cfg); err != nil {
		t.Fatal(err)
	}
	if kept <= nps {
		t.Errorf("contaminant term of the full stage keeps %d coefficients, the PS mask has %d of %d: the skipped PSOnly stage's mask was applied", kept, nps, len(p.Stats.PS))
	}
}

// TestSkippedStageNumbering: when a stage is skipped (a first stage of the
// template term alone, and no template), the progress reports,
// the summary and the errors all number the stages as the user gave them
// (SeparationOptions.Stages), not among the stages built.
func TestSkippedStageNumbering(t *testing.T) {
	eng := cpu.New()
	p, _, _ := toyProblem(t, 32, true)
	p.Contaminant = mapsOf(32, field(t, 32, -1, 0.2, 3, 0.5, 0), field(t, 32, -1, 0.2, 4, 0.5, 0), field(t, 32, -1, 0.2, 5, 0.5, 0))
	p.Template = nil
	opt := SeparationOptions{Stages: []SepStage{{Terms: []string{TermTemplate}, Steps: 2}, {Terms: []string{TermData}, Steps: 3}}}
	setup, err := BuildSeparation(eng, p, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Stages) != 1 || !slices.Equal(setup.StageIndex, []int{1}) || setup.Stages[0].Label != "stage 2" {
		t.Fatalf("stages %+v, index %v: want the one built stage to be option stage 2", setup.Stages, setup.StageIndex)
	}
	if len(setup.Summary) != 2 || !strings.HasPrefix(setup.Summary[0], "stage 1: skipped") || !strings.HasPrefix(setup.Summary[1], "stage 2: [data]") {
		t.Fatalf("summary %q", setup.Summary)
	}
	var seen []SepProgress
	opt.Progress = func(pr SepProgress) { seen = append(seen, pr) }
	if _, err := RunSeparation(context.Background(), eng, p, opt); err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("no progress reported")
	}
	for _, pr := range seen {
		if pr.Stage != 1 || pr.NumStages != 2 {
			t.Fatalf("progress reports stage index %d of %d, want 1 of 2 (\"stage 2\" of the summary)", pr.Stage, pr.NumStages)
		}
	}
	// An error of the stage names it as the summary does: identical
	// samples leave no coefficient of the data term varying.
	c := field(t, 32, -1, 0.2, 3, 0.5, 0)
	p.Contaminant = mapsOf(32, c, c)
	opt.Progress = nil
	_, err = RunSeparation(context.Background(), eng, p, opt)
	if err == nil || !strings.HasPrefix(err.Error(), "stage 2: term data:") {
		t.Fatalf("identical samples: got %v, want an error of \"stage 2: term data\"", err)
	}
}

// TestBuildSeparationNothingToRun: weights that leave no term the problem
// can build, and stages none of which names a built term, are input errors
// that say what was built and which option to change.
func TestBuildSeparationNothingToRun(t *testing.T) {
	eng := cpu.New()
	p, _, _ := toyProblem(t, 32, true)
	p.Contaminant = mapsOf(32, field(t, 32, -1, 0.2, 3, 0.5, 0), field(t, 32, -1, 0.2, 4, 0.5, 0))
	p.Template = nil
	_, err := BuildSeparation(eng, p, SeparationOptions{Weights: SepWeights{Template: 1}})
	if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "no loss term can be built from the weights data=0, contaminant=0, independence=0, template=1") ||
		!strings.Contains(err.Error(), "SeparationOptions.Weights (--weights)") {
		t.Errorf("template weight without a template: got %v", err)
	}
	_, err = BuildSeparation(eng, p, SeparationOptions{Stages: []SepStage{{Terms: []string{TermTemplate, TermContaminant}, Steps: 3}}})
	if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "no stage uses a term that was built (terms built: [data]") ||
		!strings.Contains(err.Error(), "stage 1: skipped") {
		t.Errorf("stages without a built term: got %v", err)
	}
}
