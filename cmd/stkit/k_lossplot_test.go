package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/vae"
)

// loss.png's y axes had gonum's default ticks: the reconstruction panel
// of a real run read "15.00", "12.50", "10.00", "7.50". They now have
// plotx.LinearTicks (labels without trailing zeros), and no legend of
// the six panels covers a curve.
func TestLossPlotTicksAndLegends(t *testing.T) {
	var h []epochRow
	for e := 1; e <= 200; e++ {
		x := float64(e)
		v := func(f float64) *float64 { return &f }
		noise := 0.8 * math.Sin(1.7*x)
		h = append(h, epochRow{Epoch: e, Tau: math.Max(0.5, math.Exp(-0.0139*x)), LR: 0.01 / (1 + 0.2*x),
			Loss: 2.4 + 20*math.Exp(-x/8) + 0.1*noise, Rec: 8 + 30*math.Exp(-x/10) + noise, Gauss: 0.8 + 3*math.Exp(-x/12) + 0.1*noise,
			Cat: 0.66 * (1 - math.Exp(-x/60)), Balance: 0.02 + 0.01*math.Sin(x/9), Occupancy: []float64{0.42 + 0.1*math.Exp(-x/30), 0.58 - 0.1*math.Exp(-x/30)},
			ValLoss: v(3.1 + 20*math.Exp(-x/8)), ValRec: v(10 + 30*math.Exp(-x/10) + 0.01*x), ValGauss: v(1.2 + 3*math.Exp(-x/12)), ValCat: v(0.67 * (1 - math.Exp(-x/60)))})
	}
	cfg := vae.Config{K: 2, WRec: 0.15, WGauss: 1, WCat: 0.3, WBalance: 0.3}
	grid := lossPlots(cfg, h)
	ov, err := plotx.GridLegendOverlaps("", grid, lossW, lossH)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range grid {
		for j, p := range row {
			if ov[i][j] > 0 {
				t.Errorf("panel %q: the legend covers %d data marks", p.Title.Text, ov[i][j])
			}
			if _, ok := p.Y.Tick.Marker.(plotx.LinearTicks); !ok {
				t.Errorf("panel %q: y ticks %T, want plotx.LinearTicks", p.Title.Text, p.Y.Tick.Marker)
			}
			n := 0
			for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
				if tk.Label == "" {
					continue
				}
				n++
				if strings.Contains(tk.Label, ".") && strings.HasSuffix(tk.Label, "0") {
					t.Errorf("panel %q: tick label %q has a trailing zero", p.Title.Text, tk.Label)
				}
			}
			if n < 2 {
				t.Errorf("panel %q: %d labelled y ticks on [%g, %g]", p.Title.Text, n, p.Y.Min, p.Y.Max)
			}
		}
	}
}
