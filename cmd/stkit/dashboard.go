package main

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func sortStrings(s []string) { sort.Strings(s) }

// statsDashboard draws the generic stats dashboard (stats --plot for every
// family whose operator is not a scattering covariance, i.e. wst and wph;
// scov gets scovDashboard, spectra spectraDashboard) of the first map (of
// the mean of every map of a set: statsDashboardUnit), for global
// statistics only (per-pixel coefficients are refused): one panel per class
// of at least two coefficients (statsDashboardPanels), three panels a row,
// title heading the figure. It is statsDashboardUnit without a unit.
func statsDashboard(path, title string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs) error {
	return statsDashboardUnit(path, title, "", spec, op, c)
}

// statsDashboardUnit is statsDashboard with the unit of the maps' values
// (FITS BUNIT, see mapUnit; "" when unknown): the y axes name it as
// statsClassUnit says for spec, e.g. "|S1| [MJy/sr]". With the
// coefficients of several maps (a set; c.B > 1) each point is the mean
// over the maps, with a ±1σ bar (statsDashboardPanelsGrouped), and the
// title says so (setDashboardTitle).
func statsDashboardUnit(path, title, unit string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs) error {
	return statsDashboardAniso(path, title, unit, spec, op, c, nil)
}

// statsDashboardAniso is statsDashboardUnit with the anisotropy summary
// aniso (nil: none) drawn as two more panels after the classes'
// (anisoPanels: A_j with its noise floor, ψ_j).
func statsDashboardAniso(path, title, unit string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs, aniso *anisotropyDoc) error {
	lab := op.Labels()
	if lab == nil || lab.Len() == 0 {
		return fmt.Errorf("no labels to plot")
	}
	if c.H*c.W > 1 {
		return fmt.Errorf("--plot is for global statistics (got per-pixel coefficients)")
	}
	unitOf := func(class string) string { return statsClassUnit(spec, class, unit) }
	// every map of a set: the points are their means, with ±σ bars
	rows := make([][]complex128, max(c.B, 1))
	for b := range rows {
		rows[b] = c.Row(b)
	}
	title = setDashboardTitle(title, len(rows))
	var panels []*plot.Plot
	var err error
	tauNote := ""
	if spec.Kind == stats.WPH && spec.Iso {
		// l1 is 0 in every row (orientations relative to l1): colour by Δl;
		// the τ = 0 rows only (isoTau0Rows), the others said in the title
		ilab, irows, dropped := isoTau0Rows(lab, rows)
		tauNote = isoTauNote(dropped, lab.Len())
		panels, err = statsDashboardPanelsGrouped(ilab, irows, unitOf, func(idx []int) (func(int) int, func(int) string, string) {
			return isoDashboardGroups(spec, ilab, idx)
		})
	} else {
		panels, err = statsDashboardPanelsGrouped(lab, rows, unitOf, namedGroups(lab, func(l int) string { return thetaLabel(spec, "l1", l) }))
	}
	if err != nil {
		return err
	}
	dashfixScaleAxes(spec, panels)
	ap, err := anisoPanels(aniso)
	if err != nil {
		return err
	}
	panels = append(panels, ap...)
	switch {
	case spec.Kind == stats.WPH && spec.Iso:
		title += "\n" + isoDashboardNote(spec)
		if tauNote != "" {
			title += "\n" + tauNote
		}
	case hasOrientation(lab):
		// the legends give θ of each l1; say from which axis
		title += "\n" + orientationAxisNote(spec)
	}
	grid, w, h := statsDashboardGrid(panels)
	return plotx.SaveGridTitled(path, title, grid, w, h)
}

// setDashboardTitle is the title of statsDashboardUnit's figure of b maps:
// title as it is for one map; for a set, without the " (map 0 of b)" that
// stats puts in it (the points are every map's), and with a line
// "points: mean of b maps; bars: ±1σ over the maps".
func setDashboardTitle(title string, b int) string {
	if b < 2 {
		return title
	}
	title = strings.Replace(title, fmt.Sprintf(" (map 0 of %d)", b), "", 1)
	return title + fmt.Sprintf("\npoints: mean of %d maps; bars: ±1σ over the maps", b)
}

// statsDashboardGrid arranges statsDashboard's panels three a row (nil
// entries fill the last row) and gives the figure's size: 4.5 × 3.5 inches
// a panel, plus 0.4 inch for the title (a legend drawn beside a panel's
// data area, plotx.LegendOutside, takes its width from the panel).
func statsDashboardGrid(panels []*plot.Plot) (grid [][]*plot.Plot, w, h vg.Length) {
	cols := min(3, len(panels))
	rows := (len(panels) + cols - 1) / cols
	grid = make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for cc := 0; cc < cols; cc++ {
			if k := r*cols + cc; k < len(panels) {
				grid[r][cc] = panels[k]
			}
		}
	}
	return grid, vg.Length(cols) * 4.5 * vg.Inch, vg.Length(rows)*3.5*vg.Inch + 0.4*vg.Inch
}

// statsDashboardPanels builds statsDashboard's panels from the label table
// lab and the coefficients row of one map, in the order the classes first
// appear: one panel per class of at least two coefficients, titled with the
// class and, for a two-scale class, its pairs ("S2 (pairs j2 ≥ j1)": the
// global WST keeps j2 = j1 unless stats.Spec.StrictJ2, so its S2 and P11
// have points at j2 − j1 = 0; "C01 (pairs j2 > j1)"). The x axis is the
// scale difference j2 − j1 where it varies within the class, else the scale
// j1 (WPH's S11, S00, … have j2 = j1; the scaling moments L are at j1 = −1
// … ⌊J/4⌋). The coefficients are drawn as points, one colour per
// orientation l1 (else per (p1, p2), dashboardGroups; plotx.PaletteN:
// distinct colours up to 20 groups, the 16 orientations of complex data at
// L = 8), the groups offset sideways by 0.06 each around the integer x
// (the x label's second line gives the offset). Against j2 − j1, a class
// whose j1 varies (WST S2, P11; WPH C01) draws each j1 with its marker
// shape (dashfixJ1Glyph: filled circle, square, triangle, ×, +, …), named
// in the legend after the colours ("j1=0", …) and in the x label. The
// legend, with every group, is drawn beside the data area
// (plotx.LegendOutside), so no axis range is widened for it. The y axis is the modulus on a log axis when every modulus is
// positive and no coefficient is a negative real number ("|S1|"), else the
// real part ("Re C01", "Re logS1"). A class whose values are all equal to
// 1e-9 relative (constantClass: wph --norm auto's S11 and S00 are 1 to
// rounding) gets an axis of ±50 % around the value (a factor 1.5 on a log
// axis) and a second title line "(every value 1 to 1e-9 relative)",
// instead of an axis spanning the rounding noise. No unit is named
// (statsDashboardPanelsUnit names them).
func statsDashboardPanels(lab *stlayer.Labels, row []complex128) ([]*plot.Plot, error) {
	return statsDashboardPanelsUnit(lab, row, nil)
}

// statsDashboardPanelsUnit is statsDashboardPanels with the unit of each
// class's y axis: unitOf(class) ("" or a nil unitOf: none), appended as
// " [unit]" ("|S1| [MJy/sr]") or, for a log class, " (S1 in MJy/sr)"
// (statsClassUnit returns the text to append).
func statsDashboardPanelsUnit(lab *stlayer.Labels, row []complex128, unitOf func(class string) string) ([]*plot.Plot, error) {
	return statsDashboardPanelsNamed(lab, row, unitOf, nil)
}

// statsDashboardPanelsNamed is statsDashboardPanelsUnit with the legend
// name of each orientation group: l1Name(l) ("l1=3 (θ=0°)", thetaLabel)
// where the coefficients are grouped by l1; nil keeps "l1=3".
func statsDashboardPanelsNamed(lab *stlayer.Labels, row []complex128, unitOf func(class string) string, l1Name func(l int) string) ([]*plot.Plot, error) {
	return statsDashboardPanelsGrouped(lab, [][]complex128{row}, unitOf, namedGroups(lab, l1Name))
}

// namedGroups is dashboardGroups with the orientation groups named
// l1Name(l) (nil: "l1=3").
func namedGroups(lab *stlayer.Labels, l1Name func(l int) string) func(idx []int) (func(int) int, func(int) string, string) {
	return func(idx []int) (func(int) int, func(int) string, string) {
		keyOf, nameOf, what := dashboardGroups(lab, idx)
		if what == "l1" && l1Name != nil {
			nameOf = func(k int) string {
				if k < 0 {
					return ""
				}
				return l1Name(k)
			}
		}
		return keyOf, nameOf, what
	}
}

// statsDashboardPanelsGrouped is statsDashboardPanelsUnit with the
// colouring of each class's coefficients idx given by groups (keyOf: the
// group of a row; nameOf: a group's legend name, "" for none; what: the
// grouping, for the x label), as dashboardGroups returns it, for the
// coefficient rows of one or more maps. With several maps each point is
// the mean over the maps of the plotted value (|x| on a log axis, whose
// choice needs every map's values positive, else Re x) and a vertical bar
// of its colour spans mean ± σ, σ the standard deviation over the maps
// (n − 1 in the denominator); on a log axis a bar whose mean − σ ≤ 0 is cut
// at mean/10, which a second title line of the panel says.
func statsDashboardPanelsGrouped(lab *stlayer.Labels, rows [][]complex128, unitOf func(class string) string, groupsOf func(idx []int) (keyOf func(i int) int, nameOf func(k int) string, what string)) ([]*plot.Plot, error) {
	return statsDashboardPanelsLinear(lab, rows, unitOf, groupsOf, nil)
}

// statsDashboardPanelsLinear is statsDashboardPanelsGrouped with the
// classes for which linear(class) is true drawn as Re x on a linear axis
// even when every value is positive (phases in radians, whose means are
// drawn in (−π, π]); nil: none.
func statsDashboardPanelsLinear(lab *stlayer.Labels, rows [][]complex128, unitOf func(class string) string, groupsOf func(idx []int) (keyOf func(i int) int, nameOf func(k int) string, what string), linear func(class string) bool) ([]*plot.Plot, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("nothing to plot")
	}
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
		p.Title.Text = cl + pairsNote(lab, idx)
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
		// the modulus on a log axis needs every modulus > 0, and a real
		// coefficient (imaginary part 0) > 0: a negative real value (a
		// synthesis log, a covariance) would be drawn as its opposite
		allPos := linear == nil || !linear(cl)
		for _, r := range rows {
			for _, i := range idx {
				if cmplxAbs(r[i]) <= 0 || imag(r[i]) == 0 && real(r[i]) < 0 {
					allPos = false
				}
			}
		}
		if allPos {
			p.Y.Label.Text = "|" + cl + "|"
		} else {
			p.Y.Label.Text = "Re " + cl
		}
		if unitOf != nil {
			p.Y.Label.Text += unitOf(cl)
		}
		keyOf, nameOf, what := groupsOf(idx)
		// a class plotted against j2 − j1 whose j1 varies (WST S2, P11; WPH
		// C01): each j1 gets its marker shape (dashfixJ1Glyph), so that the
		// pairs (j1, j2) of one difference are told apart
		j1Split := false
		if xname == "j2 − j1" {
			for _, i := range idx {
				j1Split = j1Split || lab.Get(i, "j1") != lab.Get(idx[0], "j1")
			}
		}
		type gkey struct{ g, j1 int }
		keyAt := func(i int) gkey {
			k := gkey{g: keyOf(i)}
			if j1Split {
				k.j1 = lab.Get(i, "j1")
			}
			return k
		}
		groups := map[gkey]plotter.XYs{}
		bars := map[gkey]plotter.YErrors{}
		barCut := false
		phase := linear != nil && linear(cl)
		for _, i := range idx {
			ys := make([]float64, len(rows))
			for r := range rows {
				ys[r] = real(rows[r][i])
				if allPos {
					ys[r] = cmplxAbs(rows[r][i])
				}
			}
			v, sd := meanStd(ys)
			if phase && !math.IsNaN(v) {
				// a phase (radians) is drawn in (−π, π]: a mean of phases
				// unwrapped around their circular mean can lie just beyond
				v = math.Remainder(v, 2*math.Pi)
			}
			l := keyAt(i)
			groups[l] = append(groups[l], plotter.XY{X: x(i), Y: v})
			low := sd
			if allPos && v-sd <= 0 {
				low = 0.9 * v // cut at v/10
				barCut = true
			}
			bars[l] = append(bars[l], struct{ Low, High float64 }{low, sd})
		}
		var keys, j1s []int // colour groups, j1 values
		seenK, seenJ := map[int]bool{}, map[int]bool{}
		for k := range groups {
			if !seenK[k.g] {
				seenK[k.g] = true
				keys = append(keys, k.g)
			}
			if !seenJ[k.j1] {
				seenJ[k.j1] = true
				j1s = append(j1s, k.j1)
			}
		}
		sort.Ints(keys)
		sort.Ints(j1s)
		// the notes on a second line, so that the label fits the panel
		var notes []string
		if len(keys) >= 2 {
			notes = append(notes, fmt.Sprintf("points offset by %s: ±%.2g", what, 0.06*float64(len(keys)-1)/2))
		}
		if j1Split {
			notes = append(notes, "marker shape: j1")
		}
		if len(notes) > 0 {
			p.X.Label.Text = xname + "\n(" + strings.Join(notes, "; ") + ")"
		}
		// one legend entry per colour group (every group: the legend is
		// drawn beside the data area, plotx.LegendOutside), then one per j1
		for gi, k := range keys {
			// offset the orientations sideways so that they do not hide each other
			off := 0.06 * (float64(gi) - float64(len(keys)-1)/2)
			col := plotx.PaletteN(gi, len(keys))
			var first *plotter.Scatter
			for ji, j1 := range j1s {
				gk := gkey{k, j1}
				if len(groups[gk]) == 0 {
					continue
				}
				for j := range groups[gk] {
					groups[gk][j].X += off
				}
				s, err := plotter.NewScatter(groups[gk])
				if err != nil {
					return nil, err
				}
				s.GlyphStyle.Color = col
				s.GlyphStyle.Shape = draw.CircleGlyph{}
				s.GlyphStyle.Radius = vg.Points(2)
				if j1Split {
					s.GlyphStyle.Shape, s.GlyphStyle.Radius = dashfixJ1Glyph(ji), vg.Points(2.5)
				}
				p.Add(s)
				if first == nil {
					first = s
				}
				if len(rows) > 1 {
					eb, err := plotter.NewYErrorBars(errPoints{groups[gk], bars[gk]})
					if err != nil {
						return nil, err
					}
					eb.LineStyle.Color = col
					eb.LineStyle.Width = vg.Points(0.75)
					eb.CapWidth = vg.Points(3)
					p.Add(eb)
				}
			}
			if name := nameOf(k); name != "" && first != nil {
				thumb := first
				if j1Split {
					thumb = dashfixThumb(col, draw.CircleGlyph{}, vg.Points(2.5))
				}
				p.Legend.Add(name, thumb)
			}
		}
		if j1Split {
			for ji, j1 := range j1s {
				p.Legend.Add(fmt.Sprintf("j1=%d", j1), dashfixThumb(color.Black, dashfixJ1Glyph(ji), vg.Points(2.5)))
			}
		}
		plotx.LegendOutside(p)
		if barCut {
			p.Title.Text += "\n(bars cut at mean/10 where mean − σ ≤ 0)"
		}
		if allPos {
			plotx.SetLog(p, false, true)
		}
		padAxes(p)
		flat := map[int]plotter.XYs{}
		for _, g := range groups {
			flat[len(flat)] = g
		}
		if m, ok := constantClass(flat); ok {
			// every value the same up to rounding (wph --norm auto's S11 and
			// S00 are 1 ± 1e-15): the axis would magnify the rounding noise
			p.Title.Text += fmt.Sprintf("\n(every value %s to %s relative)", plotx.FormatTick(m), plotx.FormatTick(constTol))
			if _, isLog := p.Y.Scale.(plot.LogScale); isLog {
				p.Y.Min, p.Y.Max = m/1.5, m*1.5
			} else if m != 0 {
				p.Y.Min, p.Y.Max = m-0.5*math.Abs(m), m+0.5*math.Abs(m)
			} else {
				p.Y.Min, p.Y.Max = -1, 1
			}
		}
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

// isoDashboardGroups is dashboardGroups for wph --iso, whose moments are
// averaged over global rotations and whose l1 is 0 in every row: the
// coefficients idx of a class are coloured by Δl = l2 (the second
// wavelet's orientation relative to the first, (l2 − l1) mod L) where it
// varies, named "Δl=1 (45°)" (Δl·180°/L); else by (p1, p2) where those
// vary (dashboardGroups: the scaling moments L), else as one group without
// a legend entry (S11, S00, S01: one Δl).
func isoDashboardGroups(spec stats.Spec, lab *stlayer.Labels, idx []int) (keyOf func(i int) int, nameOf func(k int) string, what string) {
	dlVaries := false
	for _, i := range idx {
		dlVaries = dlVaries || lab.Get(i, "l2") != lab.Get(idx[0], "l2")
	}
	if dlVaries {
		return func(i int) int { return lab.Get(i, "l2") }, func(k int) string {
			return fmt.Sprintf("Δl=%d (%s°)", k, plotxDeg(float64(k)*180/float64(max(spec.L, 1))))
		}, "Δl"
	}
	if keyOf, nameOf, what = dashboardGroups(lab, idx); what != "l1" {
		return keyOf, nameOf, what // L: by (p1, p2)
	}
	// one l1 (0) and one Δl: one group (S11, S00, …)
	return func(int) int { return 0 }, func(int) string { return "" }, ""
}

// isoDashboardNote is the line under the title of the wph --iso
// dashboard: what its rows are (the full-circle mean over the 2L
// rotations by multiples of 180°/L, ½(X̄(τ) + conj X̄(−τ)), real at τ = 0;
// infer.NewIsoOp) and what its colours (Δl) mean.
func isoDashboardNote(spec stats.Spec) string {
	return fmt.Sprintf("isotropic (--iso): moments averaged over the full circle, the %d rotations by multiples of 180°/%d: ½(X̄(τ) + conj X̄(−τ)), real at τ = 0; Δl = (l2 − l1) mod %d, the second wavelet's orientation relative to the first's (Δl·180°/%d)", 2*spec.L, spec.L, spec.L, spec.L)
}

// errPoints is a scatter's points with their vertical error bars
// (plotter.YErrorBars).
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// meanStd returns the mean of ys and their standard deviation (n − 1 in
// the denominator; 0 for one value).
func meanStd(ys []float64) (mean, sd float64) {
	for _, y := range ys {
		mean += y
	}
	mean /= float64(len(ys))
	if len(ys) < 2 {
		return mean, 0
	}
	for _, y := range ys {
		sd += (y - mean) * (y - mean)
	}
	return mean, math.Sqrt(sd / float64(len(ys)-1))
}

func cmplxAbs(v complex128) float64 { return math.Hypot(real(v), imag(v)) }

// constTol is the relative spread below which statsDashboard takes a
// class's plotted values as one value (constantClass).
const constTol = 1e-9

// constantClass reports whether the plotted values of a class (the y of
// every point of groups) all equal their mean m to constTol relative to
// the largest |y| (to 1e-300 absolute when all are 0).
func constantClass(groups map[int]plotter.XYs) (m float64, ok bool) {
	lo, hi, sum, n := math.Inf(1), math.Inf(-1), 0.0, 0
	for _, g := range groups {
		for _, q := range g {
			lo, hi, sum, n = min(lo, q.Y), max(hi, q.Y), sum+q.Y, n+1
		}
	}
	if n < 2 || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, false
	}
	return sum / float64(n), hi-lo <= max(constTol*max(math.Abs(lo), math.Abs(hi)), 1e-300)
}

// dashPad is the margin padAxes leaves on each side of the data: this
// fraction of the axis span (of its logarithm on a log axis).
const dashPad = 0.05

// padAxes widens both axes of p (after its data are added and SetLog has
// chosen the scales) by dashPad of their span on each side, so that the
// markers at the ends of the range are drawn whole inside the axes instead
// of half cut by them. A log axis is widened by a factor and, when drawn,
// out to its nearest labelled ticks (plotx.LabelEnds, plotx.LogToLabels:
// no point lies beyond the outermost labels); a one-value linear axis by ±0.5 (an index) or ±10 % of the value. A linear axis still on
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
				// drawn with labelled ends: no point beyond the last label
				a.Tick.Marker = plotx.LabelEnds{Ticker: a.Tick.Marker}
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

// pairsNote names the scale pairs of a two-scale class in its panel title:
// " (pairs j2 ≥ j1)" when the differences j2 − j1 of the coefficients idx
// vary and are all ≥ 0 with some 0, " (pairs j2 > j1)" when all > 0 (and
// likewise ≤, < for classes with j2 ≤ j1, e.g. WPH's C10); "" for one-scale
// classes, classes without both scales, or mixed signs.
func pairsNote(lab *stlayer.Labels, idx []int) string {
	lo, hi := math.MaxInt, math.MinInt
	for _, i := range idx {
		j1, j2 := lab.Get(i, "j1"), lab.Get(i, "j2")
		if j1 < 0 || j2 < 0 {
			return ""
		}
		lo, hi = min(lo, j2-j1), max(hi, j2-j1)
	}
	switch {
	case len(idx) == 0 || lo == hi:
		return ""
	case lo == 0:
		return " (pairs j2 ≥ j1)"
	case lo > 0:
		return " (pairs j2 > j1)"
	case hi == 0:
		return " (pairs j2 ≤ j1)"
	case hi < 0:
		return " (pairs j2 < j1)"
	}
	return ""
}

// mapUnit is the unit of a map's values from its FITS header: the BUNIT
// card's value with surrounding spaces removed ("MJy/sr", "K_CMB"); "" when
// the header has none (an .npy or .npz input has no header: cards nil).
func mapUnit(cards []datasets.Card) string {
	for _, c := range cards {
		if c.Key == "BUNIT" {
			if s, ok := c.Value.(string); ok {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// unitPower is plotx.UnitPower (unit raised to the power p: "MJy/sr",
// "(MJy/sr)²", "K²"), the form the reports' axes use too.
func unitPower(unit string, p int) string { return plotx.UnitPower(unit, p) }

// statsClassUnit is the text statsDashboardUnit appends to the y axis of
// class for the statistic spec when the maps' values are in unit ("" for
// an unknown unit gives ""). The wavelets are dimensionless, so
//   - wst: S0, S1, S2 (and S1_iso, S2_iso) are in unit, " [MJy/sr]"; the
//     powers P00, P11 (and _iso) in its square, " [(MJy/sr)²]"; the ratios
//     s21, s22 have none; the synthesis logs logS1, logS2 (_iso) are
//     natural logs of S1, S2 taken in unit, " (S1 in MJy/sr)";
//   - wph: every moment (S11, S00, S01, C01, Cphase, L, …) is a covariance
//     of two factors in unit, " [(MJy/sr)²]", except with norm auto, which
//     divides by the reference's standard deviations (dimensionless: "").
//
// Classes and families not listed get "".
func statsClassUnit(spec stats.Spec, class, unit string) string {
	if unit == "" {
		return ""
	}
	switch spec.Kind {
	case stats.WPH:
		if spec.Norm == "auto" {
			return ""
		}
		switch class {
		case "S11", "S00", "S01", "C01", "Cphase", "L", "C00", "S10", "C10", "Cphase_inv":
			return " [" + unitPower(unit, 2) + "]"
		}
	case stats.WST:
		switch class {
		case "S0", "S1", "S2", "S1_iso", "S2_iso":
			return " [" + unit + "]"
		case "P00", "P11", "P00_iso", "P11_iso":
			return " [" + unitPower(unit, 2) + "]"
		case "logS1", "logS1_iso":
			return " (S1 in " + unit + ")"
		case "logS2", "logS2_iso":
			return " (S2 in " + unit + ")"
		}
	}
	return ""
}
