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
)

// spectraDashboardView names what spectraDashboard draws, under its title.
const spectraDashboardView = "scattering spectra (the --kind spectra vector of one map, not the scov moments)"

// spectraDashboard draws stats --plot for --kind spectra: the spectra
// vector row (its label table lab) of the first map, in 2×2 panels:
//
//   - log P00(j) and log S1(j) (natural logs of the orientation averages;
//     unit, when known, named in the axis: "(P00 in (MJy/sr)², S1 in MJy/sr)")
//     against j;
//   - S3: the C01 rows of DCT mode k = 0 (√N × the mean over the N absolute
//     scales) against a = j2 − j1, one line per angular harmonic h1 and part
//     (Re, Im);
//   - S4: the C11 rows of k = 0 and harmonic h1 = h2 = 0 (the isotropic
//     part) against a, one line per b = j2 − j3;
//   - the energy Σ v² of the C01 and the C11 rows of each DCT mode k, on a
//     log axis: a self-similar field has (almost) all of it at k = 0.
//
// The title's second line gives mean/std. It used to draw the scov
// dashboard of the raw moments (P00 per orientation, |C01| …) under the
// title "scattering-spectra dashboard", which is not what --kind spectra
// computes.
func spectraDashboard(path, title, unit string, lab *stlayer.Labels, row []complex128) error {
	grid, meanStd, err := spectraDashboardPlots(lab, row, unit)
	if err != nil {
		return err
	}
	head := spectraDashboardView
	if !math.IsNaN(meanStd) {
		head += fmt.Sprintf(": mean/std = %.4g", meanStd)
	}
	if title != "" {
		head = title + "\n" + head
	}
	return plotx.SaveGridTitled(path, head, grid, 12*vg.Inch, 9*vg.Inch)
}

// spectraDashboardPlots builds spectraDashboard's panels and returns the
// mean/std row's value (NaN when absent).
func spectraDashboardPlots(lab *stlayer.Labels, row []complex128, unit string) ([][]*plot.Plot, float64, error) {
	if lab == nil || lab.Len() == 0 || len(row) < lab.Len() {
		return nil, 0, fmt.Errorf("no spectra to plot")
	}
	meanStd := math.NaN()
	mk := func(title, xl, yl string) *plot.Plot {
		p := plot.New()
		p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
		p.X.Tick.Marker = plotx.IntTicks{}
		return p
	}
	addLine := func(p *plot.Plot, xy plotter.XYs, i int, name string, glyph draw.GlyphDrawer) error {
		if len(xy) == 0 {
			return nil
		}
		sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		l.Color, s.Color = plotx.Palette(i), plotx.Palette(i)
		s.Shape = glyph
		p.Add(l, s)
		if name != "" {
			p.Legend.Add(name, l, s)
		}
		return nil
	}
	// panel 1: the logs
	yl := "natural log"
	if unit != "" {
		yl += " (P00 in " + unitPower(unit, 2) + ", S1 in " + unit + ")"
	}
	p1 := mk("log P00(j), log S1(j): logs of the orientation averages", "scale j (central wavelength 8/3·2^j pixels)", yl)
	var lp, ls plotter.XYs
	for i := 0; i < lab.Len(); i++ {
		v := real(row[i])
		switch lab.Class[i] {
		case "mean":
			meanStd = v
		case "P00":
			lp = append(lp, plotter.XY{X: float64(lab.Get(i, "j")), Y: v})
		case "S1":
			ls = append(ls, plotter.XY{X: float64(lab.Get(i, "j")), Y: v})
		}
	}
	if err := addLine(p1, lp, 0, "log P00", draw.CircleGlyph{}); err != nil {
		return nil, 0, err
	}
	if err := addLine(p1, ls, 1, "log S1", draw.SquareGlyph{}); err != nil {
		return nil, 0, err
	}
	// panel 2: S3 = C01 at k = 0, one line per harmonic and part
	p2 := mk("S3 spectra: C01, DCT mode k = 0 (√N × mean over scales)", "a = j2 − j1", "C01 spectra (dimensionless)")
	type hp struct{ h1, h2, im int }
	c01 := map[hp]plotter.XYs{}
	c11 := map[int]plotter.XYs{} // by b
	energy := map[string]map[int]float64{"C01": {}, "C11": {}}
	for i := 0; i < lab.Len(); i++ {
		cl := lab.Class[i]
		if cl != "C01" && cl != "C11" {
			continue
		}
		v := real(row[i])
		k := lab.Get(i, "k")
		energy[cl][k] += v * v
		if k != 0 {
			continue
		}
		a := float64(lab.Get(i, "a"))
		if cl == "C01" {
			key := hp{lab.Get(i, "h1"), 0, lab.Get(i, "im")}
			c01[key] = append(c01[key], plotter.XY{X: a, Y: v})
		} else if lab.Get(i, "h1") == 0 && lab.Get(i, "h2") == 0 && lab.Get(i, "im") == 0 {
			b := lab.Get(i, "b")
			c11[b] = append(c11[b], plotter.XY{X: a, Y: v})
		}
	}
	keys := make([]hp, 0, len(c01))
	for k := range c01 {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].h1 != keys[b].h1 {
			return keys[a].h1 < keys[b].h1
		}
		return keys[a].im < keys[b].im
	})
	for gi, k := range keys {
		name := fmt.Sprintf("h1=%d Re", k.h1)
		if k.im == 1 {
			name = fmt.Sprintf("h1=%d Im", k.h1)
		}
		if err := addLine(p2, c01[k], gi, name, draw.CircleGlyph{}); err != nil {
			return nil, 0, err
		}
	}
	// panel 3: S4 = C11 at k = 0, h1 = h2 = 0, one line per b
	p3 := mk("S4 spectra: C11, k = 0, h1 = h2 = 0 (isotropic part)", "a = j2 − j1", "C11 spectra (dimensionless)")
	bs := make([]int, 0, len(c11))
	for b := range c11 {
		bs = append(bs, b)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(bs)))
	for gi, b := range bs {
		if err := addLine(p3, c11[b], gi, fmt.Sprintf("b=%d", b), draw.CircleGlyph{}); err != nil {
			return nil, 0, err
		}
	}
	// panel 4: energy per DCT mode
	p4 := mk("energy per DCT mode k over scales (self-similar: all at k = 0)", "DCT mode k", "Σ v² over the rows of mode k")
	positive := false
	for ci, cl := range []string{"C01", "C11"} {
		var xy plotter.XYs
		for k, e := range energy[cl] {
			if e > 0 {
				xy = append(xy, plotter.XY{X: float64(k), Y: e})
			}
		}
		positive = positive || len(xy) > 0
		if err := addLine(p4, xy, ci, cl, draw.CircleGlyph{}); err != nil {
			return nil, 0, err
		}
	}
	if positive {
		plotx.SetLog(p4, false, true)
	}
	grid := [][]*plot.Plot{{p1, p2}, {p3, p4}}
	for _, r := range grid {
		for _, p := range r {
			padAxes(p)
		}
	}
	return grid, meanStd, nil
}
