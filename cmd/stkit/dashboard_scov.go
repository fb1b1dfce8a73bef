package main

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// scovDashboard draws the scattering-spectra dashboard of one map (the view
// scatspectra's plot_dashboard gives): wavelet power spectrum P00(j) and
// sparsity S1/√P00 per orientation (with a dotted line at the Gaussian
// field's value √π/2 ≈ 0.886), then the isotropic S3 = C01 and S4 = C11
// (normalised, averaged over l1 at Δl = 0) as modulus and phase against the
// scale difference. title heads the figure. Scale axes have integer ticks;
// the moduli are on log axes (plotx.LogTicks), the phases in radians. It is
// scovDashboardUnit without a unit.
func scovDashboard(path, title string, r *scov.Result) error {
	return scovDashboardUnit(path, title, "", r)
}

// scovDashboardUnit is scovDashboard with the unit of the map's values
// (FITS BUNIT, see mapUnit; "" when unknown): the P00 axis names its square,
// "P00 [(MJy/sr)²]"; the other panels are dimensionless (S1/√P00, and C01,
// C11 normalised by P00).
func scovDashboardUnit(path, title, unit string, r *scov.Result) error {
	return scovDashboardAniso(path, title, unit, r, nil)
}

// scovDashboardAniso is scovDashboardUnit with the anisotropy summary
// aniso (nil: none) drawn as a fourth row of two panels (anisoPanels: A_j
// with its noise floor, ψ_j), the figure 4 inches taller.
func scovDashboardAniso(path, title, unit string, r *scov.Result, aniso *anisotropyDoc) error {
	return scovSetDashboard(path, title, unit, []*scov.Result{r}, aniso)
}

// scovSetDashboard is scovDashboardAniso for the results rs of one or
// more maps (scovSetPlots: for a set, lines of the means over the maps
// with ±1σ bands); a set's title loses stats' " (map 0 of B)" and says
// "lines: mean of B maps; bands: ±1σ over the maps" (setBandTitle).
func scovSetDashboard(path, title, unit string, rs []*scov.Result, aniso *anisotropyDoc) error {
	return scovSetDashboardNorm(path, title, unit, rs, aniso, scovNormOf(false, false))
}

// scovSetDashboardNorm is scovSetDashboard for moments normalised as norm
// says (scovNormOf: P00 or P11, own or reference maps; the S3 and S4
// panels name it).
func scovSetDashboardNorm(path, title, unit string, rs []*scov.Result, aniso *anisotropyDoc, norm scovNormText) error {
	grid, err := scovSetPlotsNorm(rs, unit, norm)
	if err != nil {
		return err
	}
	r := rs[0]
	title = setBandTitle(title, len(rs))
	h := scovDashH
	ap, err := anisoPanels(aniso)
	if err != nil {
		return err
	}
	if len(ap) == 2 {
		grid, h = append(grid, ap), h+4*vg.Inch
	}
	// the legends give θ of each l; say from which axis (Cheng's Morlet)
	note := orientationAxisNote(stats.Spec{Kind: stats.SCov, L: r.L, Wavelet: "morlet"})
	head := scovDashboardTitle(title)
	if len(rs) > 1 {
		head = strings.Replace(head, "scov statistics of one map", fmt.Sprintf("scov statistics of %d maps", len(rs)), 1)
	}
	return plotx.SaveGridTitled(path, head+"\n"+note, grid, scovDashW, h)
}

// scovDashW, scovDashH are the size of the scov dashboard (3 rows of 2
// panels).
const scovDashW, scovDashH = 12 * vg.Inch, 13 * vg.Inch

// scovDashboardTitle heads the scov dashboard: title, then a line naming
// the view. stats --plot draws it for --kind scov (spectra get
// spectraDashboard, wst and wph statsDashboard's per-class panels), but
// stkit demo draws it for its example patches whatever its --kind, so the
// figure says which statistics it shows.
func scovDashboardTitle(title string) string {
	const view = "scattering-spectra dashboard (scov statistics of one map: P00, S1, C01, C11)"
	if title == "" {
		return view
	}
	return title + "\n" + view
}

// noScovData ends the title of a dashboard panel with nothing to draw.
const noScovData = "\n(nothing to draw: all values 0 or undefined, e.g. a constant map)"

// scovDashboardPlots builds scovDashboard's 3×2 panels. A panel without
// any point (P00 = 0 or C01, C11 = 0 everywhere: a constant map) says so
// in its title (noScovData) instead of showing bare axes. No unit is named
// (scovDashboardPlotsUnit names it).
func scovDashboardPlots(r *scov.Result) ([][]*plot.Plot, error) {
	return scovDashboardPlotsUnit(r, "")
}

// scovDashboardPlotsUnit is scovDashboardPlots with the unit of the map's
// values: the P00 axis reads "P00 [(MJy/sr)²]" for unit "MJy/sr" ("P00"
// for "").
func scovDashboardPlotsUnit(r *scov.Result, unit string) ([][]*plot.Plot, error) {
	return scovSetPlots([]*scov.Result{r}, unit)
}

// scovSetPlots is scovDashboardPlotsUnit for the results rs of one or more
// maps (a set; every result of one J and L). With several maps each line
// joins the means over the maps of the plotted value (P00, S1/√P00, the
// moduli; the phases' circular mean, arg of the mean of e^{iφ}) and a band
// of its colour spans mean ± σ over the maps (the phases' circular σ,
// √(−2 ln R)); on a log axis a band whose mean − σ ≤ 0 is cut at mean/10;
// the C11 points get ±σ bars. A value that is 0 or undefined in a map
// (P00 = 0, C01 = 0: constant maps) is left out of that point's mean.
func scovSetPlots(rs []*scov.Result, unit string) ([][]*plot.Plot, error) {
	return scovSetPlotsNorm(rs, unit, scovNormOf(false, false))
}

// scovSetPlotsNorm is scovSetPlots with the normalisation of C01 and C11
// named by norm: the S3 panels show C01 / norm.c01 (j2 ≥ j1: a = j2 − j1
// = 0 included, as in the spectra), the S4 panels C11 / norm.c11, with
// titles and axes that say so ("|C01| / √(P00(j1)·P00(j2))": stats --kind
// scov prints the raw moments, in the unit squared), the phases on
// [−π, π]. Every legend is drawn beside its panel's data area
// (plotx.LegendOutside).
func scovSetPlotsNorm(rs []*scov.Result, unit string, norm scovNormText) ([][]*plot.Plot, error) {
	if len(rs) == 0 || rs[0] == nil {
		return nil, fmt.Errorf("no scov results to plot")
	}
	r := rs[0]
	J, L := r.J, r.L
	set := len(rs) > 1
	var logPanels []*plot.Plot
	isLog := map[*plot.Plot]bool{}
	points := map[*plot.Plot]int{}
	mk := func(title, xl, yl string, logY bool) *plot.Plot {
		p := plot.New()
		p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
		p.X.Tick.Marker = plotx.IntTicks{}
		if logY {
			logPanels = append(logPanels, p)
			isLog[p] = true
		}
		return p
	}
	// agg is the mean and the band (lo, hi) of the values vs of one point
	// over the maps (phase: circular); NaN mean when no map has a value
	agg := func(vs []float64, phase, logY bool) (m, lo, hi float64) {
		var sd float64
		if phase {
			m, sd = circStat(vs)
		} else {
			m, sd = setStat(vs)
		}
		if math.IsNaN(m) || logY && m <= 0 {
			return math.NaN(), math.NaN(), math.NaN()
		}
		lo, hi = m-sd, m+sd
		if logY && lo <= 0 {
			lo = m / 10
		}
		return m, lo, hi
	}
	// line draws the point means of vals (vals[k]: point k's values over
	// the maps at x[k]) as a line with markers, and the ±σ band for a set;
	// a phase line (and its band) is broken where it wraps across ±π
	// (consecutive means more than π apart: phaseSegments)
	line := func(p *plot.Plot, x []float64, vals [][]float64, phase bool, i int, name string) error {
		var xy plotter.XYs
		var bx, blo, bhi []float64
		for k := range x {
			m, lo, hi := agg(vals[k], phase, isLog[p])
			if math.IsNaN(m) {
				continue
			}
			xy = append(xy, plotter.XY{X: x[k], Y: m})
			bx, blo, bhi = append(bx, x[k]), append(blo, lo), append(bhi, hi)
		}
		if len(xy) == 0 {
			return nil
		}
		points[p] += len(xy)
		// a phase line is broken where it wraps across ±π (phaseSegments)
		segs := [][2]int{{0, len(xy)}}
		if phase {
			segs = phaseSegments(xy)
		}
		var first *plotter.Line
		for _, sg := range segs {
			a, b := sg[0], sg[1]
			if set {
				if _, err := addBand(p, bx[a:b], blo[a:b], bhi[a:b], plotx.Palette(i), isLog[p]); err != nil {
					return err
				}
			}
			l, err := plotter.NewLine(xy[a:b])
			if err != nil {
				return err
			}
			l.Color = plotx.Palette(i)
			p.Add(l)
			if first == nil {
				first = l
			}
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		s.Color = plotx.Palette(i)
		s.Shape = draw.CircleGlyph{}
		p.Add(s)
		if name != "" {
			p.Legend.Add(name, first, s)
		}
		return nil
	}
	// perMap collects f(result) over the maps (NaN where f says !ok)
	perMap := func(f func(q *scov.Result) (float64, bool)) []float64 {
		vs := make([]float64, len(rs))
		for b, q := range rs {
			if v, ok := f(q); ok {
				vs[b] = v
			} else {
				vs[b] = math.NaN()
			}
		}
		return vs
	}
	// the legends give each l its angle θ_l (Cheng's Morlet: from the row
	// axis, the wave vector's direction; thetaLabel)
	ori := stats.Spec{Kind: stats.SCov, L: L, Wavelet: "morlet"}
	pw := mk("S2: wavelet power P00(j) per orientation l", "scale j (central wavelength 8/3·2^j pixels)", "P00", true)
	if unit != "" {
		pw.Y.Label.Text += " [" + unitPower(unit, 2) + "]"
	}
	sp := mk("S1/√S2: sparsity (dotted: √π/2 ≈ 0.886, a Gaussian field)", "scale j", "S1/√P00", false)
	for l := 0; l < L; l++ {
		x := make([]float64, J)
		a, b := make([][]float64, J), make([][]float64, J)
		for j := 0; j < J; j++ {
			x[j] = float64(j)
			a[j] = perMap(func(q *scov.Result) (float64, bool) { return q.P00[j*L+l], q.P00[j*L+l] > 0 })
			b[j] = perMap(func(q *scov.Result) (float64, bool) {
				p00 := q.P00[j*L+l]
				return q.S1[j*L+l] / math.Sqrt(p00), p00 > 0
			})
		}
		if err := line(pw, x, a, false, l, thetaLabel(ori, "l", l)); err != nil {
			return nil, err
		}
		if err := line(sp, x, b, false, l, thetaLabel(ori, "l", l)); err != nil {
			return nil, err
		}
	}
	if err := addBandKey(pw, len(rs)); err != nil {
		return nil, err
	}
	if points[sp] > 0 {
		// the Gaussian value E|z|/√E|z|² = √π/2 of a circular complex
		// Gaussian z, across the scales drawn
		if err := plotx.RefLine(sp, 0, float64(J-1), math.Sqrt(math.Pi)/2); err != nil {
			return nil, err
		}
	}
	// isotropic complex C01 at Δl = 0: mean over l1 of C01[j1,j2,l1,l1]
	c01 := func(q *scov.Result, j1, j2 int) complex128 {
		var s complex128
		for l := 0; l < L; l++ {
			s += q.C01[((j1*J+j2)*L+l)*L+l]
		}
		return s / complex(float64(L), 0)
	}
	c11 := func(q *scov.Result, j1, j2, j3 int) complex128 {
		var s complex128
		for l := 0; l < L; l++ {
			s += q.C11[((((j1*J+j2)*J+j3)*L+l)*L+l)*L+l]
		}
		return s / complex(float64(L), 0)
	}
	valid := func(v complex128) bool { return !cmplx.IsNaN(v) && v != 0 }
	m3 := mk("S3 = C01 iso (Δl=0) / "+norm.c01+": modulus, one line per j1\n"+norm.note, "a = j2 − j1", "|C01| / "+norm.c01, true)
	p3 := mk("S3 = C01 iso (Δl=0) / "+norm.c01+": phase, one line per j1", "a = j2 − j1", "arg C01 (rad)", false)
	for j1 := 0; j1 < J; j1++ {
		var x []float64
		var a, b [][]float64
		for j2 := j1; j2 < J; j2++ {
			x = append(x, float64(j2-j1))
			a = append(a, perMap(func(q *scov.Result) (float64, bool) { v := c01(q, j1, j2); return cmplx.Abs(v), valid(v) }))
			b = append(b, perMap(func(q *scov.Result) (float64, bool) { v := c01(q, j1, j2); return cmplx.Phase(v), valid(v) }))
		}
		if err := line(m3, x, a, false, j1, fmt.Sprintf("j1=%d", j1)); err != nil {
			return nil, err
		}
		if err := line(p3, x, b, true, j1, ""); err != nil {
			return nil, err
		}
	}
	m4 := mk("S4 = C11 iso (j1<j2≤j3, Δl=0) / "+norm.c11+": modulus\n"+s4Baseline, "j3 − j1 (points offset by 0.05·j1)", "|C11| / "+norm.c11, true)
	p4 := mk("S4 = C11 iso (j1<j2≤j3, Δl=0) / "+norm.c11+": phase", "j3 − j1 (points offset by 0.05·j1)", "arg C11 (rad)", false)
	for a := 1; a < J; a++ { // a = j2 − j1
		var x, y errPoints
		for j1 := 0; j1+a < J; j1++ {
			j2 := j1 + a
			for j3 := j2; j3 < J; j3++ {
				xo := float64(j3-j1) + 0.05*float64(j1)
				mm, lo, hi := agg(perMap(func(q *scov.Result) (float64, bool) { v := c11(q, j1, j2, j3); return cmplx.Abs(v), valid(v) }), false, true)
				if math.IsNaN(mm) {
					continue
				}
				x.XYs = append(x.XYs, plotter.XY{X: xo, Y: mm})
				x.YErrors = append(x.YErrors, struct{ Low, High float64 }{mm - lo, hi - mm})
				pm, plo, phi := agg(perMap(func(q *scov.Result) (float64, bool) { v := c11(q, j1, j2, j3); return cmplx.Phase(v), valid(v) }), true, false)
				y.XYs = append(y.XYs, plotter.XY{X: xo, Y: pm})
				y.YErrors = append(y.YErrors, struct{ Low, High float64 }{pm - plo, phi - pm})
			}
		}
		points[m4] += len(x.XYs)
		points[p4] += len(y.XYs)
		for _, e := range []struct {
			p    *plot.Plot
			pts  errPoints
			name string
		}{{m4, x, fmt.Sprintf("j2−j1=%d", a)}, {p4, y, ""}} {
			if set && len(e.pts.XYs) > 0 {
				eb, err := plotter.NewYErrorBars(e.pts)
				if err != nil {
					return nil, err
				}
				eb.LineStyle.Color, eb.LineStyle.Width, eb.CapWidth = plotx.Palette(a), vg.Points(0.75), vg.Points(3)
				e.p.Add(eb)
			}
			if err := scatter(e.p, e.pts.XYs, a, e.name); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range logPanels {
		plotx.SetLog(p, false, true)
	}
	grid := [][]*plot.Plot{{pw, sp}, {m3, p3}, {m4, p4}}
	for _, row := range grid {
		for _, p := range row {
			padAxes(p)
			plotx.LegendOutside(p)
			if points[p] == 0 {
				p.Title.Text += noScovData
			}
		}
	}
	for _, p := range []*plot.Plot{p3, p4} {
		p.Y.Min, p.Y.Max, p.Y.Tick.Marker = -math.Pi, math.Pi, phaseTicks
	}
	return grid, nil
}

func scatter(p *plot.Plot, xy plotter.XYs, i int, name string) error {
	if len(xy) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return err
	}
	s.Color = plotx.Palette(i)
	s.Shape = draw.CircleGlyph{}
	p.Add(s)
	if name != "" {
		p.Legend.Add(name, s)
	}
	return nil
}
