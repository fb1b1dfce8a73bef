package main

import (
	"fmt"
	"math"
	"math/cmplx"

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
	grid, err := scovDashboardPlotsUnit(r, unit)
	if err != nil {
		return err
	}
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
	return plotx.SaveGridTitled(path, scovDashboardTitle(title)+"\n"+note, grid, scovDashW, h)
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
	J, L := r.J, r.L
	var logPanels []*plot.Plot
	points := map[*plot.Plot]int{}
	mk := func(title, xl, yl string, logY bool) *plot.Plot {
		p := plot.New()
		p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
		p.X.Tick.Marker = plotx.IntTicks{}
		if logY {
			logPanels = append(logPanels, p)
		}
		return p
	}
	line := func(p *plot.Plot, xy plotter.XYs, i int, name string) error {
		if len(xy) == 0 {
			return nil
		}
		points[p] += len(xy)
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		l.Color, s.Color = plotx.Palette(i), plotx.Palette(i)
		s.Shape = draw.CircleGlyph{}
		p.Add(l, s)
		if name != "" {
			p.Legend.Add(name, l, s)
		}
		return nil
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
		var a, b plotter.XYs
		for j := 0; j < J; j++ {
			p00, s1 := r.P00[j*L+l], r.S1[j*L+l]
			if p00 > 0 {
				a = append(a, plotter.XY{X: float64(j), Y: p00})
				b = append(b, plotter.XY{X: float64(j), Y: s1 / math.Sqrt(p00)})
			}
		}
		if err := line(pw, a, l, thetaLabel(ori, "l", l)); err != nil {
			return nil, err
		}
		if err := line(sp, b, l, thetaLabel(ori, "l", l)); err != nil {
			return nil, err
		}
	}
	if points[sp] > 0 {
		// the Gaussian value E|z|/√E|z|² = √π/2 of a circular complex
		// Gaussian z, across the scales drawn
		if err := plotx.RefLine(sp, 0, float64(J-1), math.Sqrt(math.Pi)/2); err != nil {
			return nil, err
		}
	}
	// isotropic complex C01 at Δl = 0: mean over l1 of C01[j1,j2,l1,l1]
	c01 := func(j1, j2 int) complex128 {
		var s complex128
		for l := 0; l < L; l++ {
			s += r.C01[((j1*J+j2)*L+l)*L+l]
		}
		return s / complex(float64(L), 0)
	}
	c11 := func(j1, j2, j3 int) complex128 {
		var s complex128
		for l := 0; l < L; l++ {
			s += r.C11[((((j1*J+j2)*J+j3)*L+l)*L+l)*L+l]
		}
		return s / complex(float64(L), 0)
	}
	m3 := mk("S3 = C01 iso (Δl=0): modulus, one line per j1", "a = j2 − j1", "|C01|", true)
	p3 := mk("S3 = C01 iso (Δl=0): phase, one line per j1", "a = j2 − j1", "arg C01 (rad)", false)
	for j1 := 0; j1 < J; j1++ {
		var a, b plotter.XYs
		for j2 := j1 + 1; j2 < J; j2++ {
			v := c01(j1, j2)
			if cmplx.IsNaN(v) || v == 0 {
				continue
			}
			a = append(a, plotter.XY{X: float64(j2 - j1), Y: cmplx.Abs(v)})
			b = append(b, plotter.XY{X: float64(j2 - j1), Y: cmplx.Phase(v)})
		}
		if err := line(m3, a, j1, fmt.Sprintf("j1=%d", j1)); err != nil {
			return nil, err
		}
		if err := line(p3, b, j1, ""); err != nil {
			return nil, err
		}
	}
	m4 := mk("S4 = C11 iso (j1<j2≤j3, Δl=0): modulus", "j3 − j1 (points offset by 0.05·j1)", "|C11|", true)
	p4 := mk("S4 = C11 iso (j1<j2≤j3, Δl=0): phase", "j3 − j1 (points offset by 0.05·j1)", "arg C11 (rad)", false)
	for a := 1; a < J; a++ { // a = j2 − j1
		var x, y plotter.XYs
		for j1 := 0; j1+a < J; j1++ {
			j2 := j1 + a
			for j3 := j2; j3 < J; j3++ {
				v := c11(j1, j2, j3)
				if cmplx.IsNaN(v) || v == 0 {
					continue
				}
				x = append(x, plotter.XY{X: float64(j3-j1) + 0.05*float64(j1), Y: cmplx.Abs(v)})
				y = append(y, plotter.XY{X: float64(j3-j1) + 0.05*float64(j1), Y: cmplx.Phase(v)})
			}
		}
		points[m4] += len(x)
		points[p4] += len(y)
		if err := scatter(m4, x, a, fmt.Sprintf("j2−j1=%d", a)); err != nil {
			return nil, err
		}
		if err := scatter(p4, y, a, ""); err != nil {
			return nil, err
		}
	}
	for _, p := range logPanels {
		plotx.SetLog(p, false, true)
	}
	grid := [][]*plot.Plot{{pw, sp}, {m3, p3}, {m4, p4}}
	for _, row := range grid {
		for _, p := range row {
			padAxes(p)
			if points[p] == 0 {
				p.Title.Text += noScovData
			}
		}
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
