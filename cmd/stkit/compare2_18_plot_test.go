package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/stkit-org/stkit/internal/plotx"
)

// The --compare plot's legend was reported at the lower left over the
// points, compareFigure setting Legend.Top. Not reproduced on 14 plots
// (wst, scov, spectra, wph, --iso, --synthesis; 2 vs 3 and 8 vs 8 GRFs;
// Quijote): plotx.Save's PlaceLegend overrides Legend.Top and put it clear
// of the points each time. compareFigure now sets no corner, and this
// checks z plots that fill the whole axes (uniform z in ±3 to ±100; wst's 5
// real classes, scov's 8 series with C01 and C11 re and im, 3000+ parts,
// wph's 9): the legend covers 0 of the drawn marks
// (plotx.GridLegendOverlaps, the layout plotCompare saves). The y axis's
// labels are round (plotx.LinearTicks): gonum's default labelled the
// widened [−100, 75] of a 2 vs 3 wph plot −75.00, 0.00, 75.00.
func TestCompare2LegendClearOfPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cfg := range []struct {
		classes []string
		cplx    map[string]bool
		n       int
		amp     float64
	}{
		{[]string{"S0", "S1", "P00", "S2", "P11"}, nil, 217, 3},
		{[]string{"S0", "S1", "P00", "S2", "P11"}, nil, 217, 100},
		{[]string{"mean", "var", "P00", "S1", "C01", "C11"}, map[string]bool{"C01": true, "C11": true}, 3970, 20},
		{[]string{"S11", "S00", "S01", "C01", "Cphase", "L"}, map[string]bool{"S01": true, "C01": true, "Cphase": true}, 381, 30},
		{[]string{"S11", "S00", "S01", "C01", "Cphase", "L"}, map[string]bool{"S01": true, "C01": true, "Cphase": true}, 30, 30},
	} {
		var r compareResult
		for _, c := range cfg.classes {
			r.Classes = append(r.Classes, compareClass{Class: c})
		}
		for k := range cfg.n {
			c := cfg.classes[k*len(cfg.classes)/cfg.n]
			r.Parts = append(r.Parts, comparePart{Index: k, Class: c, Part: "re", Z: cfg.amp * (2*rng.Float64() - 1)})
			if cfg.cplx[c] {
				r.Parts = append(r.Parts, comparePart{Index: k, Class: c, Part: "im", Z: cfg.amp * (2*rng.Float64() - 1)})
			}
		}
		r.Dof = len(r.Parts)
		name := fmt.Sprintf("%d classes, %d parts, |z| ≤ %g", len(cfg.classes), r.Dof, cfg.amp)
		p, err := compareFigure("z of A = a/ (2 maps) vs B = b/ (3 maps)\nχ²/dof = 3 over 217 dof", r)
		if err != nil {
			t.Fatal(err)
		}
		if p.Legend.Top || p.Legend.Left {
			t.Errorf("%s: compareFigure set a legend corner (top %v, left %v): plotx.PlaceLegend chooses it", name, p.Legend.Top, p.Legend.Left)
		}
		ov, err := plotx.GridLegendOverlaps("", [][]*plot.Plot{{p}}, compareFigW, compareFigH)
		if err != nil {
			t.Fatal(err)
		}
		if ov[0][0] != 0 {
			t.Errorf("%s: the legend (top %v, left %v) covers %d points", name, p.Legend.Top, p.Legend.Left, ov[0][0])
		}
		for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			if strings.HasSuffix(tk.Label, ".00") {
				t.Errorf("%s: y tick label %q on [%g, %g]", name, tk.Label, p.Y.Min, p.Y.Max)
			}
		}
	}
}
