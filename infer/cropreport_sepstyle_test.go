package infer

import (
	"image/color"
	"math/rand/v2"
	"reflect"
	"testing"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/stlayer"
)

// scatterStyle returns the colour and marker of the markers p draws at
// exactly the points xy (false if none). gonum's Plot does not export its
// plotters: they are read through reflection.
func scatterStyle(p *plot.Plot, xy plotter.XYs) (color.Color, draw.GlyphDrawer, bool) {
	f := reflect.ValueOf(p).Elem().FieldByName("plotters")
	ps, _ := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().([]plot.Plotter)
	for _, pl := range ps {
		if s, ok := pl.(*plotter.Scatter); ok && reflect.DeepEqual(s.XYs, xy) {
			return s.Color, s.Shape, true
		}
	}
	return nil, nil, false
}

// TestSeparationSpectraStyles checks that each quantity of a separation's
// power_spectrum.png keeps one colour and marker across the panels: the
// data d, P_d/P_s and r(d, s) alike, the separated map, P_sep/P_s and
// r(sep, s) alike, the true contaminant and P_c/P_s alike, and the
// residual's spectrum and its ratio to the samples' mean alike (they
// swapped: P_sep/P_s took the data's blue, P_d/P_s the separated map's
// orange, and the residual's green triangles meant P_c/P_s in the middle).
func TestSeparationSpectraStyles(t *testing.T) {
	const m = 32
	r := rand.New(rand.NewPCG(7, 17))
	mk := func(b int) *stlayer.Maps { return cropreportMaps(r, b, m, m) }
	d, sep, truth, samples := mk(1), mk(1), mk(1), mk(2)
	sm, err := EvaluateSeparation(d, sep, samples, truth)
	if err != nil {
		t.Fatal(err)
	}
	row, err := separationSpectraPlots(sm)
	if err != nil {
		t.Fatal(err)
	}
	if len(row) != 3 {
		t.Fatalf("%d panels, want 3", len(row))
	}
	k := sm.PSK
	same := func(what string, a *plot.Plot, axy plotter.XYs, b *plot.Plot, bxy plotter.XYs) {
		t.Helper()
		ca, ga, ok1 := scatterStyle(a, axy)
		cb, gb, ok2 := scatterStyle(b, bxy)
		if !ok1 || !ok2 {
			t.Fatalf("%s: series not found (%v, %v)", what, ok1, ok2)
		}
		if !reflect.DeepEqual(ca, cb) || !reflect.DeepEqual(ga, gb) {
			t.Errorf("%s: colour %v marker %T in one panel, %v %T in the other", what, ca, ga, cb, gb)
		}
	}
	sp, ratio, corr := row[0], row[1], row[2]
	same("data: P_d and P_d/P_s", sp, validXY(k, sm.PSData, true), ratio, validXY(k, sm.PSRatioData, true))
	same("data: P_d and r(d, s)", sp, validXY(k, sm.PSData, true), corr, validXY(k, sm.RData, false))
	same("separated: P_sep and P_sep/P_s", sp, validXY(k, sm.PSSep, true), ratio, validXY(k, sm.PSRatio, true))
	same("separated: P_sep and r(sep, s)", sp, validXY(k, sm.PSSep, true), corr, validXY(k, sm.R, false))
	same("contaminant: P_c and P_c/P_s", sp, validXY(k, sm.PSContaminant, true), ratio, validXY(k, sm.ContamToSignal, true))
	cd, _, _ := scatterStyle(sp, validXY(k, sm.PSData, true))
	cs, _, _ := scatterStyle(sp, validXY(k, sm.PSSep, true))
	if reflect.DeepEqual(cd, cs) {
		t.Errorf("data and separated map share colour %v", cd)
	}
	// without the truth: the residual's ratio to the samples in the
	// residual's style
	nt, err := EvaluateSeparation(d, sep, samples, nil)
	if err != nil {
		t.Fatal(err)
	}
	row, err = separationSpectraPlots(nt)
	if err != nil {
		t.Fatal(err)
	}
	if len(row) != 2 {
		t.Fatalf("no truth: %d panels, want 2", len(row))
	}
	same("residual: P(d − sep) and its ratio to the samples", row[0], validXY(k, nt.PSResidual, true), row[1], validXY(k, nt.ResidualRatio, true))
}
