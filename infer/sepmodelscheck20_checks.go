package infer

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// SepMoments compares one estimated component of a learned-model
// separation with its model's pixel moments (ComponentModel.PixelMoments:
// the mean and std, ddof 0, pooled over the training patches) and, when
// the truth is known, with the truth: pixel correlation and r(k) are blind
// to the map mean (k = 0), which the separation splits by the models'
// pixel means, so a model whose patches have another mean than the
// component's (e.g. a cluster that mixes in patches of another family)
// gives an estimate offset by the difference.
type SepMoments struct {
	Name string `json:"name"`
	// Mean and Std of the estimate (ddof 0); ModelMean and ModelStd the
	// model's; MeanOffsetModelStd = (Mean − ModelMean)/ModelStd (0 when
	// ModelStd is 0).
	Mean               float64 `json:"mean"`
	Std                float64 `json:"std"`
	ModelMean          float64 `json:"model_mean"`
	ModelStd           float64 `json:"model_std"`
	MeanOffsetModelStd float64 `json:"mean_offset_model_stds"`
	// With the truth: its mean and std, the estimate's mean error Mean −
	// TrueMean, that error in units of the truth's std, and ClippedFraction,
	// the fraction of the estimate's pixels outside the truth's colour
	// scale in maps.png (its 0.5–99.5 % range).
	TrueMean        *float64 `json:"true_mean,omitempty"`
	TrueStd         *float64 `json:"true_std,omitempty"`
	MeanError       *float64 `json:"mean_error,omitempty"`
	MeanErrorStd    *float64 `json:"mean_error_true_stds,omitempty"`
	ClippedFraction *float64 `json:"clipped_fraction,omitempty"`
}

// Thresholds of SepMoments.Problems.
const (
	// SepMeanOffsetLimit: an estimate's mean more than this many model stds
	// (or, with the truth, true stds) from the model's (the truth's) mean.
	SepMeanOffsetLimit = 2.0
	// SepStdRatioLimit: an estimate's std more than this factor below or
	// above its model's pooled pixel std.
	SepStdRatioLimit = 4.0
	// SepClippedLimit: more than this fraction of the estimate's pixels
	// outside its truth's colour scale.
	SepClippedLimit = 0.5
)

// SeparationMoments returns the SepMoments of each estimated component
// (est [C, M, N], in comps' order); truth, when not nil, has the same
// shape.
func SeparationMoments(est, truth *stlayer.Maps, comps []SepComponent) []SepMoments {
	out := make([]SepMoments, 0, len(comps))
	for c, comp := range comps {
		if c >= est.B || comp.Model == nil {
			break
		}
		mu, sd, _, _ := Moments(est.Map(c))
		m := SepMoments{Name: comp.Name, Mean: mu, Std: sd, ModelMean: comp.Model.PixelMoments[0], ModelStd: comp.Model.PixelMoments[1]}
		if m.ModelStd > 0 {
			m.MeanOffsetModelStd = (m.Mean - m.ModelMean) / m.ModelStd
		}
		if truth != nil && c < truth.B {
			tv := truth.Map(c)
			tm, ts, _, _ := Moments(tv)
			e := mu - tm
			m.TrueMean, m.TrueStd, m.MeanError = &tm, &ts, &e
			if ts > 0 {
				r := e / ts
				m.MeanErrorStd = &r
			}
			lo, hi := plotx.Range(tv, 0.005)
			n := 0
			for _, v := range est.Map(c) {
				if v < lo || v > hi {
					n++
				}
			}
			f := float64(n) / float64(len(tv))
			m.ClippedFraction = &f
		}
		out = append(out, m)
	}
	return out
}

// Line is the component's moments in one line: "pixel mean 0.03069, std
// 0.004586 (its model's 0.0329, std 0.04942, pooled over the cluster's
// patches); truth mean -0.0003605, std 0.008375: mean error 0.0311 = 3.7
// true stds".
func (m SepMoments) Line() string {
	s := fmt.Sprintf("pixel mean %.4g, std %.4g (its model's %.4g, std %.4g, pooled over the cluster's patches)", m.Mean, m.Std, m.ModelMean, m.ModelStd)
	if m.TrueMean != nil {
		s += fmt.Sprintf("; truth mean %.4g, std %.4g: mean error %.3g", *m.TrueMean, *m.TrueStd, *m.MeanError)
		if m.MeanErrorStd != nil {
			s += fmt.Sprintf(" = %.2g true stds", *m.MeanErrorStd)
		}
	}
	return s
}

// Problems are the warnings about the component's moments: its mean more
// than SepMeanOffsetLimit model stds from the model's, its std more than
// SepStdRatioLimit times below or above the model's and, with the truth,
// its mean more than SepMeanOffsetLimit true stds from the truth's or more
// than SepClippedLimit of its pixels outside the truth's colour scale
// (maps.png). Each is one sentence, the component named.
func (m SepMoments) Problems() []string {
	var out []string
	if m.ModelStd > 0 && math.Abs(m.MeanOffsetModelStd) > SepMeanOffsetLimit {
		out = append(out, fmt.Sprintf("%s: the estimate's pixel mean %.4g is %.2g model stds from its model's %.4g (std %.4g): the data's mean is not what the models expect (another zero level or offset than the training patches?)", m.Name, m.Mean, m.MeanOffsetModelStd, m.ModelMean, m.ModelStd))
	}
	if m.ModelStd > 0 && m.Std > 0 {
		if r := m.ModelStd / m.Std; r > SepStdRatioLimit {
			out = append(out, fmt.Sprintf("%s: the estimate's pixel std %.4g is %.3g× below its model's %.4g: the separation gave it little of the data's structure", m.Name, m.Std, r, m.ModelStd))
		} else if r := m.Std / m.ModelStd; r > SepStdRatioLimit {
			out = append(out, fmt.Sprintf("%s: the estimate's pixel std %.4g is %.3g× above its model's %.4g: it took structure the model does not have", m.Name, m.Std, r, m.ModelStd))
		}
	}
	if m.MeanErrorStd != nil && math.Abs(*m.MeanErrorStd) > SepMeanOffsetLimit {
		out = append(out, fmt.Sprintf("%s: the estimate's pixel mean %.4g is off the truth's %.4g by %.3g, %.2g true stds (pixel correlation and r(k) do not see the mean): the models' pixel means split DATA's mean (model mean %.4g); a model whose training patches have another mean than this component (a cluster mixing in other patches?) shifts it", m.Name, m.Mean, *m.TrueMean, *m.MeanError, *m.MeanErrorStd, m.ModelMean))
	}
	if m.ClippedFraction != nil && *m.ClippedFraction > SepClippedLimit {
		out = append(out, fmt.Sprintf("%s: %.0f %% of the estimate's pixels lie outside the truth's colour scale (maps.png, the truth's 0.5–99.5 %% range)", m.Name, 100**m.ClippedFraction))
	}
	return out
}

// MaskLimit: MaskWarnings names a component whose term keeps fewer than
// this fraction of its coefficients after the MinFraction mask.
const MaskLimit = 0.25

// MaskWarnings returns, per component of res whose term keeps fewer than
// MaskLimit of its coefficients after ModelSepOptions.MinFraction's mask
// (ModelSepResult.KeptCoeffs against ModelCoeffs), one sentence: its name,
// kept of how many, and that its term then says little.
func MaskWarnings(res *ModelSepResult, comps []SepComponent, minFraction float64) []string {
	if res == nil {
		return nil
	}
	var out []string
	for c := range comps {
		if c >= len(res.KeptCoeffs) || c >= len(res.ModelCoeffs) || res.ModelCoeffs[c] == 0 {
			continue
		}
		k, n := res.KeptCoeffs[c], res.ModelCoeffs[c]
		if float64(k) >= MaskLimit*float64(n) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: the --min-fraction %g mask keeps %d of its %d coefficients (it holds less than %g of the data's power at the other wavelet scales): its model hardly constrains it, and a small final term means little; --min-fraction 0 keeps them all", comps[c].Name, minFraction, k, n, minFraction))
	}
	return out
}

// ForeignLimit: ClusterMixtures names a component more than this fraction
// of whose patches come from source files whose patches mostly went to
// other components.
const ForeignLimit = 0.2

// ClusterMixture is a component whose patches mix source files: Foreign of
// its Count patches come from source files most of whose patches went to
// other components (Sources: those files, their counts in this component
// and, in Home, the component each mostly went to); Own are the others.
type ClusterMixture struct {
	K, Count, Foreign int
	Own, Sources      []SourceCount
	Home              []int
}

// ClusterMixtures returns the components of clusters (a model manifest's,
// ModelCluster.Sources filled) more than ForeignLimit of whose patches come
// from source files whose patches mostly went to other components: the
// component's model (moments, spectra, samples) then mixes them with its
// own. A source file counts as its plurality component's, and as its own
// in a component where it is the largest (one map split in two
// clusters); several maps of one family in one component are its own; a
// dataset of one source file gives nothing.
func ClusterMixtures(clusters []ModelCluster) []ClusterMixture {
	home := map[string]int{}
	best := map[string]int{}
	for _, c := range clusters {
		for _, s := range c.Sources {
			if n, ok := best[s.File]; !ok || s.Count > n {
				best[s.File], home[s.File] = s.Count, c.K
			}
		}
	}
	if len(home) < 2 {
		return nil
	}
	var out []ClusterMixture
	for _, c := range clusters {
		m := ClusterMixture{K: c.K}
		for i, s := range c.Sources {
			m.Count += s.Count
			// its largest source is its own even when most of that file
			// went elsewhere (one map split over two clusters)
			if i > 0 && home[s.File] != c.K {
				m.Foreign += s.Count
				m.Sources = append(m.Sources, s)
				m.Home = append(m.Home, home[s.File])
			} else {
				m.Own = append(m.Own, s)
			}
		}
		if m.Count > 0 && float64(m.Foreign) > ForeignLimit*float64(m.Count) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].K < out[b].K })
	return out
}

// Message is one sentence about the mixture: "component 2: 17 of its 52
// training patches (33 %) come from source files whose patches mostly went
// to other components: dustQ.fits 13 (mostly component 1), dustI.fits 4
// (mostly component 0); its own: cib.fits 35. …".
func (m ClusterMixture) Message() string {
	var f, o []string
	for i, s := range m.Sources {
		f = append(f, fmt.Sprintf("%s %d (mostly component %d)", s.File, s.Count, m.Home[i]))
	}
	for _, s := range m.Own {
		o = append(o, fmt.Sprintf("%s %d", s.File, s.Count))
	}
	own := "none"
	if len(o) > 0 {
		own = strings.Join(o, ", ")
	}
	return fmt.Sprintf("component %d: %d of its %d training patches (%.0f %%) come from source files whose patches mostly went to other components: %s; its own: %s. Its model (moments, spectra, pixel mean, samples) mixes them: its samples and the components separated with it follow neither population. The spectrum-outlier check sees only the few far ones; balancing the sources (stkit patches --max-per-source) or more clusters may give them their own cluster (check with stkit clusters)",
		m.K, m.Foreign, m.Count, 100*float64(m.Foreign)/float64(m.Count), strings.Join(f, ", "), own)
}

// PlotModelSepSpectra draws power_spectrum.png of a learned-model
// separation at path: modelSepSpectrumPlot's spectra (data, estimates,
// truths when not nil) plus each model component's spectrum, the
// geometric mean exp(ps_logmean) of its training patches (dotted, the
// estimate's colour) and its ± 1 std band exp(ps_logmean ± ps_logstd)
// (thin dotted), at the data's k (ps_k × min(M, N)/patch): without the
// truths, the only reference an estimate's spectrum can be compared with.
func PlotModelSepSpectra(path string, data, est, truth *stlayer.Maps, comps []SepComponent, patch int) error {
	if est == nil || data == nil || len(comps) < est.B || patch < 1 {
		return inputErrorf("separation spectrum plot: no maps, too few components or no patch size")
	}
	names := make([]string, len(comps))
	for i, c := range comps {
		names[i] = c.Name
	}
	ps, err := modelSepSpectrumPlot(data, est, truth, names)
	if err != nil {
		return err
	}
	scale := float64(min(est.M, est.N)) / float64(patch)
	for c := 0; c < est.B; c++ {
		cm := comps[c].Model
		if cm == nil || len(cm.PSLogMean) != len(cm.PSK) || len(cm.PSK) == 0 {
			continue
		}
		k := make([]float64, len(cm.PSK))
		mid := make([]float64, len(k))
		lo := make([]float64, len(k))
		hi := make([]float64, len(k))
		for i, v := range cm.PSK {
			k[i] = v * scale
			mid[i] = math.Exp(cm.PSLogMean[i])
			s := 0.0
			if len(cm.PSLogStd) == len(k) {
				s = cm.PSLogStd[i]
			}
			lo[i], hi[i] = math.Exp(cm.PSLogMean[i]-s), math.Exp(cm.PSLogMean[i]+s)
		}
		col := plotx.Palette(c)
		if err := addDottedLine(ps, "model "+names[c]+" (training patches, geometric mean ± 1 std)", plotx.XY(k, mid, true), col, 1.5); err != nil {
			return err
		}
		for _, y := range [][]float64{lo, hi} {
			if err := addDottedLine(ps, "", plotx.XY(k, y, true), col, 0.6); err != nil {
				return err
			}
		}
	}
	ps.Title.Text += "\ndotted: each model's spectrum (its training patches), ± 1 std"
	setLogScales(ps, true, true)
	return plotx.Save(path, ps, 7.5*vg.Inch, 5*vg.Inch)
}

// addDottedLine adds a dotted line of width w points (a legend entry when
// name is not "").
func addDottedLine(p *plot.Plot, name string, xy plotter.XYs, col color.Color, w float64) error {
	if len(xy) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color, l.Width = col, vg.Points(w)
	l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// PlotModelSepTerms draws loss.png of a learned-model separation at path
// from ModelSepResult.TermHistory: one line per term (each component's
// statistic term, its Gaussian-field prior as a thick line, the box
// penalty) and their total (dotted) after each iteration, on a log axis, with the stop level of each component
// (StopLevels) as a flat dashed line of its colour and ModelSepLossNote in
// the title: the total is mostly the prior with the default GaussPrior,
// and the statistic terms, which decide the stop, are invisible in it.
// Falls back to PlotModelSepLoss without a history.
func PlotModelSepTerms(path string, res *ModelSepResult, names []string) error {
	if res == nil {
		return inputErrorf("separation loss plot: no result (nil)")
	}
	nc := len(names)
	if len(res.TermHistory) == 0 || nc == 0 {
		return PlotModelSepLoss(path, res)
	}
	// iteration 0: the start's terms and priors (no box value is kept)
	hist := res.TermHistory
	x0 := 1
	if len(res.InitParts) == nc && (len(res.PriorEnd) == 0 || len(res.PriorStart) == nc) {
		h0 := append(slices.Clone(res.InitParts), res.PriorStart...)
		hist = append([][]float64{h0}, hist...)
		x0 = 0
	}
	width := 0
	for _, h := range hist {
		width = max(width, len(h))
	}
	prior := len(res.PriorEnd) > 0
	label := func(j int) string {
		switch {
		case j < nc:
			return "term " + names[j]
		case prior && j < 2*nc:
			return "prior " + names[j-nc]
		}
		return "box penalty"
	}
	p := plot.New()
	p.Title.Text = "loss terms at the start (0) and after each iteration (dashed: stop levels)"
	if s := ModelSepLossNote(res); s != "" {
		p.Title.Text += "\n" + s
	}
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "term value"
	p.X.Tick.Marker = plotx.IntTicks{}
	n := len(res.TermHistory)
	for j := 0; j < width; j++ {
		var it, v []float64
		for i, h := range hist {
			if j < len(h) && h[j] > 0 && !math.IsInf(h[j], 0) {
				it = append(it, float64(i+x0))
				v = append(v, h[j])
			}
		}
		col := plotx.Palette(j % nc)
		if j >= 2*nc || (!prior && j >= nc) {
			col = color.Gray{Y: 90}
		}
		if j >= nc && j < 2*nc && prior {
			l, err := plotter.NewLine(plotx.XY(it, v, true))
			if err != nil || len(it) == 0 {
				continue
			}
			l.Color, l.Width = col, vg.Points(2.5)
			p.Add(l)
			p.Legend.Add(label(j), l)
			continue
		}
		if err := addStyledLine(p, label(j), plotx.XY(it, v, true), col, false); err != nil {
			return err
		}
	}
	var it, tot []float64
	for i, h := range hist {
		s := 0.0
		for _, v := range h {
			s += v
		}
		if s > 0 && !math.IsInf(s, 0) {
			it, tot = append(it, float64(i+x0)), append(tot, s)
		}
	}
	if err := addDottedLine(p, "total loss (dotted)", plotx.XY(it, tot, true), color.Black, 1.5); err != nil {
		return err
	}
	for c := 0; c < nc && c < len(res.StopLevels); c++ {
		if lv := res.StopLevels[c]; lv > 0 && !math.IsInf(lv, 0) {
			xy := plotter.XYs{{X: float64(x0), Y: lv}, {X: float64(max(n, 2)), Y: lv}}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return err
			}
			l.Color, l.Width = plotx.Palette(c), vg.Points(1)
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			p.Add(l)
		}
	}
	setLogScales(p, false, true)
	return plotx.Save(path, p, 7*vg.Inch, 4.8*vg.Inch)
}

// countPositive counts the entries of w above 0.
func countPositive(w []float64) int {
	n := 0
	for _, v := range w {
		if v > 0 {
			n++
		}
	}
	return n
}
