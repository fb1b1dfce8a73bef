package main

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func sortStrings(s []string) { sort.Strings(s) }

// statsDashboard draws, for the first map, every coefficient class against
// its first scale index: one panel per class, one line per orientation l1 (for
// classes with orientations), the modulus on a log axis when all moduli are
// positive, else the real part (the axis named "|S1|" or "Re C01" after the
// class). For scattering covariance the S3/S4 (C01/C11) panels use the
// isotropic coefficients (modulus and phase against the scale difference) when
// they are available in the label table. title heads the figure.
func statsDashboard(path, title string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs) error {
	lab := op.Labels()
	if lab == nil || lab.Len() == 0 {
		return fmt.Errorf("no labels to plot")
	}
	if c.H*c.W > 1 {
		return fmt.Errorf("--plot is for global statistics (got per-pixel coefficients)")
	}
	panels, err := statsDashboardPanels(lab, c.Row(0))
	if err != nil {
		return err
	}
	cols := min(3, len(panels))
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for cc := 0; cc < cols; cc++ {
			if k := r*cols + cc; k < len(panels) {
				grid[r][cc] = panels[k]
			}
		}
	}
	return plotx.SaveGridTitled(path, title, grid, vg.Length(cols)*4.5*vg.Inch, vg.Length(rows)*3.5*vg.Inch+0.4*vg.Inch)
}

// statsDashboardPanels builds statsDashboard's panels from the label
// table lab and the coefficients row of one map: one per class of at least
// two coefficients, its y axis named after the class ("|S1|" on a log
// axis when all moduli are positive, "Re C01" otherwise).
func statsDashboardPanels(lab *stlayer.Labels, row []complex128) ([]*plot.Plot, error) {
	var classes []string
	seen := map[string]bool{}
	for _, cl := range lab.Class {
		if !seen[cl] {
			seen[cl] = true
			classes = append(classes, cl)
		}
	}
	var panels []*plot.Plot
	for _, cl := range classes {
		idx := lab.Select(cl, nil)
		if len(idx) < 2 {
			continue
		}
		p := plot.New()
		p.Title.Text = cl
		// x axis: the scale difference j2 − j1 for two-scale classes where it
		// varies, the scale j1 otherwise (S11, S00, … of WPH have j2 = j1)
		xname, x := "scale j1", func(i int) float64 { return float64(lab.Get(i, "j1")) }
		if lab.Get(idx[0], "j2") >= 0 && lab.Get(idx[0], "j1") >= 0 {
			d0, varies := lab.Get(idx[0], "j2")-lab.Get(idx[0], "j1"), false
			for _, i := range idx {
				varies = varies || lab.Get(i, "j2")-lab.Get(i, "j1") != d0
			}
			if varies {
				xname, x = "j2 − j1", func(i int) float64 { return float64(lab.Get(i, "j2") - lab.Get(i, "j1")) }
			}
		}
		p.X.Label.Text = xname
		p.X.Tick.Marker = plotx.IntTicks{}
		allPos := true
		for _, i := range idx {
			if cmplxAbs(row[i]) <= 0 {
				allPos = false
			}
		}
		if allPos {
			p.Y.Label.Text = "|" + cl + "|"
		} else {
			p.Y.Label.Text = "Re " + cl
		}
		keyOf, nameOf, what := dashboardGroups(lab, idx)
		groups := map[int]plotter.XYs{}
		for _, i := range idx {
			v := real(row[i])
			if allPos {
				v = cmplxAbs(row[i])
			}
			l := keyOf(i)
			groups[l] = append(groups[l], plotter.XY{X: x(i), Y: v})
		}
		keys := make([]int, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		p.X.Label.Text += fmt.Sprintf(" (points offset by %s: ±%.2g)", what, 0.06*float64(len(keys)-1)/2)
		if len(keys) < 2 {
			p.X.Label.Text = xname
		}
		for gi, k := range keys {
			// offset the orientations sideways so that they do not hide each other
			off := 0.06 * (float64(gi) - float64(len(keys)-1)/2)
			for j := range groups[k] {
				groups[k][j].X += off
			}
			s, err := plotter.NewScatter(groups[k])
			if err != nil {
				return nil, err
			}
			s.GlyphStyle.Color = plotx.Palette(gi)
			s.GlyphStyle.Shape = draw.CircleGlyph{}
			s.GlyphStyle.Radius = vg.Points(2)
			p.Add(s)
			if name := nameOf(k); name != "" && len(keys) <= 8 {
				p.Legend.Add(name, s)
			}
		}
		if allPos {
			plotx.SetLog(p, false, true)
		}
		padAxes(p)
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("nothing to plot")
	}
	return panels, nil
}

// dashboardGroups says how statsDashboard colours the coefficients idx of
// one class: by orientation l1 where the class has one ("l1=0", …), else
// by the phase harmonics (p1, p2) where those vary (WPH's scaling moments
// L: "p1=0,p2=1", …), else as one group without a legend entry (name "").
// what names the grouping for the x label ("l1", "(p1, p2)" or "").
func dashboardGroups(lab *stlayer.Labels, idx []int) (keyOf func(i int) int, nameOf func(k int) string, what string) {
	hasL1, pVaries := false, false
	for _, i := range idx {
		hasL1 = hasL1 || lab.Get(i, "l1") >= 0
		pVaries = pVaries || lab.Get(i, "p1") != lab.Get(idx[0], "p1") || lab.Get(i, "p2") != lab.Get(idx[0], "p2")
	}
	switch {
	case hasL1:
		return func(i int) int { return lab.Get(i, "l1") }, func(k int) string {
			if k < 0 {
				return ""
			}
			return fmt.Sprintf("l1=%d", k)
		}, "l1"
	case pVaries:
		const base = 1 << 16
		return func(i int) int { return lab.Get(i, "p1")*base + lab.Get(i, "p2") }, func(k int) string {
			return fmt.Sprintf("p1=%d,p2=%d", k/base, k%base)
		}, "(p1, p2)"
	default:
		return func(int) int { return 0 }, func(int) string { return "" }, ""
	}
}

func cmplxAbs(v complex128) float64 { return math.Hypot(real(v), imag(v)) }

// dashPad is the margin padAxes leaves on each side of the data: this
// fraction of the axis span (of its logarithm on a log axis).
const dashPad = 0.05

// padAxes widens both axes of p (after its data are added and SetLog has
// chosen the scales) by dashPad of their span on each side, so that the
// markers at the ends of the range are drawn whole inside the axes instead
// of half cut by them. A log axis is widened by a factor; a one-value linear
// axis by ±0.5 (an index) or ±10 % of the value. A linear axis still on
// gonum's default ticks gets plotx.LinearTicks (round labels in one form:
// "0", "0.25", "0.5" where gonum wrote "0.00", "0.25", "0.50").
func padAxes(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if _, ok := a.Tick.Marker.(plot.DefaultTicks); ok {
			a.Tick.Marker = plotx.LinearTicks{}
		}
		lo, hi := a.Min, a.Max
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi < lo {
			continue
		}
		if _, isLog := a.Scale.(plot.LogScale); isLog {
			if lo > 0 {
				f := math.Pow(hi/lo, dashPad)
				if f <= 1 {
					f = 2
				}
				a.Min, a.Max = lo/f, hi*f
			}
			continue
		}
		d := dashPad * (hi - lo)
		if d == 0 {
			d = 0.5
			if v := math.Abs(lo); v != math.Trunc(v) || v > 5 {
				d = 0.1 * v
			}
		}
		a.Min, a.Max = lo-d, hi+d
	}
}
