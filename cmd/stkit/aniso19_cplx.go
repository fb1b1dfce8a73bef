package main

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"

	"gonum.org/v1/plot"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// complexClassTol: a class whose largest |Im| is at most this fraction of
// its largest |c| (over its rows and maps) is drawn as real numbers.
const complexClassTol = 1e-6

// splitComplexRows rewrites the label table lab and the coefficient rows
// (one per map) of a complex WPH or of cross moments for the per-class
// dashboard:
//
//   - a pseudo moment (label column pseudo = 1: pseudo S11, pseudo L) gets
//     the class "pseudo S11", "pseudo L", so that it is drawn in a panel of
//     its own, not among S11's or L's points;
//   - a class with complex values (|Im| above complexClassTol of its
//     largest modulus) becomes two classes of real values, "|C01|" (the
//     moduli) and "arg C01" (the phases in radians); over several maps the
//     phases of a coefficient are unwrapped around their circular mean (a
//     phase φ_b is written m + ((φ_b − m) wrapped into (−π, π]), m the
//     circular mean, arg of Σ e^{iφ_b}), so that the panels' mean ± σ does
//     not average π − ε and −π + ε to 0;
//   - a class of real values (S11, S00: |Im| 0) is kept.
//
// kinds maps each new class to the original one (for units and axis
// names); phase says which new classes hold phases.
func splitComplexRows(lab *stlayer.Labels, rows [][]complex128) (out *stlayer.Labels, outRows [][]complex128, kinds map[string]string, phase map[string]bool) {
	name := func(i int) string {
		if lab.Has(i, "pseudo") && lab.Get(i, "pseudo") == 1 {
			return "pseudo " + lab.Class[i]
		}
		return lab.Class[i]
	}
	// which classes hold complex values
	maxAbs, maxIm := map[string]float64{}, map[string]float64{}
	for i := 0; i < lab.Len(); i++ {
		cl := name(i)
		for _, r := range rows {
			maxAbs[cl] = max(maxAbs[cl], cmplx.Abs(r[i]))
			maxIm[cl] = max(maxIm[cl], math.Abs(imag(r[i])))
		}
	}
	out = &stlayer.Labels{Columns: lab.Columns, Values: map[string][]string{}}
	outRows = make([][]complex128, len(rows))
	kinds, phase = map[string]string{}, map[string]bool{}
	add := func(cl, orig string, i int, val func(b int) complex128) {
		out.Class = append(out.Class, cl)
		out.Rows = append(out.Rows, lab.Rows[i])
		if v := lab.Values[lab.Class[i]]; v != nil {
			out.Values[cl] = v
		}
		kinds[cl] = orig
		for b := range rows {
			outRows[b] = append(outRows[b], val(b))
		}
	}
	for i := 0; i < lab.Len(); i++ {
		cl := name(i)
		if maxIm[cl] <= complexClassTol*maxAbs[cl] {
			add(cl, cl, i, func(b int) complex128 { return complex(real(rows[b][i]), 0) })
			continue
		}
		add("|"+cl+"|", cl, i, func(b int) complex128 { return complex(cmplx.Abs(rows[b][i]), 0) })
		ph := make([]float64, len(rows))
		for b := range rows {
			ph[b] = cmplx.Phase(rows[b][i])
		}
		m, _ := circStat(ph)
		if math.IsNaN(m) {
			m = 0
		}
		add("arg "+cl, cl, i, func(b int) complex128 {
			return complex(m+math.Remainder(ph[b]-m, 2*math.Pi), 0)
		})
		phase["arg "+cl] = true
	}
	return out, outRows, kinds, phase
}

// complexThetaName is the legend name of orientation l of a complex WPH
// (2L orientations θ_l = l·180°/L over [0°, 360°)): "l1=5 (θ=225°)".
func complexThetaName(spec stats.Spec, l int) string {
	if l < 0 {
		return ""
	}
	return fmt.Sprintf("l1=%d (θ=%s°)", l, plotxDeg(float64(l)*180/float64(max(spec.L, 1))))
}

// cplxDashboard draws stats --plot for a complex WPH (z = Q + iU) and for
// cross WPH moments (--cross; --iso included): the per-class dashboard
// (statsDashboardAniso) with the rows rewritten by splitComplexRows: the
// pseudo moments in panels of their own, complex classes as a modulus
// panel "|C01|" on a log axis and a phase panel "arg C01" in radians, real
// classes as before. Orientation legends run over θ_l = l·180°/L for the
// 2L orientations of complex data. The y axes name the unit: that of the
// maps squared, or with --cross "(MJy/sr)·K" where the two maps' BUNIT
// differ (o.crossUnit, crossUnitProduct); none where the imaginary part's
// BUNIT (o.imagUnit) differs from MAP's, a title line saying so
// (unitsDifferNote); o.crossNote, when set, is a line under the title.
// With several maps (pairs) the points are means with ±1σ bars, the phases
// unwrapped around their circular mean.
func cplxDashboard(path, title, unit string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs, o dashOpts) error {
	lab := op.Labels()
	if lab == nil || lab.Len() == 0 {
		return fmt.Errorf("no labels to plot")
	}
	rows := make([][]complex128, max(c.B, 1))
	for b := range rows {
		rows[b] = c.Row(b)
	}
	tauNote := ""
	if spec.Iso {
		// the τ = 0 rows only (isoTau0Rows), the others said in the title
		var dropped int
		total := lab.Len()
		lab, rows, dropped = isoTau0Rows(lab, rows)
		tauNote = isoTauNote(dropped, total)
	}
	nl, nrows, kinds, phase := splitComplexRows(lab, rows)
	unitOf, unitNote := cplxUnitOf(spec, unit, o, kinds, phase)
	title = setDashboardTitle(title, len(rows))
	var groups func(idx []int) (func(int) int, func(int) string, string)
	switch {
	case spec.Iso:
		groups = func(idx []int) (func(int) int, func(int) string, string) { return isoDashboardGroups(spec, nl, idx) }
	case spec.Complex:
		groups = namedGroups(nl, func(l int) string { return complexThetaName(spec, l) })
	default:
		groups = namedGroups(nl, func(l int) string { return thetaLabel(spec, "l1", l) })
	}
	panels, err := statsDashboardPanelsLinear(nl, nrows, unitOf, groups, func(cl string) bool { return phase[cl] })
	if err != nil {
		return err
	}
	for _, p := range panels {
		fixComplexAxis(p, phase)
	}
	dashfixScaleAxes(spec, panels)
	ap, err := anisoPanels(o.aniso)
	if err != nil {
		return err
	}
	panels = append(panels, ap...)
	switch {
	case spec.Iso:
		title += "\n" + isoDashboardNote(spec)
		if tauNote != "" {
			title += "\n" + tauNote
		}
	case spec.Complex:
		title += "\n" + fmt.Sprintf("complex z = Q + iU: θ_l = l·180°/%d, l = 0…%d over [0°, 360°), the wave-vector direction from the column axis toward the row axis; pseudo moments (own panels) pair l1 with l1 + %d", spec.L, 2*spec.L-1, spec.L)
	case hasOrientation(lab):
		title += "\n" + orientationAxisNote(spec)
	}
	if len(phase) > 0 {
		title += "\ncomplex moments drawn as modulus |c| and phase arg c (radians)"
	}
	if o.crossNote != "" {
		title += "\n" + o.crossNote
	}
	if unitNote != "" {
		title += "\n" + unitNote
	}
	grid, w, h := statsDashboardGrid(panels)
	return plotx.SaveGridTitled(path, title, grid, w, h)
}

// fixComplexAxis names the y axis of a panel of splitComplexRows' classes:
// "|C01|" for the moduli (the per-class panels wrote "||C01||", the modulus
// of a modulus), "arg C01 (rad)" for the phases (they wrote "Re arg C01";
// statsDashboardPanelsLinear keeps them on a linear axis and draws their
// means in (−π, π]), and draws the phases on the axis [−π, π] exactly,
// ticks at multiples of π/2 (phaseTicks); a ±σ bar reaching beyond is cut
// at the axis (the legend is beside the data area, so nothing widens it).
func fixComplexAxis(p *plot.Plot, phase map[string]bool) {
	y := p.Y.Label.Text
	switch {
	case strings.HasPrefix(y, "||"):
		if k := strings.Index(y[2:], "||"); k >= 0 {
			p.Y.Label.Text = "|" + y[2:2+k] + "|" + y[2+k+2:]
		}
	case strings.HasPrefix(y, "Re arg "):
		if cl := strings.TrimPrefix(y, "Re "); phase[cl] {
			p.Y.Label.Text = cl + " (rad)"
			p.Y.Min, p.Y.Max = -math.Pi, math.Pi
			p.Y.Tick.Marker = phaseTicks
		}
	}
}
