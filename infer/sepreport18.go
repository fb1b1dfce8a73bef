package infer

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// SepPhiCheck compares one statistic vector x with a set of sample vectors
// y_1 … y_n of the separation's statistic Φ (SepReportOptions.Stats), a
// test a user can run without the truth (methods.md §3.9, "statistics of
// d − s̃ vs those of the noise"):
//
//	z_k = |x_k − ⟨y_k⟩| / σ_k,  σ_k² = Σ_i |y_ik − ⟨y_k⟩|² / (n − 1),
//	χ²/dof = (1/K') Σ_k z_k²
//
// over the K' coefficients that vary over the samples (StdWeights, floor
// 1e-9; complex coefficients count once, |·| their modulus). A vector drawn
// like the samples has χ²/dof ≈ 1 + 1/n. The samples' own values, each
// sample left out in turn (y_j against the mean and σ of the n − 1 others),
// say how large χ²/dof gets by chance: SamplesChi2 holds them (sorted), so
// that x is a plausible sample when its χ²/dof lies among them.
type SepPhiCheck struct {
	// Test says what x and the samples are.
	Test string `json:"test"`
	// Coefficients is K', Samples n.
	Coefficients int `json:"coefficients"`
	Samples      int `json:"samples"`
	// Chi2PerDof is x's χ²/dof, Within2Sigma the fraction of the K'
	// coefficients with z_k ≤ 2.
	Chi2PerDof   float64 `json:"chi2_per_dof"`
	Within2Sigma float64 `json:"fraction_within_2sigma"`
	// SamplesChi2 are the leave-one-out χ²/dof of the samples (ascending),
	// SamplesChi2Max their largest.
	SamplesChi2    []float64 `json:"samples_leave_one_out_chi2_per_dof"`
	SamplesChi2Max float64   `json:"samples_leave_one_out_chi2_per_dof_max"`
	// Classes holds χ²/dof per coefficient class (the statistic's labels),
	// largest first.
	Classes []SepPhiClass `json:"classes"`
}

// SepPhiClass is the part of a SepPhiCheck of one coefficient class: its
// kept coefficients, their χ²/dof and the largest z_k (signed: the
// real-part sign of x_k − ⟨y_k⟩ at that coefficient).
type SepPhiClass struct {
	Class        string  `json:"class"`
	Coefficients int     `json:"coefficients"`
	Chi2PerDof   float64 `json:"chi2_per_dof"`
	MaxZ         float64 `json:"max_abs_z"`
}

// phiRows evaluates op on each map of x (one row of coefficients per map).
func phiRows(eng stlayer.Engine, op StatOp, x *stlayer.Maps) ([][]complex128, error) {
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, 0, nil)
	if err != nil {
		return nil, shapeAsInput(err)
	}
	rows := make([][]complex128, c.B)
	for b := range rows {
		rows[b] = slices.Clone(c.Row(b))
	}
	return rows, nil
}

// phiMeanStd returns the mean and the unbiased std (|·|) of rows,
// skipping row skip (−1: none).
func phiMeanStd(rows [][]complex128, skip int) ([]complex128, []float64) {
	k := len(rows[0])
	mean := make([]complex128, k)
	n := 0
	for i, r := range rows {
		if i == skip {
			continue
		}
		n++
		for j, v := range r {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= complex(float64(n), 0)
	}
	std := make([]float64, k)
	for i, r := range rows {
		if i == skip {
			continue
		}
		for j, v := range r {
			d := v - mean[j]
			std[j] += real(d)*real(d) + imag(d)*imag(d)
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n-1))
	}
	return mean, std
}

// phiChi2 returns the χ²/dof of x against mean and std on the coefficients
// StdWeights keeps, their count, and z_k (NaN where not kept).
func phiChi2(x, mean []complex128, std []float64) (float64, int, []float64) {
	w := StdWeights(mean, std, 1e-9, nil)
	z := make([]float64, len(x))
	s, n := 0.0, 0
	for k := range x {
		z[k] = math.NaN()
		if w[k] <= 0 {
			continue
		}
		d := x[k] - mean[k]
		z[k] = math.Hypot(real(d), imag(d)) / std[k]
		if real(d) < 0 {
			z[k] = -z[k]
		}
		s += z[k] * z[k]
		n++
	}
	if n == 0 {
		return math.NaN(), 0, z
	}
	return s / float64(n), n, z
}

// NewSepPhiCheck compares x with the rows ys (≥ 3 of them, each of x's
// length; labels, when it has one class per coefficient, groups them into
// classes): SepPhiCheck.
func NewSepPhiCheck(test string, x []complex128, ys [][]complex128, labels *stlayer.Labels) (*SepPhiCheck, error) {
	if len(ys) < 3 {
		return nil, inputErrorf("%s: %d samples; the check needs at least 3 (2 for σ, one left out)", test, len(ys))
	}
	for _, y := range ys {
		if len(y) != len(x) {
			return nil, inputErrorf("%s: sample statistics of %d coefficients, the tested one %d", test, len(y), len(x))
		}
	}
	mean, std := phiMeanStd(ys, -1)
	chi2, n, z := phiChi2(x, mean, std)
	if n == 0 {
		return nil, inputErrorf("%s: no coefficient varies over the samples", test)
	}
	pc := &SepPhiCheck{Test: test, Coefficients: n, Samples: len(ys), Chi2PerDof: chi2}
	within := 0
	type acc struct {
		n      int
		s, max float64
	}
	classes := map[string]*acc{}
	var order []string
	for k, v := range z {
		if math.IsNaN(v) {
			continue
		}
		if math.Abs(v) <= 2 {
			within++
		}
		c := "all"
		if labels != nil && len(labels.Class) == len(x) {
			c = labels.Class[k]
		}
		a := classes[c]
		if a == nil {
			a = &acc{}
			classes[c] = a
			order = append(order, c)
		}
		a.n++
		a.s += v * v
		if math.Abs(v) > math.Abs(a.max) {
			a.max = v
		}
	}
	pc.Within2Sigma = float64(within) / float64(n)
	for _, c := range order {
		a := classes[c]
		pc.Classes = append(pc.Classes, SepPhiClass{Class: c, Coefficients: a.n, Chi2PerDof: a.s / float64(a.n), MaxZ: a.max})
	}
	slices.SortStableFunc(pc.Classes, func(a, b SepPhiClass) int { return cmp.Compare(b.Chi2PerDof, a.Chi2PerDof) })
	for j := range ys {
		m, s := phiMeanStd(ys, j)
		c, _, _ := phiChi2(ys[j], m, s)
		if !math.IsNaN(c) {
			pc.SamplesChi2 = append(pc.SamplesChi2, c)
		}
	}
	slices.Sort(pc.SamplesChi2)
	if len(pc.SamplesChi2) > 0 {
		pc.SamplesChi2Max = pc.SamplesChi2[len(pc.SamplesChi2)-1]
	}
	return pc, nil
}

// Worst returns the k classes of largest χ²/dof in words
// ("C01 3.2 (max z −5.1)").
func (pc *SepPhiCheck) Worst(k int) string {
	s := ""
	for i, c := range pc.Classes {
		if i == k {
			break
		}
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %.3g (max z %+.2g)", c.Class, c.Chi2PerDof, c.MaxZ)
	}
	return s
}

// sepPhiChecks runs the two Φ tests of a separation report: Φ(d − s̃)
// against Φ(r_i) of the samples, and Φ(d) against Φ(s̃ + r_i).
func sepPhiChecks(eng stlayer.Engine, op StatOp, d, sep, samples *stlayer.Maps) (res, data *SepPhiCheck, err error) {
	m, n := d.M, d.N
	resid := stlayer.NewMaps(1, m, n)
	for i := range resid.Data {
		resid.Data[i] = d.Data[i] - sep.Data[i]
	}
	all := stlayer.NewMaps(2*samples.B+2, m, n)
	copy(all.Map(0), resid.Data)
	copy(all.Map(1), d.Data)
	for i := 0; i < samples.B; i++ {
		copy(all.Map(2+i), samples.Map(i))
		o := all.Map(2 + samples.B + i)
		for p, v := range samples.Map(i) {
			o[p] = sep.Data[p] + v
		}
	}
	rows, err := phiRows(eng, op, all)
	if err != nil {
		return nil, nil, fmt.Errorf("statistics for the report: %w", err)
	}
	lb := op.Labels()
	if res, err = NewSepPhiCheck("Phi(d - sep) against Phi(samples)", rows[0], rows[2:2+samples.B], lb); err != nil {
		return nil, nil, err
	}
	if data, err = NewSepPhiCheck("Phi(d) against Phi(sep + samples)", rows[1], rows[2+samples.B:], lb); err != nil {
		return nil, nil, err
	}
	return res, data, nil
}

// PairedSamples returns the residual samples of a separation with both
// contaminant and noise samples, for its report: r_j = c_(j mod Bc) +
// n_(j mod Bn), j < max(Bc, Bn) (every sample used; their mean spectrum is
// P_c + P_n up to the chance cross terms). With one of them nil it returns
// the other.
func PairedSamples(contaminant, noise *stlayer.Maps) (*stlayer.Maps, error) {
	if contaminant == nil || noise == nil {
		if contaminant == nil {
			return noise, nil
		}
		return contaminant, nil
	}
	if contaminant.M != noise.M || contaminant.N != noise.N {
		return nil, inputErrorf("contaminant samples are %d×%d maps, noise samples %d×%d", contaminant.M, contaminant.N, noise.M, noise.N)
	}
	if err := checkMaps("contaminant samples", contaminant, 0); err != nil {
		return nil, err
	}
	if err := checkMaps("noise samples", noise, 0); err != nil {
		return nil, err
	}
	k := max(contaminant.B, noise.B)
	out := stlayer.NewMaps(k, contaminant.M, contaminant.N)
	for j := 0; j < k; j++ {
		o, c, nz := out.Map(j), contaminant.Map(j%contaminant.B), noise.Map(j%noise.B)
		for p := range o {
			o[p] = c[p] + nz[p]
		}
	}
	return out, nil
}

// samplesSpread returns, per bin, the least and largest P_i/mean of the
// samples' spectra specs (−1 where the mean is 0) and z = (pr −
// mean)/sqrt(v) of the residual's spectrum pr (0 where v is 0).
func samplesSpread(specs [][]float64, mean, v, pr []float64) (lo, hi, z []float64) {
	nb := len(mean)
	lo, hi, z = make([]float64, nb), make([]float64, nb), make([]float64, nb)
	for b := range mean {
		lo[b], hi[b] = math.Inf(1), math.Inf(-1)
		for _, p := range specs {
			lo[b], hi[b] = math.Min(lo[b], p[b]/mean[b]), math.Max(hi[b], p[b]/mean[b])
		}
		z[b] = (pr[b] - mean[b]) / math.Sqrt(v[b])
		if !(mean[b] > 0) {
			lo[b], hi[b] = math.NaN(), math.NaN()
		}
		if !(v[b] > 0) || math.IsNaN(z[b]) || math.IsInf(z[b], 0) {
			z[b] = 0
		}
	}
	return nanToNeg(lo), nanToNeg(hi), z
}

// Verdicts of SepPhiVerdict.
const (
	SepPhiVerdictFail = "FAIL: d is not reproduced by sep + samples"
	SepPhiVerdictPass = "no contradiction"
)

// SepPhiVerdict judges a separation by its data check (Φ(d) against
// Φ(s̃ + r_i), SeparationMetrics.PhiData; "" when nil): it fails when
// Φ(d)'s χ²/dof exceeds the largest leave-one-out χ²/dof of the samples
// s̃ + r_i themselves, i.e. d is less like s̃ + r_i than any of them is
// like the others: the samples are too strong or of another kind, or the
// run stopped early. Calibrated on dust 64² + white noise (WPH iso, power
// spectrum, defaults; 10 noise samples; χ²/dof, leave-one-out max in
// brackets): right samples 0.015 (2.2) at SNR 1 and 0.34 (2.4) at SNR 0.3,
// pass; samples ×1.1 in amplitude 0.045 (2.6) at SNR 1, pass, 3.2 (2.0) at
// SNR 0.3, fail; ×1.3 3.6 (2.0) and 16 (2.5), ×3 77 (2.9), fail. It does
// not see samples that are too weak (×0.7: 1.4e-4 and 0.005; s̃ takes the
// power the samples lack) nor tell a good separation from a poor one with
// the right samples (SNR 1: P_s̃/P_s within 28 %, SNR 0.3 within 45 %, both
// pass): "no contradiction" is not a pass. The residual check (PhiResidual)
// gives no verdict: its χ²/dof was 57 for the right samples at SNR 1 (the
// residual held 3–50 % of the noise power per bin), 1.8 at SNR 0.3, 124
// and 72 for samples ×0.7.
func SepPhiVerdict(data *SepPhiCheck) string {
	if data == nil {
		return ""
	}
	if data.Chi2PerDof > data.SamplesChi2Max {
		return fmt.Sprintf("%s (chi2/dof of Phi(d) %.3g > %.3g, the largest of the samples sep + r_i left out in turn): the samples are too strong or of another kind than d's contaminant, or the run stopped early; worst classes %s", SepPhiVerdictFail, data.Chi2PerDof, data.SamplesChi2Max, data.Worst(3))
	}
	return fmt.Sprintf("%s: Phi(d) is as close to sep + samples (chi2/dof %.3g) as they are to each other (up to %.3g); this check does not see samples that are too weak nor tell a good separation from a poor one", SepPhiVerdictPass, data.Chi2PerDof, data.SamplesChi2Max)
}

// addNegativeMarks draws the bins where y < 0 (a ratio that a log axis
// cannot show; −1, the empty-bin marker, excepted) as open rings in col at
// half the lowest value drawn so far, with a legend entry naming them
// (name "< 0 in n bin(s): rings at the bottom").
// Call it after the other series and before setLogScales.
func addNegativeMarks(p *plot.Plot, k, y []float64, col color.Color, name string) error {
	var xy plotter.XYs
	for b, v := range y {
		if v < 0 && v != -1 && b < len(k) {
			xy = append(xy, plotter.XY{X: k[b], Y: v})
		}
	}
	if len(xy) == 0 {
		return nil
	}
	bottom := p.Y.Min / 2
	if !(bottom > 0) || math.IsInf(bottom, 0) {
		bottom = 0.01
	}
	for i := range xy {
		xy[i].Y = bottom
	}
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return err
	}
	sc.GlyphStyle.Shape = draw.RingGlyph{}
	sc.GlyphStyle.Color = col
	sc.GlyphStyle.Radius = vg.Points(4)
	p.Add(sc)
	p.Legend.Add(fmt.Sprintf("%s < 0 in %d bin(s): rings at the bottom", name, len(xy)), sc)
	return nil
}

// addRangeBand shades lo … hi per bin (bins where either is ≤ 0 skipped).
func addRangeBand(p *plot.Plot, k, lo, hi []float64, label string) error {
	var up, down plotter.XYs
	for b := range lo {
		if b >= len(k) || b >= len(hi) || !(lo[b] > 0) || !(hi[b] > 0) {
			continue
		}
		up = append(up, plotter.XY{X: k[b], Y: hi[b]})
		down = append(down, plotter.XY{X: k[b], Y: lo[b]})
	}
	if len(up) < 2 {
		return nil
	}
	slices.Reverse(down)
	poly, err := plotter.NewPolygon(append(up, down...))
	if err != nil {
		return err
	}
	poly.Color = color.NRGBA{R: 128, G: 128, B: 128, A: 60}
	poly.LineStyle.Width = 0
	p.Add(poly)
	p.Legend.Add(label, poly)
	return nil
}

// sepPhiPanel draws the two Φ checks of a separation report per
// coefficient class: χ²/dof of Φ(d − s̃) against the samples and of Φ(d)
// against s̃ + samples (in the residual's and the data's styles), each
// with the largest leave-one-out χ²/dof of its samples as a dashed line.
func sepPhiPanel(sm *SeparationMetrics) (*plot.Plot, error) {
	res, dat := sm.PhiResidual, sm.PhiData
	var names []string
	for _, c := range res.Classes {
		names = append(names, c.Class)
	}
	for _, c := range dat.Classes {
		if !slices.Contains(names, c.Class) {
			names = append(names, c.Class)
		}
	}
	series := func(pc *SepPhiCheck) plotter.XYs {
		var xy plotter.XYs
		for i, n := range names {
			for _, c := range pc.Classes {
				if c.Class == n && c.Chi2PerDof > 0 {
					xy = append(xy, plotter.XY{X: float64(i + 1), Y: c.Chi2PerDof})
				}
			}
		}
		return xy
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("statistics (Φ) per class, no truth needed\nΦ(d − sep) vs samples: χ²/dof %.3g (samples ≤ %.3g)\nΦ(d) vs Φ(sep + samples): %.3g (samples ≤ %.3g)", res.Chi2PerDof, res.SamplesChi2Max, dat.Chi2PerDof, dat.SamplesChi2Max)
	if strings.HasPrefix(sm.PhiVerdict, SepPhiVerdictFail) {
		p.Title.Text += "\n" + SepPhiVerdictFail
	}
	p.X.Label.Text = "coefficient class"
	p.Y.Label.Text = "χ²/dof (mean of z², z = ΔΦ/σ over the samples)"
	var ticks []plot.Tick
	for i, n := range names {
		ticks = append(ticks, plot.Tick{Value: float64(i + 1), Label: n})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if err := plotx.AddLines(p, true, styledLines(styledXY{sepStyleData, "Φ(d) vs Φ(sep + samples)", series(dat)}, styledXY{sepStyleResidual, "Φ(d − sep) vs Φ(samples)", series(res)})...); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		pc    *SepPhiCheck
		style int
		name  string
	}{{dat, sepStyleData, "Φ(sep + r_i) vs the others: largest"}, {res, sepStyleResidual, "Φ(r_i) vs the others: largest"}} {
		if !(x.pc.SamplesChi2Max > 0) {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: 0.5, Y: x.pc.SamplesChi2Max}, {X: float64(len(names)) + 0.5, Y: x.pc.SamplesChi2Max}})
		if err != nil {
			return nil, err
		}
		l.Color = plotx.Palette(x.style)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(x.name, l)
	}
	p.X.Min, p.X.Max = 0.5, float64(len(names))+0.5
	setLogScales(p, false, true)
	return p, nil
}
