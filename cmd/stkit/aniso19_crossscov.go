package main

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// crossScovDashboard draws stats --kind scov --cross --plot: the cross
// scattering covariance of the pairs (a = MAP, b = --cross) as Cheng's
// scattering_cov_2fields dictionary gives it (scov.CrossOp.Results), in
// 4 rows of 2 panels, the auto dashboard's views of the cross classes:
//
//   - P00 of a and of b (orientation averages) against j, and the a–b
//     correlation per scale, Re Corr00 = Re C00/√(P00_a·P00_b) (orientation
//     average; 1: a and b identical at that scale, 0: uncorrelated);
//   - C01 of kind ab (a against b's modulus |b*ψ_j1|, normalised) and of
//     kind ba (b against a's), isotropic at Δl = 0: modulus and phase
//     against j2 − j1, one line per j1 (scovSetPlots' S3 panels);
//   - Corr11 of kind ab (|a⋆ψ_j1| against |b⋆ψ_j2| at j3, normalised):
//     modulus and phase (scovSetPlots' S4 panels).
//
// For several pairs the lines join the means over the pairs with ±1σ bands
// (phases: circular). title heads the figure, o.crossNote names the two
// maps; P00's axis names unit (a) and o.crossUnit (b).
func crossScovDashboard(path, title, unit string, op stats.Op, c *stlayer.Coeffs, o dashOpts) error {
	cop, ok := stats.SCovCrossOp(op)
	if !ok {
		return fmt.Errorf("internal: not a cross scov operator")
	}
	rs, err := cop.Results(c, nil)
	if err != nil {
		return err
	}
	grid, err := crossScovPlotsNorm(rs, unit, o.crossUnit, cop.Config().Normalization == scov.NormP11)
	if err != nil {
		return err
	}
	head := setBandTitle(title, len(rs))
	head += "\ncross scattering covariance of the pair (a, b) (Cheng's scattering_cov_2fields): P00, Corr00, C01 ab and ba, Corr11 ab"
	if o.crossNote != "" {
		head += "\n" + o.crossNote
	}
	return plotx.SaveGridTitled(path, head, grid, scovDashW, scovDashH+4*vg.Inch)
}

// crossScovPlots builds crossScovDashboard's 4×2 panels from the results
// of one or more pairs.
func crossScovPlots(rs []*scov.CrossResult, unitA, unitB string) ([][]*plot.Plot, error) {
	return crossScovPlotsNorm(rs, unitA, unitB, false)
}

// crossScovPlotsNorm is crossScovPlots for moments normalised with P11
// (p11; else P00), as the C01 and Corr11 panels' titles say.
func crossScovPlotsNorm(rs []*scov.CrossResult, unitA, unitB string, p11 bool) ([][]*plot.Plot, error) {
	if len(rs) == 0 || rs[0] == nil {
		return nil, fmt.Errorf("no cross scov results to plot")
	}
	J, L := rs[0].J, rs[0].L
	set := len(rs) > 1
	mk := func(title, xl, yl string) *plot.Plot {
		p := plot.New()
		p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
		p.X.Tick.Marker = plotx.IntTicks{}
		return p
	}
	// line: the means over the pairs of f(r, j) for j = 0…J−1, with a band
	line := func(p *plot.Plot, f func(r *scov.CrossResult, j int) float64, i int, name string, logY bool, glyph draw.GlyphDrawer) error {
		var xy plotter.XYs
		var bx, lo, hi []float64
		for j := 0; j < J; j++ {
			vs := make([]float64, len(rs))
			for b, r := range rs {
				vs[b] = f(r, j)
				if logY && vs[b] <= 0 {
					vs[b] = math.NaN()
				}
			}
			m, sd := setStat(vs)
			if math.IsNaN(m) {
				continue
			}
			xy = append(xy, plotter.XY{X: float64(j), Y: m})
			l := m - sd
			if logY && l <= 0 {
				l = m / 10
			}
			bx, lo, hi = append(bx, float64(j)), append(lo, l), append(hi, m+sd)
		}
		return addMeanLine(p, xy, bx, lo, hi, set, i, name, glyph, logY)
	}
	yl := "P00 (orientation average)"
	switch {
	case unitA != "" && unitA == unitB:
		yl += " [" + unitPower(unitA, 2) + "]"
	case unitA != "" || unitB != "":
		yl += fmt.Sprintf(" [a: %s, b: %s]", orUnknown(unitPower(unitA, 2)), orUnknown(unitPower(unitB, 2)))
	}
	pw := mk("wavelet power P00(j) of a and of b", "scale j (central wavelength 8/3·2^j pixels)", yl)
	if err := line(pw, func(r *scov.CrossResult, j int) float64 { return r.P00AIso[j] }, 0, "a (MAP)", true, draw.CircleGlyph{}); err != nil {
		return nil, err
	}
	if err := line(pw, func(r *scov.CrossResult, j int) float64 { return r.P00BIso[j] }, 1, "b (--cross)", true, draw.SquareGlyph{}); err != nil {
		return nil, err
	}
	if err := addBandKey(pw, len(rs)); err != nil {
		return nil, err
	}
	plotx.SetLog(pw, false, true)
	co := mk("a–b correlation per scale: Re Corr00 = Re C00/√(P00_a·P00_b)", "scale j", "Re Corr00 (orientation average; 1: identical)")
	if err := line(co, func(r *scov.CrossResult, j int) float64 { return real(r.Corr00Iso[j]) }, 2, "Re Corr00", false, draw.CircleGlyph{}); err != nil {
		return nil, err
	}
	if err := plotx.RefLine(co, 0, float64(J-1), 0); err != nil {
		return nil, err
	}
	// the auto dashboard's S3 and S4 panels on one kind at a time: a
	// scov.Result whose C01 is the kind's C01 and whose C11 is its Corr11
	// (both normalised, as the auto dashboard's C01, C11)
	n01, n11 := J*J*L*L, J*J*J*L*L*L
	kindPlots := func(kind int, norm scovNormText) ([][]*plot.Plot, error) {
		fake := make([]*scov.Result, len(rs))
		for b, r := range rs {
			fake[b] = &scov.Result{J: J, L: L, P00: r.P00A, S1: r.P00A,
				C01: r.C01[kind*n01 : (kind+1)*n01], C11: r.Corr11[kind*n11 : (kind+1)*n11]}
		}
		return scovSetPlotsNorm(fake, "", norm)
	}
	// Cheng's normalisation of kind (fa, fb) (scov.CrossOp.Results): P00
	// C01 / √(P00_fa(j2)·P00_fb(j1)), Corr11 / √(P00_fa(j1)·P00_fb(j2));
	// P11 C01 / √(P00_fa(j2)·P11_fb(j1,j2)), Corr11 /
	// √(P11_fa(j1,j3)·P11_fb(j2,j3))
	note := "(dimensionless; stats --kind scov --cross prints the raw moments)"
	norm := func(fa, fb string) scovNormText {
		if p11 {
			return scovNormText{c01: "√(P00_" + fa + "(j2)·P11_" + fb + "(j1,j2))", c11: "√(P11_" + fa + "(j1,j3)·P11_" + fb + "(j2,j3))", note: note}
		}
		return scovNormText{c01: "√(P00_" + fa + "(j2)·P00_" + fb + "(j1))", c11: "√(P00_" + fa + "(j1)·P00_" + fb + "(j2))", note: note}
	}
	ab, err := kindPlots(2, norm("a", "b"))
	if err != nil {
		return nil, err
	}
	ba, err := kindPlots(3, norm("b", "a"))
	if err != nil {
		return nil, err
	}
	// the panels name the kind: "C01 ab iso (Δl=0): modulus, …" over a
	// line saying what it pairs, y axes "|C01 ab|", "arg C01 ab (rad)"
	rename := func(ps []*plot.Plot, from, to, what string) []*plot.Plot {
		for _, p := range ps {
			p.Title.Text = strings.Replace(p.Title.Text, from, to, 1) + "\n" + what
			p.Y.Label.Text = strings.Replace(p.Y.Label.Text, from[strings.Index(from, "= ")+2:len(from)-len(" iso")], to[:len(to)-len(" iso")], 1)
			// the normalisation is named in the title ("… / √(P00_a(j2)·P00_b(j1))")
			p.Y.Label.Text, _, _ = strings.Cut(p.Y.Label.Text, " / ")
		}
		return ps
	}
	c01ab := rename(ab[1], "S3 = C01 iso", "C01 ab iso", "(a against b's modulus |b*ψ_j1|)")
	c01ba := rename(ba[1], "S3 = C01 iso", "C01 ba iso", "(b against a's modulus |a*ψ_j1|)")
	c11ab := rename(ab[2], "S4 = C11 iso", "Corr11 ab iso", "(|a*ψ_j1| against |b*ψ_j2| at j3)")
	grid := [][]*plot.Plot{{pw, co}, c01ab, c01ba, c11ab}
	padAxes(pw)
	padAxes(co)
	plotx.LegendOutside(pw)
	plotx.LegendOutside(co)
	return grid, nil
}

// orUnknown is unit, or "unknown" for "".
func orUnknown(unit string) string {
	if unit == "" {
		return "unknown"
	}
	return unit
}
