package main

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// bandColor is col made translucent (alpha 60 of 255), the fill of the
// ±σ bands of the set dashboards and of the anisotropy noise floor.
func bandColor(col color.Color) color.Color {
	r, g, b, _ := col.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 60}
}

// addBand shades lo[i] … hi[i] over x[i] (x increasing) in a translucent
// col, one polygon per run of consecutive points where both are finite (and
// > 0 on a log y axis, logY); a run of one point is drawn as a narrow box
// ±0.08 around its x. It returns the first polygon (nil when nothing was
// drawn), for a legend entry.
func addBand(p *plot.Plot, x, lo, hi []float64, col color.Color, logY bool) (*plotter.Polygon, error) {
	var first *plotter.Polygon
	ok := func(i int) bool {
		v := !math.IsNaN(lo[i]) && !math.IsNaN(hi[i]) && !math.IsInf(lo[i], 0) && !math.IsInf(hi[i], 0)
		return v && (!logY || lo[i] > 0 && hi[i] > 0)
	}
	flush := func(run []int) error {
		if len(run) == 0 {
			return nil
		}
		var up, down plotter.XYs
		if len(run) == 1 {
			i := run[0]
			up = plotter.XYs{{X: x[i] - 0.08, Y: hi[i]}, {X: x[i] + 0.08, Y: hi[i]}}
			down = plotter.XYs{{X: x[i] - 0.08, Y: lo[i]}, {X: x[i] + 0.08, Y: lo[i]}}
		} else {
			for _, i := range run {
				up = append(up, plotter.XY{X: x[i], Y: hi[i]})
				down = append(down, plotter.XY{X: x[i], Y: lo[i]})
			}
		}
		slices.Reverse(down)
		poly, err := plotter.NewPolygon(append(up, down...))
		if err != nil {
			return err
		}
		poly.Color = bandColor(col)
		poly.LineStyle.Width = 0
		p.Add(poly)
		if first == nil {
			first = poly
		}
		return nil
	}
	var run []int
	for i := range x {
		if i < len(lo) && i < len(hi) && ok(i) {
			run = append(run, i)
			continue
		}
		if err := flush(run); err != nil {
			return nil, err
		}
		run = nil
	}
	if err := flush(run); err != nil {
		return nil, err
	}
	return first, nil
}

// setStat is the mean and the standard deviation (n − 1 in the
// denominator, 0 for one value) of one plotted quantity over the maps of a
// set, NaN and ±Inf values left out (NaN mean when all are):
// stats.FiniteMeanSD.
func setStat(ys []float64) (mean, sd float64) { return stats.FiniteMeanSD(ys) }

// circStat is stats.CircularStat: the circular mean of the angles ph
// (radians; NaN left out) in (−π, π] and their circular standard deviation
// √(−2 ln R); for axial data (directions modulo π) pass the doubled angles
// and halve the results (stats.AxialStatDeg does).
func circStat(ph []float64) (mean, sd float64) { return stats.CircularStat(ph) }

// setBandTitle is the title of the scov and spectra dashboards of b maps:
// title as it is for one map; for a set, without the " (map 0 of b)" that
// stats puts in it, and with a line "lines: mean of b maps; bands: ±1σ over
// the maps" (the per-class dashboard's setDashboardTitle says points and
// bars).
func setBandTitle(title string, b int) string {
	if b < 2 {
		return title
	}
	title = strings.Replace(title, fmt.Sprintf(" (map 0 of %d)", b), "", 1)
	return title + fmt.Sprintf("\nlines: mean of %d maps; bands: ±1σ over the maps", b)
}

// addBandKey adds a legend entry for the ±σ bands of a set of b maps to p:
// a grey swatch named "bands: ±1σ over b maps" (nothing for one map).
func addBandKey(p *plot.Plot, b int) error {
	if b < 2 {
		return nil
	}
	sw, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return err
	}
	sw.Color, sw.LineStyle.Width = bandColor(color.Gray{Y: 90}), 0
	p.Legend.Add(fmt.Sprintf("bands: ±1σ over %d maps", b), sw)
	return nil
}

// addMeanLine draws one series of a dashboard panel: the line and points xy
// in palette colour i with glyph, preceded, for a set (set), by its ±1σ band
// (x bx, from lo to hi; addBand), and a legend entry name unless name is "".
// No points: nothing drawn.
func addMeanLine(p *plot.Plot, xy plotter.XYs, bx, lo, hi []float64, set bool, i int, name string, glyph draw.GlyphDrawer, logY bool) error {
	if len(xy) == 0 {
		return nil
	}
	if set {
		if _, err := addBand(p, bx, lo, hi, plotx.Palette(i), logY); err != nil {
			return err
		}
	}
	l, s, err := plotter.NewLinePoints(xy)
	if err != nil {
		return err
	}
	l.Color, s.Color, s.Shape = plotx.Palette(i), plotx.Palette(i), glyph
	p.Add(l, s)
	if name != "" {
		p.Legend.Add(name, l, s)
	}
	return nil
}
