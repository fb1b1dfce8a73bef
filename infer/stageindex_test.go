package infer

import (
	"context"
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
