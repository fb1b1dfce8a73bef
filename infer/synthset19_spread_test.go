package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// NewSynthSpread: syntheses that are one map plus 1 % noise have a spread
// far below the targets' (class medians and the overall median < 0.3, the
// note set; pixel means < 0.05 of the targets'), while maps drawn from the
// targets' own process have about theirs (median in [0.5, 2], no note).
func TestSynthset19Spread(t *testing.T) {
	const s = 32
	set := synthsetSet(6, s)
	for b := 0; b < set.B; b++ { // pixel means 1 … 1.05
		for i := range set.Map(b) {
			set.Map(b)[i] += 0.01 * float64(b)
		}
	}
	others := synthsetSet(12, s) // maps 6–11 are new realisations
	indep := &stlayer.Maps{B: 6, M: s, N: s, Data: others.Data[6*s*s:]}
	clones := stlayer.NewMaps(4, s, s)
	for b := 0; b < clones.B; b++ {
		x := clones.Map(b)
		n := gNoise(s, s, uint64(b+1))
		for i := range x {
			x[i] = set.Data[i] + 0.01*0.3*n[i]
		}
	}
	eng := cpu.New()
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 3, Iso: true, Synthesis: true}, eng, set)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewSynthSpread(eng, op, set, clones)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("clones: %+v", *sp)
	if sp.Median > 0.3 || sp.Note != SpreadNote || sp.Syntheses != 4 || sp.Targets != 6 || len(sp.Classes) < 3 {
		t.Errorf("near-identical syntheses: median sd ratio %.3g, note %q, %d syntheses, %d targets, %d classes; want < 0.3, the note, 4, 6, ≥ 3", sp.Median, sp.Note, sp.Syntheses, sp.Targets, len(sp.Classes))
	}
	for _, c := range sp.Classes {
		if c.SDRatio > 0.3 {
			t.Errorf("near-identical syntheses: class %s sd ratio %.3g, want < 0.3", c.Class, c.SDRatio)
		}
	}
	if sp.PixelMeanSDRatio > 0.05 {
		t.Errorf("near-identical syntheses: pixel-mean sd ratio %.3g, want < 0.05", sp.PixelMeanSDRatio)
	}
	for b := 0; b < indep.B; b++ {
		for i := range indep.Map(b) {
			indep.Map(b)[i] += 0.01 * float64(5-b)
		}
	}
	sp, err = NewSynthSpread(eng, op, set, indep)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("independent: %+v", *sp)
	if sp.Median < 0.5 || sp.Median > 2 || sp.Note != "" || math.IsNaN(sp.PixelMeanSDRatio) {
		t.Errorf("independent maps: median sd ratio %.3g, note %q, pixel means %.3g; want in [0.5, 2], none", sp.Median, sp.Note, sp.PixelMeanSDRatio)
	}
	if _, err := NewSynthSpread(eng, op, set, &stlayer.Maps{B: 1, M: s, N: s, Data: set.Data[:s*s]}); err == nil {
		t.Error("one synthesis accepted")
	}
	// targets normalised to one pixel mean: no ratio for the means
	if sp, err := NewSynthSpread(eng, op, synthsetSet(6, s), clones); err != nil || sp.PixelMeanSDRatio != -1 {
		t.Errorf("targets of one pixel mean: pixel-mean ratio %v, %v; want −1", sp, err)
	}
}
