package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// A held-out dust + Quijote separation ended with the Quijote term at 1.856,
// 2.3× its stop level 0.815, and its worst-bin r at 0.109 from 0.419 at the
// start, and nothing warned.
func TestModelsepFarFromModel(t *testing.T) {
	comps := []infer.SepComponent{{Name: "component 0"}, {Name: "component 1"}}
	res := &infer.ModelSepResult{Parts: []float64{0.2374, 1.856}, StopLevels: []float64{1.147, 0.8151}, TypicalLevels: []float64{0.5735, 0.40755}}
	w := farFromModel(comps, res, 2)
	if len(w) != 1 || w[0].name != "component 1" || w[0].ratio < 2.27 || w[0].ratio > 2.28 {
		t.Fatalf("warnings %+v, want component 1 at 2.28×", w)
	}
	if want := "component 1 ends at 1.86, 2.3× its stop level 0.815 (--tau 2 × the median over its model's training patches, 0.408): its statistics are not those of the model"; !strings.HasPrefix(w[0].text, want) {
		t.Errorf("%q, want it to start %q", w[0].text, want)
	}
	res.Parts[1] = 1.6 // 1.96× its stop level: no warning
	if w := farFromModel(comps, res, 2); len(w) != 0 {
		t.Errorf("1.96× the stop level: %+v", w)
	}
	// no stop (--tau −1): the default τ 2's level
	res = &infer.ModelSepResult{Parts: []float64{0.1, 2}, StopLevels: []float64{-0.5, -0.4}, TypicalLevels: []float64{0.5, 0.4}}
	if w := farFromModel(comps, res, -1); len(w) != 1 || w[0].level != 0.8 || !strings.Contains(w[0].text, "the default stop level 0.8 (2 × the median") {
		t.Errorf("tau −1: %+v", w)
	}
}

func TestModelsepWorseThanStart(t *testing.T) {
	end := []infer.SepComponentMetrics{{Name: "component 0", RMinDominant: 0.687, DominantBins: 6, PixelCorr: 0.723},
		{Name: "component 1", RMinDominant: 0.109, DominantBins: 8, PixelCorr: 0.852}}
	start := []infer.SepComponentMetrics{{Name: "component 0", RMinDominant: 0.592, DominantBins: 6, PixelCorr: 0.704},
		{Name: "component 1", RMinDominant: 0.419, DominantBins: 8, PixelCorr: 0.833}}
	w := worseThanStart(end, start)
	if len(w) != 1 || !strings.HasPrefix(w[0], "component 1 ends worse than its start against the truth: worst-bin r 0.109 (start 0.419)") || strings.Contains(w[0], "pixel") {
		t.Errorf("warnings %q", w)
	}
	// a drop of 0.003 (within worseTol) is no warning; one of 0.02 is
	end[0].PixelCorr, end[1].RMinDominant, end[1].PixelCorr = 0.701, 0.5, 0.813
	w = worseThanStart(end, start)
	if len(w) != 1 || !strings.Contains(w[0], "component 1") || !strings.Contains(w[0], "pixel correlation 0.813 (start 0.833)") {
		t.Errorf("warnings %q", w)
	}
}
