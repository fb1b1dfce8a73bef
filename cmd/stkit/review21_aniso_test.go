package main

import (
	"math"
	"testing"
)

// TestReview21AnisoPanelsNoMeanDirection: two maps whose directions cancel
// as axes (ψ = 10° and 100°: a map and its 90° rotation) have no mean
// direction; stats.AxialStatDeg gave one from round-off (R = 2.8e-17: a
// point with σ ≈ 250°), and now gives NaN, which the ψ panel drew as a
// point: "plot: plotter: NaN data point", no dashboard and no output
// (stats rot.npy --kind wst -J 3 --plot). The scale is left out of the ψ
// panel, whose scales still span the amplitude panel's.
func TestReview21AnisoPanelsNoMeanDirection(t *testing.T) {
	sc := func(j int, dir float64) anisoScaleDoc {
		return anisoScaleDoc{J: j, Amplitude: 0.5, DirectionDeg: dir, NoiseFloor: 0.1, Significant: true}
	}
	d := &anisotropyDoc{Class: "S1", Maps: []anisotropyAt{
		{Map: 0, Scales: []anisoScaleDoc{sc(0, 10), sc(1, 30), sc(2, 0)}},
		{Map: 1, Scales: []anisoScaleDoc{sc(0, 100), sc(1, 40), sc(2, 90)}},
	}}
	set := anisoBySet(d)
	if len(set) != 3 || !math.IsNaN(set[0].dir) || !math.IsNaN(set[0].dirSD) || !math.IsNaN(set[2].dir) || math.Abs(set[1].dir-35) > 1e-9 {
		t.Fatalf("anisoBySet: %+v; want ψ NaN at j = 0 and 2, 35° at j = 1", set)
	}
	ps, err := anisoPanels(d)
	if err != nil || len(ps) != 2 {
		t.Fatalf("anisoPanels: %v (%d panels)", err, len(ps))
	}
	if ys := glyphYs(ps[1]); len(ys) != 1 || math.Abs(ys[0]-35) > 0.5 {
		t.Errorf("ψ panel points %v, want one at 35°", ys)
	}
	if ps[1].X.Min != ps[0].X.Min || ps[1].X.Max != ps[0].X.Max {
		t.Errorf("ψ panel x %g–%g, amplitude panel %g–%g", ps[1].X.Min, ps[1].X.Max, ps[0].X.Min, ps[0].X.Max)
	}
	// every direction undefined: an empty ψ panel, no error
	d.Maps[0].Scales, d.Maps[1].Scales = d.Maps[0].Scales[:1], d.Maps[1].Scales[:1]
	if ps, err := anisoPanels(d); err != nil || len(ps) != 2 || len(glyphYs(ps[1])) != 0 {
		t.Errorf("no direction at all: %v", err)
	}
}
