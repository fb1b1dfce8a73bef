package plotx

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// labelRange returns the smallest and largest labelled tick of a.
func labelRange(a *plot.Axis) (lo, hi float64, labels []string) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, t := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if t.Label != "" {
			lo, hi = min(lo, t.Value), max(hi, t.Value)
			labels = append(labels, t.Label)
		}
	}
	return lo, hi, labels
}

// Log axes of the dashboards drew series below the lowest label (wph
// --iso L of Q_1: points down to 2.5e-4 under a lowest label 5e-4; S00 at
// 9.5e-7 under 1e-6). LogToLabels widens the axis so that its ends are
// labelled, and keeps the range it was given inside.
func TestPlots18LogToLabels(t *testing.T) {
	for _, c := range []struct{ lo, hi float64 }{
		{2.3e-4, 2.1e-3},  // L: labels were 5e-4, 1e-3, 2e-3
		{9.2e-7, 6.3e-6},  // S00: lowest label 1e-6
		{4.8e-3, 0.0215},  // S11 of a set: 0.005 … 0.02
		{1.1e-3, 4.1e-3},  // less than a decade
		{7.5e-9, 4.4e-5},  // several decades: powers of ten
		{0.9e-7, 3.7e-6},  // C01: 1e-7 … 2e-6
		{1.02e-3, 0.98e3}, // six decades
	} {
		a := &plot.Axis{Min: c.lo, Max: c.hi, Scale: plot.LogScale{}}
		a.Tick.Marker = LabelEnds{Ticker: LogTicks{}}
		p := plot.New()
		p.Y = *a
		labelEnds(p)
		a = &p.Y
		lo, hi, labels := labelRange(a)
		if a.Min > c.lo || a.Max < c.hi {
			t.Errorf("[%g, %g]: widened to [%g, %g], which leaves part out", c.lo, c.hi, a.Min, a.Max)
		}
		if lo > a.Min*(1+1e-9) || hi < a.Max*(1-1e-9) {
			t.Errorf("[%g, %g] → [%g, %g]: labels %q span only [%g, %g]", c.lo, c.hi, a.Min, a.Max, labels, lo, hi)
		}
		// at most to the next power of ten on each side (to the next 1, 2, 5
		// or 1…9 × 10^k on ranges labelled so)
		if c.lo/a.Min > 10 || a.Max/c.hi > 10 || c.hi/c.lo < 100 && (c.lo/a.Min > 2.5 || a.Max/c.hi > 2.5) {
			t.Errorf("[%g, %g] → [%g, %g]: widened too far", c.lo, c.hi, a.Min, a.Max)
		}
		seen := map[string]bool{}
		for _, l := range labels {
			if seen[l] {
				t.Errorf("[%g, %g]: label %q twice in %q", c.lo, c.hi, l, labels)
			}
			seen[l] = true
		}
	}
	// scov's |C01| of I_1, [0.162, 0.251], labelled 0.175 … 0.25: down to
	// 0.15 (1…9 × 10^k alone gave 0.1, half the panel empty)
	c := &plot.Axis{Min: 0.162, Max: 0.251, Scale: plot.LogScale{}}
	c.Tick.Marker = LogTicks{}
	LogToLabels(c)
	if c.Min != 0.15 || c.Max != 0.3 {
		t.Errorf("[0.162, 0.251] widened to [%g, %g], want [0.15, 0.3]", c.Min, c.Max)
	}
	// an added end label unlabels a tick that would crowd it: [0.16, 0.25]
	// is labelled 0.16, 0.2, 0.24, and gets 0.25 instead of 0.24
	d := &plot.Axis{Min: 0.16, Max: 0.25, Scale: plot.LogScale{}}
	d.Tick.Marker = LogTicks{}
	LogToLabels(d)
	if _, _, labels := labelRange(d); strings.Join(labels, " ") != "0.16 0.2 0.25" {
		t.Errorf("[0.16, 0.25]: labels %q, want 0.16 0.2 0.25", labels)
	}
	// a linear axis, and one already labelled at its ends, stay as they are
	lin := &plot.Axis{Min: 0.3, Max: 7, Scale: plot.LinearScale{}}
	lin.Tick.Marker = LogTicks{}
	LogToLabels(lin)
	if lin.Min != 0.3 || lin.Max != 7 {
		t.Errorf("linear axis changed to [%g, %g]", lin.Min, lin.Max)
	}
	ok := &plot.Axis{Min: 1e-3, Max: 1, Scale: plot.LogScale{}}
	ok.Tick.Marker = LogTicks{}
	LogToLabels(ok)
	if ok.Min != 1e-3 || ok.Max != 1 {
		t.Errorf("axis labelled at its ends changed to [%g, %g]", ok.Min, ok.Max)
	}
}

// A legend 7 pt beside a data point counted as clear of it (4 pt
// clearance) and stood among the data (wst P11, wph C01 of a set). A corner
// is now free only with 10 pt around the legend.
func TestPlots18LegendClearance(t *testing.T) {
	c := draw.New(vgimg.NewWith(vgimg.UseWH(5*vg.Inch, 4*vg.Inch), vgimg.UseDPI(DPI)))
	build := func(extra plotter.XYs) *plot.Plot {
		p := plot.New()
		pts := append(plotter.XYs{{X: 0, Y: 0}, {X: 10, Y: 0}, {X: 0, Y: 10}, {X: 10, Y: 10}}, extra...)
		s, err := plotter.NewScatter(pts)
		if err != nil {
			t.Fatal(err)
		}
		s.Radius = vg.Points(2)
		p.Add(s)
		p.Legend.Add("a long legend entry", s)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 11, -1, 11
		return p
	}
	// where the legend stands top right among the four corner points, and
	// a point 7 pt left of its box, half-way down
	p := build(nil)
	p.Legend.Top, p.Legend.Left = true, false
	alignLegendTop(p, c)
	box, ok := LegendBox(p, c)
	if !ok {
		t.Fatal("no legend box")
	}
	dc := p.DataCanvas(c)
	toX := func(x vg.Length) float64 {
		return p.X.Min + float64((x-dc.Min.X)/dc.Size().X)*(p.X.Max-p.X.Min)
	}
	toY := func(y vg.Length) float64 {
		return p.Y.Min + float64((y-dc.Min.Y)/dc.Size().Y)*(p.Y.Max-p.Y.Min)
	}
	near := plotter.XY{X: toX(box.Min.X - 7 - 2), Y: toY((box.Min.Y + box.Max.Y) / 2)}
	q := build(plotter.XYs{near})
	PlaceLegend(q, c)
	box, _ = LegendBox(q, c)
	for _, r := range DataMarks(q, c) {
		dx := max(box.Min.X-r.Max.X, r.Min.X-box.Max.X, 0)
		dy := max(box.Min.Y-r.Max.Y, r.Min.Y-box.Max.Y, 0)
		if d := math.Hypot(float64(dx), float64(dy)); d < 9.9 {
			t.Errorf("legend (top=%v left=%v, y range [%g, %g]) %.1f pt from a data mark, want ≥ 10", q.Legend.Top, q.Legend.Left, q.Y.Min, q.Y.Max, d)
		}
	}
}
