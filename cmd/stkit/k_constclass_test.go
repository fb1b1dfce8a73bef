package main

import (
	"math"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats --kind wph --norm auto --plot: S11 and S00 are normalised by
// themselves, 1 ± 1e-15, and their panels spread that rounding noise over
// the whole axis, labelled "1", "1", "1": a flat statistic looked like
// structure. A class equal to 1e-9 relative now gets an axis of a factor
// 1.5 around its value (±50 % on a linear axis) and a title line saying it.
func TestDashboardConstantClass(t *testing.T) {
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		r, c := float64(i/32), float64(i%32)
		x.Data[i] = math.Exp(math.Sin(0.4*r) + math.Cos(0.3*(r+2*c)))
	}
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WPH, J: 3, L: 2, Norm: "auto"}, cpu.New(), x)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	panels, err := statsDashboardPanels(op.Labels(), c.Row(0))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range panels {
		switch p.Title.Text {
		case "S11\n(every value 1 to 1e-9 relative)", "S00\n(every value 1 to 1e-9 relative)":
			found[p.Title.Text[:3]] = true
			if math.Abs(p.Y.Min-1/1.5) > 1e-12 || math.Abs(p.Y.Max-1.5) > 1e-12 {
				t.Errorf("%q: y axis [%g, %g], want [1/1.5, 1.5]", p.Title.Text, p.Y.Min, p.Y.Max)
			}
			var labels []string
			for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
				if tk.Label != "" {
					labels = append(labels, tk.Label)
				}
			}
			seen := map[string]bool{}
			for _, l := range labels {
				if seen[l] {
					t.Errorf("%q: tick label %q twice in %q", p.Title.Text, l, labels)
				}
				seen[l] = true
			}
		case "S01", "C01 (pairs j2 > j1)":
			found[p.Title.Text[:3]] = true
			// classes that vary keep their data range (padded by dashPad)
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, i := range op.Labels().Select(p.Title.Text[:3], nil) {
				lo, hi = min(lo, cmplxAbs(c.Row(0)[i])), max(hi, cmplxAbs(c.Row(0)[i]))
			}
			if f := math.Pow(hi/lo, dashPad); math.Abs(p.Y.Min-lo/f) > 1e-9*lo || math.Abs(p.Y.Max-hi*f) > 1e-9*hi {
				t.Errorf("%q: y axis [%g, %g], want the data [%g, %g] padded", p.Title.Text, p.Y.Min, p.Y.Max, lo, hi)
			}
		}
	}
	for _, k := range []string{"S11", "S00", "S01", "C01"} {
		if !found[k] {
			t.Errorf("no %s panel (titles as expected)", k)
		}
	}
	// the test itself: constantClass on a spread of 1e-12 and of 1e-6
	if _, ok := constantClass(map[int]plotter.XYs{0: {{X: 0, Y: 2}, {X: 1, Y: 2 + 2e-12}}}); !ok {
		t.Errorf("2 and 2 + 2e-12 not taken as one value")
	}
	if _, ok := constantClass(map[int]plotter.XYs{0: {{X: 0, Y: 2}, {X: 1, Y: 2 + 2e-6}}}); ok {
		t.Errorf("2 and 2 + 2e-6 taken as one value")
	}
}
