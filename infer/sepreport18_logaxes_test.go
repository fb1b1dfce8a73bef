package infer

import (
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/stkit-org/stkit/internal/plotx"
)

// TestSepreport18LogAxesLabelEnds: the reports' log axes (setLogScales:
// loss.png, power_spectrum.png) are drawn out to labelled ends: a loss
// falling from 80 to 2.6 had 2.6 under a lowest label of 5.
func TestSepreport18LogAxesLabelEnds(t *testing.T) {
	p := plot.New()
	if err := plotx.AddLines(p, false, "", plotter.XYs{{X: 0, Y: 80}, {X: 1, Y: 9}, {X: 2, Y: 2.6}}); err != nil {
		t.Fatal(err)
	}
	setLogScales(p, false, true)
	le, ok := p.Y.Tick.Marker.(plotx.LabelEnds)
	if !ok {
		t.Fatalf("y ticker %T, want plotx.LabelEnds", p.Y.Tick.Marker)
	}
	p.Y.Tick.Marker = le.Ticker
	plotx.LogToLabels(&p.Y)
	lowest := math.Inf(1)
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			lowest = math.Min(lowest, tk.Value)
		}
	}
	if !(lowest <= 2.6) || p.Y.Min > lowest {
		t.Errorf("lowest label %g, axis from %g; want a label at or under 2.6", lowest, p.Y.Min)
	}
}
