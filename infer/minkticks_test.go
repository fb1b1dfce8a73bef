package infer

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// minkowski.png's axes had gonum's default tick labels ("1.0 0.6 0.2" on
// V0, "-2.0" on ν); they now use plotx.LinearTicks: no label ends in a
// trailing zero after the decimal point.
func TestMinkowskiTickLabels(t *testing.T) {
	nu := MinkowskiThresholds
	v := func(f func(x float64) float64) []float64 {
		out := make([]float64, len(nu))
		for i, x := range nu {
			out[i] = f(x)
		}
		return out
	}
	v0 := v(func(x float64) float64 { return 0.5 - 0.2*x })
	vm := &ValidationMetrics{MFNu: nu, MFTarget: [3][]float64{v0, v0, v0}, MFSynth: [3][]float64{v0, v0, v0}}
	row, err := minkowskiPanels(vm, "target", "syntheses")
	if err != nil {
		t.Fatal(err)
	}
	for f, p := range row {
		for _, ax := range []struct {
			name     string
			min, max float64
			ticks    func(min, max float64) []string
		}{
			{"x", p.X.Min, p.X.Max, func(a, b float64) []string { return labels(p.X.Tick.Marker.Ticks(a, b)) }},
			{"y", p.Y.Min, p.Y.Max, func(a, b float64) []string { return labels(p.Y.Tick.Marker.Ticks(a, b)) }},
		} {
			ls := ax.ticks(ax.min, ax.max)
			if len(ls) < 2 {
				t.Errorf("panel %d %s: labels %q", f, ax.name, ls)
			}
			for _, l := range ls {
				if strings.Contains(l, ".") && strings.HasSuffix(l, "0") {
					t.Errorf("panel %d %s axis: label %q has a trailing zero (%q)", f, ax.name, l, ls)
				}
			}
		}
	}
}

// labels returns the non-empty labels of ticks.
func labels(ts []plot.Tick) []string {
	var out []string
	for _, t := range ts {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}
