package infer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestZeroStepStageKeepsNumbers: DefaultSepStages(0, N, E) summarised its
// first stage as "stage 1: [data], power-spectrum coefficients, 0 steps in 1
// epoch(s)" (it does not run); it reads "stage 1: skipped (0 steps)". Stage
// 2 given alone (what ParseSepSteps("0,N") returns) was summarised, labelled
// and reported in the progress as "stage 1" (1 of 1) while the user had given
// stage 1 0 steps; with SepStage.Number 2 it is "stage 2" (of 2) everywhere,
// after "stage 1: skipped (0 steps)", as with the full schedule. S2 = 0
// leaves stage 1 alone, numbered 1.
func TestZeroStepStageKeepsNumbers(t *testing.T) {
	eng := cpu.New()
	p, _, _ := toyProblem(t, 16, true)
	p.Contaminant = mapsOf(16, field(t, 16, -1, 0.2, 3, 0.5, 0), field(t, 16, -1, 0.2, 4, 0.5, 0), field(t, 16, -1, 0.2, 5, 0.5, 0))
	p.Template = nil
	alone := DefaultSepStages(0, 2, 1)[1:]
	alone[0].Number = 2
	parsed, err := ParseSepSteps("0,2,1")
	if err != nil {
		t.Fatal(err)
	}
	for name, stages := range map[string][]SepStage{"stage 2 alone, Number 2": alone, "DefaultSepStages(0, 2, 1)": DefaultSepStages(0, 2, 1), "ParseSepSteps(\"0,2,1\")": parsed} {
		opt := SeparationOptions{Stages: stages, Seed: 1}
		setup, err := BuildSeparation(eng, p, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(setup.Summary) != 2 || setup.Summary[0] != "stage 1: skipped (0 steps)" || setup.Summary[1] != "stage 2: [data], 2 steps in 1 epoch(s)" {
			t.Errorf("%s: summary %q, want stage 1 skipped (0 steps) and stage 2 on the full statistics", name, setup.Summary)
		}
		if len(setup.Stages) != 1 || setup.Stages[0].Label != "stage 2" || !slices.Equal(setup.StageNumber, []int{2}) || setup.NumStages != 2 || setup.TotalSteps != 2 {
			t.Errorf("%s: stages %+v, numbers %v of %d, %d steps: want the one stage run to be stage 2 of 2, 2 steps", name, setup.Stages, setup.StageNumber, setup.NumStages, setup.TotalSteps)
		}
		var seen []SepProgress
		opt.Progress = func(pr SepProgress) { seen = append(seen, pr) }
		res, err := RunSeparation(context.Background(), eng, p, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(seen) == 0 || len(res.Epochs) != 1 {
			t.Fatalf("%s: %d progress reports, %d epochs run: want some and 1", name, len(seen), len(res.Epochs))
		}
		for _, pr := range seen {
			if pr.Stage != 1 || pr.NumStages != 2 {
				t.Fatalf("%s: progress reports stage index %d of %d, want 1 of 2 (\"stage 2\")", name, pr.Stage, pr.NumStages)
			}
		}
	}

	// S2 = 0: stage 1 alone, numbered 1 (of 1: the left-out stage 2 follows it).
	first, err := ParseSepSteps("2,0")
	if err != nil {
		t.Fatal(err)
	}
	setup, err := BuildSeparation(eng, p, SeparationOptions{Stages: first})
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Summary) != 1 || !strings.HasPrefix(setup.Summary[0], "stage 1: [data], power-spectrum coefficients, 2 steps") || setup.NumStages != 1 || setup.Stages[0].Label != "stage 1" {
		t.Errorf("--steps 2,0: summary %q, %d stage(s), label %q", setup.Summary, setup.NumStages, setup.Stages[0].Label)
	}

	// Numbers that do not increase, and no stage with steps, are input errors.
	for _, c := range []struct {
		stages []SepStage
		want   string
	}{
		{[]SepStage{{Terms: []string{TermData}, Steps: 1, Number: 2}, {Terms: []string{TermData}, Steps: 1, Number: 2}}, "stage numbers must increase"},
		{[]SepStage{{Terms: []string{TermData}, Steps: 1, Number: -1}}, "stage numbers must increase"},
		{[]SepStage{{Terms: []string{TermData}, Steps: 0}, {Terms: []string{TermContaminant}, Steps: 0, Number: 3}}, "no stage has steps (stage 1: skipped (0 steps); stage 2: skipped (0 steps); stage 3: skipped (0 steps))"},
	} {
		_, err := BuildSeparation(eng, p, SeparationOptions{Stages: c.stages})
		if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("stages %+v: got %v, want an input error with %q", c.stages, err, c.want)
		}
	}
}
