package main

import (
	"fmt"
	"math"
	"sort"
	"strings"

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
//   - S3: the mean over the N = J − a absolute scales j1 of C01 (the row of
//     DCT mode k = 0 divided by √N: the orthonormal DCT's k = 0 row is
//     √(1/N), statistics.md §2.4; Morel's inv_scat_spectra average) against
//     a = j2 − j1, one line per angular harmonic h1 and part (Re, Im); the
//     k = 0 row itself grows with √N, which gave the curve a hump that the
//     means do not have (dust I_1: k = 0 rows 0.392, 0.628, 0.661, 0.533,
//     0.342, means 0.175, 0.314, 0.382, 0.377, 0.342);
//   - S4: the mean over the N = J − a + b scales of C11 at harmonic
//     h1 = h2 = 0 (the isotropic part; k = 0 row / √N) against a, one line
//     per b = j2 − j3, with the caveat that a Gaussian field's S4 is not 0
//     (s4Baseline);
//   - the energy Σ v² of the C01 and the C11 rows of each DCT mode k, on a
//     log axis: a self-similar field has (almost) all of it at k = 0.
//
// The title's second line gives mean/std. It used to draw the scov
// dashboard of the raw moments (P00 per orientation, |C01| …) under the
// title "scattering-spectra dashboard", which is not what --kind spectra
// computes.
func spectraDashboard(path, title, unit string, lab *stlayer.Labels, row []complex128) error {
	return spectraSetDashboard(path, title, unit, lab, [][]complex128{row})
}

// spectraSetDashboard is spectraDashboard for the spectra rows of one or
// more maps (a set; spectraSetPlots: lines of the means over the maps with
// ±1σ bands); a set's title loses stats' " (map 0 of B)", says "lines: mean
// of B maps; bands: ±1σ over the maps" (setBandTitle) and gives mean/std as
// its mean ± σ over the maps.
func spectraSetDashboard(path, title, unit string, lab *stlayer.Labels, rows [][]complex128) error {
	grid, ms, msSD, err := spectraSetPlots(lab, rows, unit)
	if err != nil {
		return err
	}
	head := spectraDashboardView
	if len(rows) > 1 {
		head = strings.Replace(head, "vector of one map", fmt.Sprintf("vectors of %d maps", len(rows)), 1)
	}
	switch {
	case math.IsNaN(ms):
	case len(rows) > 1:
		head += fmt.Sprintf(": mean/std = %.4g ± %.2g", ms, msSD)
	default:
		head += fmt.Sprintf(": mean/std = %.4g", ms)
	}
	if title = setBandTitle(title, len(rows)); title != "" {
		head = title + "\n" + head
	}
	return plotx.SaveGridTitled(path, head, grid, 12*vg.Inch, 9*vg.Inch)
}

// spectraDashboardPlots builds spectraDashboard's panels and returns the
// mean/std row's value (NaN when absent).
func spectraDashboardPlots(lab *stlayer.Labels, row []complex128, unit string) ([][]*plot.Plot, float64, error) {
	grid, ms, _, err := spectraSetPlots(lab, [][]complex128{row}, unit)
	return grid, ms, err
}

// spectraSetPlots builds the panels of spectraDashboard for the rows of
// one or more maps and returns the mean/std row's mean and σ over the maps
// (NaN when absent). With several maps each line joins the means over the
// maps (of the energy per mode: of each map's energy) and a band of its
// colour spans mean ± σ (n − 1; on the energy's log axis cut at mean/10
// where mean − σ ≤ 0), and the first panel's legend names the bands.
func spectraSetPlots(lab *stlayer.Labels, rows [][]complex128, unit string) ([][]*plot.Plot, float64, float64, error) {
	if lab == nil || lab.Len() == 0 || len(rows) == 0 {
		return nil, 0, 0, fmt.Errorf("no spectra to plot")
	}
	for _, r := range rows {
		if len(r) < lab.Len() {
			return nil, 0, 0, fmt.Errorf("no spectra to plot")
		}
	}
	set := len(rows) > 1
	at := func(i int) []float64 { // row i's values over the maps
		vs := make([]float64, len(rows))
		for b, r := range rows {
			vs[b] = real(r[i])
		}
		return vs
	}
	msMean, msSD := math.NaN(), math.NaN()
	mk := func(title, xl, yl string) *plot.Plot {
		p := plot.New()
		p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
		p.X.Tick.Marker = plotx.IntTicks{}
		return p
	}
	// series: points (x, values over the maps), drawn at their means
	type series []struct {
		x  float64
		vs []float64
	}
	addLine := func(p *plot.Plot, sr series, i int, name string, glyph draw.GlyphDrawer, logY bool) error {
		if len(sr) == 0 {
			return nil
		}
		sort.SliceStable(sr, func(a, b int) bool { return sr[a].x < sr[b].x })
		var xy plotter.XYs
		var bx, lo, hi []float64
		for _, q := range sr {
			m, sd := setStat(q.vs)
			if math.IsNaN(m) || logY && m <= 0 {
				continue
			}
			xy = append(xy, plotter.XY{X: q.x, Y: m})
			l := m - sd
			if logY && l <= 0 {
				l = m / 10
			}
			bx, lo, hi = append(bx, q.x), append(lo, l), append(hi, m+sd)
		}
		return addMeanLine(p, xy, bx, lo, hi, set, i, name, glyph, logY)
	}
	pt := func(x float64, vs []float64) struct {
		x  float64
		vs []float64
	} {
		return struct {
			x  float64
			vs []float64
		}{x, vs}
	}
	// panel 1: the logs
	yl := "natural log"
	if unit != "" {
		yl += " (P00 in " + unitPower(unit, 2) + ", S1 in " + unit + ")"
	}
	p1 := mk("log P00(j), log S1(j): logs of the orientation averages", "scale j (central wavelength 8/3·2^j pixels)", yl)
	var lp, ls series
	for i := 0; i < lab.Len(); i++ {
		switch lab.Class[i] {
		case "mean":
			msMean, msSD = setStat(at(i))
		case "P00":
			lp = append(lp, pt(float64(lab.Get(i, "j")), at(i)))
		case "S1":
			ls = append(ls, pt(float64(lab.Get(i, "j")), at(i)))
		}
	}
	if err := addLine(p1, lp, 0, "log P00", draw.CircleGlyph{}, false); err != nil {
		return nil, 0, 0, err
	}
	if err := addLine(p1, ls, 1, "log S1", draw.SquareGlyph{}, false); err != nil {
		return nil, 0, 0, err
	}
	if err := addBandKey(p1, len(rows)); err != nil {
		return nil, 0, 0, err
	}
	// panel 2: S3 = C01 at k = 0, one line per harmonic and part
	p2 := mk("S3 spectra: C01, mean over the scales j1 (DCT mode k = 0 / √N, N = J − a)", "a = j2 − j1", "C01 spectra, mean over j1 (dimensionless)")
	type hp struct{ h1, h2, im int }
	c01 := map[hp]series{}
	c11 := map[int]series{} // by b
	// energy[class][k][map]: Σ v² over the rows of mode k
	energy := map[string]map[int][]float64{"C01": {}, "C11": {}}
	// N of each DCT block: the number of modes k of its (class, a, b, h1,
	// h2, im); the k = 0 row is √N × the block's mean over scales
	type blockKey struct {
		c11              bool
		a, b, h1, h2, im int
	}
	bkey := func(i int) blockKey {
		k := blockKey{c11: lab.Class[i] == "C11", a: lab.Get(i, "a"), h1: lab.Get(i, "h1"), im: lab.Get(i, "im")}
		if k.c11 {
			k.b, k.h2 = lab.Get(i, "b"), lab.Get(i, "h2")
		}
		return k
	}
	nModes := map[blockKey]int{}
	for i := 0; i < lab.Len(); i++ {
		if cl := lab.Class[i]; cl == "C01" || cl == "C11" {
			nModes[bkey(i)]++
		}
	}
	for i := 0; i < lab.Len(); i++ {
		cl := lab.Class[i]
		if cl != "C01" && cl != "C11" {
			continue
		}
		vs := at(i)
		k := lab.Get(i, "k")
		if energy[cl][k] == nil {
			energy[cl][k] = make([]float64, len(rows))
		}
		for b, v := range vs {
			energy[cl][k][b] += v * v
		}
		if k != 0 {
			continue
		}
		// the mean over the block's N scales
		mean := make([]float64, len(vs))
		for b, v := range vs {
			mean[b] = v / math.Sqrt(float64(nModes[bkey(i)]))
		}
		vs = mean
		a := float64(lab.Get(i, "a"))
		if cl == "C01" {
			key := hp{lab.Get(i, "h1"), 0, lab.Get(i, "im")}
			c01[key] = append(c01[key], pt(a, vs))
		} else if lab.Get(i, "h1") == 0 && lab.Get(i, "h2") == 0 && lab.Get(i, "im") == 0 {
			b := lab.Get(i, "b")
			c11[b] = append(c11[b], pt(a, vs))
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
		if err := addLine(p2, c01[k], gi, name, draw.CircleGlyph{}, false); err != nil {
			return nil, 0, 0, err
		}
	}
	// panel 3: S4 = C11 at k = 0, h1 = h2 = 0, one line per b
	p3 := mk("S4 spectra: C11 (h1 = h2 = 0), mean over the scales (k = 0 / √N, N = J − a + b)\n"+s4Baseline, "a = j2 − j1", "C11 spectra, mean over j1 (dimensionless)")
	bs := make([]int, 0, len(c11))
	for b := range c11 {
		bs = append(bs, b)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(bs)))
	for gi, b := range bs {
		if err := addLine(p3, c11[b], gi, fmt.Sprintf("b=%d", b), draw.CircleGlyph{}, false); err != nil {
			return nil, 0, 0, err
		}
	}
	// panel 4: energy per DCT mode
	p4 := mk("energy per DCT mode k over scales (self-similar: all at k = 0)", "DCT mode k", "Σ v² over the rows of mode k")
	positive := false
	for _, cl := range []string{"C01", "C11"} {
		for _, e := range energy[cl] {
			if m, _ := setStat(e); m > 0 {
				positive = true
			}
		}
	}
	for ci, cl := range []string{"C01", "C11"} {
		var sr series
		for k, e := range energy[cl] {
			sr = append(sr, pt(float64(k), e))
		}
		// modes of energy 0 are left out (as on the log axis)
		if err := addLine(p4, sr, ci, cl, draw.CircleGlyph{}, true); err != nil {
			return nil, 0, 0, err
		}
	}
	if positive {
		plotx.SetLog(p4, false, true)
	}
	grid := [][]*plot.Plot{{p1, p2}, {p3, p4}}
	for _, r := range grid {
		for _, p := range r {
			padAxes(p)
			plotx.LegendOutside(p)
		}
	}
	return grid, msMean, msSD, nil
}
