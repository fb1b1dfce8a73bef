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
// classes with orientations), |value| on a log axis when all values are
// positive. For scattering covariance the S3/S4 (C01/C11) panels use the
// isotropic coefficients (modulus and phase against the scale difference) when
// they are available in the label table.
func statsDashboard(path string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs) error {
	lab := op.Labels()
	if lab == nil || lab.Len() == 0 {
		return fmt.Errorf("no labels to plot")
	}
	if c.H*c.W > 1 {
		return fmt.Errorf("--plot is for global statistics (got per-pixel coefficients)")
	}
	row := c.Row(0)
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
		// x axis: the scale difference j2 − j1 for two-scale classes, j1 otherwise
		xname, x := "j1", func(i int) float64 { return float64(lab.Get(i, "j1")) }
		if lab.Get(idx[0], "j2") >= 0 && lab.Get(idx[0], "j1") >= 0 {
			xname, x = "j2 − j1", func(i int) float64 { return float64(lab.Get(i, "j2") - lab.Get(i, "j1")) }
		}
		p.X.Label.Text = xname
		allPos := true
		for _, i := range idx {
			if cmplxAbs(row[i]) <= 0 {
				allPos = false
			}
		}
		if allPos {
			p.Y.Scale = plot.LogScale{}
			p.Y.Tick.Marker = plot.LogTicks{}
			p.Y.Label.Text = "|value|"
		} else {
			p.Y.Label.Text = "Re value"
		}
		groups := map[int]plotter.XYs{}
		for _, i := range idx {
			v := real(row[i])
			if allPos {
				v = cmplxAbs(row[i])
			}
			l := lab.Get(i, "l1")
			groups[l] = append(groups[l], plotter.XY{X: x(i), Y: v})
		}
		keys := make([]int, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		for gi, k := range keys {
			s, err := plotter.NewScatter(groups[k])
			if err != nil {
				return err
			}
			s.GlyphStyle.Color = plotx.Palette(gi)
			s.GlyphStyle.Shape = draw.CircleGlyph{}
			s.GlyphStyle.Radius = vg.Points(2)
			p.Add(s)
			if k >= 0 && len(keys) <= 8 {
				p.Legend.Add(fmt.Sprintf("l1=%d", k), s)
			}
		}
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return fmt.Errorf("nothing to plot")
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
	return plotx.SaveGrid(path, grid, vg.Length(cols)*4.5*vg.Inch, vg.Length(rows)*3.5*vg.Inch)
}

func cmplxAbs(v complex128) float64 { return math.Hypot(real(v), imag(v)) }
