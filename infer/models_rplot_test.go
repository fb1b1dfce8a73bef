package infer

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// r.png of a learned-model separation showed r(k) of the estimates only,
// with an unexplained dotted line at 0.8: the yardstick r(k) of the data
// itself (RData, printed by the CLI) was missing. It now has a dashed line
// per component for it and the title names the dotted line.
func TestModelSepRPlotHasDataBaseline(t *testing.T) {
	k := []float64{1, 2, 4}
	ms := []SepComponentMetrics{
		{Name: "component 0", R: []float64{0.9, 0.8, 0.7}, RData: []float64{0.85, 0.7, 0.6}, PowerFraction: []float64{0.9, 0.5, 0.1}},
		{Name: "component 1", R: []float64{0.5, 0.8, 0.95}, RData: []float64{0.4, 0.75, 0.9}, PowerFraction: []float64{0.1, 0.5, 0.9}},
	}
	p, err := modelSepRPlot(k, ms)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Title.Text, "dotted: r = 0.8") || !strings.Contains(p.Title.Text, "data (dashed)") {
		t.Errorf("title %q does not say what the dotted and dashed lines are", p.Title.Text)
	}
	// 4 legend entries: as tall as a legend of 4 plain lines
	q := plot.New()
	for i := 0; i < 4; i++ {
		l, _ := plotter.NewLine(plotter.XYs{{X: 1, Y: 0.5}, {X: 2, Y: 0.6}})
		q.Legend.Add("x", l)
	}
	c := draw.New(vgimg.New(4*vg.Inch, 3*vg.Inch))
	if h, want := p.Legend.Rectangle(c).Size().Y, q.Legend.Rectangle(c).Size().Y; h != want {
		t.Errorf("legend height %v, want %v (estimate and data line per component)", h, want)
	}
	// the y range includes the data lines' lowest r
	if p.Y.Min > 0.4 {
		t.Errorf("y range starts at %g, above the data's r = 0.4", p.Y.Min)
	}
}
