package infer

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// DominantFraction is the power fraction above which a component "holds" a
// scale in SepComponentMetrics.RMinDominant.
const DominantFraction = 0.3

// SepComponentMetrics compares one separated component with its truth, per
// half-octave bin of IsoPowerSpectrum (edges in cycles per min(M, N) pixels). Per-bin
// values that are undefined (bins without modes or power) hold −1 (JSON has
// no NaN).
type SepComponentMetrics struct {
	Name  string    `json:"name"`
	Edges []float64 `json:"ps_bin_edges"`
	// PTrue and PEst are the isotropic power spectra of the truth and the
	// estimate; PSRatio = PEst/PTrue.
	PTrue   []float64 `json:"ps_true"`
	PEst    []float64 `json:"ps_estimate"`
	PSRatio []float64 `json:"ps_ratio"`
	// R is the cross-correlation coefficient r(k) = P_{est,true}/√(P_est P_true).
	R []float64 `json:"r"`
	// PowerFraction is P_true,c / Σ_c' P_true,c' per bin (the share of the
	// data's power this component holds, cross terms neglected).
	PowerFraction []float64 `json:"power_fraction"`
	// RMinDominant is min r(k) over the bins where PowerFraction ≥
	// DominantFraction (−1 when there is none, and −1 when the estimate has
	// no power in one of them); DominantBins counts them.
	RMinDominant float64 `json:"r_min_dominant"`
	DominantBins int     `json:"dominant_bins"`
	// PSMaxDevDominant is max |PSRatio − 1| over the same bins.
	PSMaxDevDominant float64 `json:"ps_max_abs_ratio_minus_1_dominant"`
	// RData is r(k) of the data itself (the sum of the truths) with this
	// truth, and RMinDominantData its min over the same bins: the r(k) of
	// every estimate that filters the data bin by bin (r is unchanged by a
	// positive factor per bin), the Wiener filter with the true spectra
	// included. For uncorrelated components it is about √(power fraction):
	// ≈ 0.55 where a component holds 30 % of the power, so r(k) ≥ 0.8 there
	// needs information beyond the spectra.
	RData            []float64 `json:"r_data"`
	RMinDominantData float64   `json:"r_min_dominant_data"`
	// PixelCorr is the pixel correlation of estimate and truth; RelError
	// ‖est − true‖/‖true − ⟨true⟩‖ (0 = perfect). Each is NaN when undefined
	// (a constant estimate or truth for PixelCorr, a constant truth for
	// RelError), and then left out of the JSON (MarshalJSON), where a
	// defined value, 0 included, is written. They were 0 and omitempty: a
	// perfect relative error of 0 was missing from metrics.json, as an
	// undefined one (the demo printed "–").
	PixelCorr float64 `json:"pixel_correlation"`
	RelError  float64 `json:"relative_error"`
	// MomentsTrue and MomentsEst are mean, std, skewness, excess kurtosis.
	MomentsTrue [4]float64 `json:"moments_true"`
	MomentsEst  [4]float64 `json:"moments_estimate"`
	// StatChiEst and StatChiTrue (when computed) are the RMS of (Φ − μ)/σ of
	// the estimate and of the truth against the component's model, over the
	// kept coefficients and the patch tiles of SampleTiles (StatChi).
	StatChiEst  float64 `json:"stat_chi_estimate,omitempty"`
	StatChiTrue float64 `json:"stat_chi_true,omitempty"`
}

// sepMetricsPlain is SepComponentMetrics without its JSON methods.
type sepMetricsPlain SepComponentMetrics

// sepMetricsJSON is the JSON form of SepComponentMetrics: pixel_correlation
// and relative_error present when defined (0 included), absent when NaN.
type sepMetricsJSON struct {
	*sepMetricsPlain
	PixelCorr *float64 `json:"pixel_correlation,omitempty"`
	RelError  *float64 `json:"relative_error,omitempty"`
}

// finiteOrNil is &v when v is finite, nil when undefined (NaN or ±Inf):
// the JSON forms of the separation metrics write a defined figure, 0
// included, and leave an undefined one out (JSON has no NaN).
func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes m with pixel_correlation and relative_error when they
// are finite (0 included) and without them when undefined (NaN or ±Inf;
// JSON has no NaN).
func (m SepComponentMetrics) MarshalJSON() ([]byte, error) {
	def := finiteOrNil
	return json.Marshal(sepMetricsJSON{sepMetricsPlain: (*sepMetricsPlain)(&m), PixelCorr: def(m.PixelCorr), RelError: def(m.RelError)})
}

// UnmarshalJSON reads MarshalJSON's form: an absent pixel_correlation or
// relative_error is NaN (undefined).
func (m *SepComponentMetrics) UnmarshalJSON(b []byte) error {
	j := sepMetricsJSON{sepMetricsPlain: (*sepMetricsPlain)(m)}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	m.PixelCorr, m.RelError = math.NaN(), math.NaN()
	if j.PixelCorr != nil {
		m.PixelCorr = *j.PixelCorr
	}
	if j.RelError != nil {
		m.RelError = *j.RelError
	}
	return nil
}

// EvaluateModelSeparation compares estimated components est [C, M, N] with their
// truths [C, M, N] (same order). Maps that are nil, empty, whose Data length
// is not B·M·N or that hold non-finite pixels, and estimates and truths of
// different shapes are input errors (ErrModelInput).
func EvaluateModelSeparation(est, truth *stlayer.Maps, names []string) ([]SepComponentMetrics, error) {
	if err := checkFiniteMaps("estimated components", est, 0); err != nil {
		return nil, err
	}
	if err := checkFiniteMaps("true components", truth, 0); err != nil {
		return nil, err
	}
	if est.B != truth.B || est.M != truth.M || est.N != truth.N {
		return nil, inputErrorf("estimates [%d,%d,%d] and truths [%d,%d,%d] differ in shape", est.B, est.M, est.N, truth.B, truth.M, truth.N)
	}
	m, n := est.M, est.N
	pt := make([]*PowerSpectrum, truth.B)
	for c := range pt {
		pt[c] = IsoPowerSpectrum(truth.Map(c), m, n)
	}
	sum := make([]float64, m*n)
	for c := 0; c < truth.B; c++ {
		for i, v := range truth.Map(c) {
			sum[i] += v
		}
	}
	out := make([]SepComponentMetrics, est.B)
	for c := range out {
		e, t := est.Map(c), truth.Map(c)
		pe := IsoPowerSpectrum(e, m, n)
		edges, r := CrossSpectrumR(e, t, m, n)
		_, rd := CrossSpectrumR(sum, t, m, n)
		// No r where the estimate has no power: −1 (a failure) in the min
		// below too, as EvaluateSeparation's RMin, not a bin left out.
		negNaN(r)
		negNaN(rd)
		mc := SepComponentMetrics{Name: fmt.Sprint(c), Edges: edges, PTrue: pt[c].P, PEst: pe.P, R: r, RMinDominant: math.NaN(),
			RData: rd, RMinDominantData: math.NaN()}
		if c < len(names) {
			mc.Name = names[c]
		}
		nb := len(pe.P)
		mc.PSRatio = make([]float64, nb)
		mc.PowerFraction = make([]float64, nb)
		for b := 0; b < nb; b++ {
			mc.PSRatio[b] = pe.P[b] / pt[c].P[b]
			tot := 0.0
			for cc := range pt {
				tot += pt[cc].P[b]
			}
			mc.PowerFraction[b] = pt[c].P[b] / tot
			if mc.PowerFraction[b] >= DominantFraction && pt[c].Count[b] > 0 {
				mc.DominantBins++
				if math.IsNaN(mc.RMinDominant) || r[b] < mc.RMinDominant {
					mc.RMinDominant = r[b]
				}
				if math.IsNaN(mc.RMinDominantData) || rd[b] < mc.RMinDominantData {
					mc.RMinDominantData = rd[b]
				}
				mc.PSMaxDevDominant = math.Max(mc.PSMaxDevDominant, math.Abs(mc.PSRatio[b]-1))
			}
		}
		me, se, ske, ke := Moments(e)
		mt, st, skt, kt := Moments(t)
		mc.MomentsEst = [4]float64{me, se, ske, ke}
		mc.MomentsTrue = [4]float64{mt, st, skt, kt}
		num, de, dt, sq := 0.0, 0.0, 0.0, 0.0
		for i := range e {
			a, b := e[i]-me, t[i]-mt
			num += a * b
			de += a * a
			dt += b * b
			sq += (e[i] - t[i]) * (e[i] - t[i])
		}
		mc.PixelCorr = num / math.Sqrt(de*dt)
		mc.RelError = math.Sqrt(sq / dt)
		for _, v := range []*float64{&mc.PixelCorr, &mc.RelError} {
			if math.IsNaN(*v) || math.IsInf(*v, 0) {
				*v = math.NaN() // undefined: left out of the JSON (which has no NaN)
			}
		}
		for _, v := range [][]float64{mc.PTrue, mc.PEst, mc.PSRatio, mc.R, mc.PowerFraction, mc.RData} {
			negNaN(v)
		}
		if math.IsNaN(mc.RMinDominant) {
			mc.RMinDominant = -1
		}
		if math.IsNaN(mc.RMinDominantData) {
			mc.RMinDominantData = -1
		}
		out[c] = mc
	}
	return out, nil
}

// ModelSepReport is the metrics.json of a separation with learned models,
// filled by the caller and written as it is by WriteModelSepReport:
// Components names the components (the figures' labels; one per
// component at least), Terms and FinalParts are ModelSepResult.Terms and
// Parts (InitParts those values at the start), Iterations, Evals, Seconds
// and Tiles the run's figures, Metrics and InitMetric EvaluateModelSeparation
// of the result and of the start against the truths (r.png draws Metrics),
// and Settings free-form.
type ModelSepReport struct {
	Components []string              `json:"components"`
	Terms      []string              `json:"terms"`
	FinalParts []float64             `json:"final_term_values"`
	InitParts  []float64             `json:"initial_term_values,omitempty"`
	Iterations int                   `json:"iterations"`
	Evals      int                   `json:"evaluations"`
	Seconds    float64               `json:"seconds"`
	Tiles      int                   `json:"tiles"`
	Metrics    []SepComponentMetrics `json:"metrics,omitempty"`
	InitMetric []SepComponentMetrics `json:"metrics_initial,omitempty"`
	Settings   map[string]any        `json:"settings,omitempty"`
}

// WriteModelSepReport writes the report of a separation into dir (created
// if needed): maps.png (data, estimates and, when given, truths and the
// errors estimate − truth: modelSepMapPanels),
// power_spectrum.png (estimates vs truths or, without truths, estimates and
// data), r.png (r(k) per component, when rep holds Metrics, which needs the
// truths), loss.png (when an epoch of res made an iteration) and
// metrics.json (rep).
//
// A nil result or report, data that is not one map of the components' size,
// truths of another shape than the components, fewer component names in
// rep than components, and per-component metrics without truths are input
// errors (ErrModelInput), found before anything is written.
func WriteModelSepReport(dir string, data *stlayer.Maps, res *ModelSepResult, truth *stlayer.Maps, rep *ModelSepReport) error {
	if res == nil || rep == nil {
		return inputErrorf("separation report: no result or no report (nil)")
	}
	est := res.Components
	if err := checkMaps("estimated components", est, 0); err != nil {
		return err
	}
	m, n := est.M, est.N
	if err := checkMaps("data", data, 1); err != nil {
		return err
	}
	if data.M != m || data.N != n {
		return inputErrorf("separation report: the data is %d×%d, the components %d×%d", data.M, data.N, m, n)
	}
	if truth != nil {
		if err := checkMaps("true components", truth, 0); err != nil {
			return err
		}
		if truth.B != est.B || truth.M != m || truth.N != n {
			return inputErrorf("separation report: truths [%d,%d,%d], components [%d,%d,%d]", truth.B, truth.M, truth.N, est.B, m, n)
		}
	}
	if len(rep.Components) < est.B {
		return inputErrorf("separation report: %d component names for %d components", len(rep.Components), est.B)
	}
	if len(rep.Metrics) > 0 && truth == nil {
		return inputErrorf("separation report: metrics against truths, but no truths")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rows, title := modelSepMapPanels(data, est, truth, rep.Components)
	// rows of 3.4 in square panels with the title; less high for maps wider than tall
	nr := vg.Length(len(rows))
	titleH := 0.3 * vg.Inch * vg.Length(1+strings.Count(title, "\n"))
	h := min(nr*3.4*vg.Inch, titleH+nr*plotx.MapRowHeight(3.4*vg.Inch, m, n, 3.4*vg.Inch))
	if err := plotx.SaveGridTitled(filepath.Join(dir, "maps.png"), title, rows, vg.Length(len(rows[0]))*3.4*vg.Inch, h); err != nil {
		return err
	}
	ps, err := modelSepSpectrumPlot(data, est, truth, rep.Components)
	if err != nil {
		return err
	}
	if err := plotx.Save(filepath.Join(dir, "power_spectrum.png"), ps, 7.5*vg.Inch, 5*vg.Inch); err != nil {
		return err
	}
	if len(rep.Metrics) > 0 {
		rp, err := modelSepRPlot(IsoPowerSpectrum(truth.Map(0), m, n).K, rep.Metrics)
		if err != nil {
			return err
		}
		if err := plotx.Save(filepath.Join(dir, "r.png"), rp, 7.5*vg.Inch, 4.8*vg.Inch); err != nil {
			return err
		}
	}
	_, _, runs := lossPoints(res.Epochs)
	if err := plotLoss(filepath.Join(dir, "loss.png"), res.Epochs, epochNote(runs, len(res.StoppedEarly), "")); err != nil {
		return err
	}
	return WriteJSON(filepath.Join(dir, "metrics.json"), rep)
}

// modelSepSpectrumPlot draws power_spectrum.png of a learned-model
// separation: the spectra of the data (grey) and of each estimate (solid)
// and, when truth is non-nil, of each truth (dashed, the estimate's colour).
func modelSepSpectrumPlot(data, est, truth *stlayer.Maps, names []string) (*plot.Plot, error) {
	m, n := est.M, est.N
	ps := plot.New()
	ps.Title.Text = "isotropic power spectra of the data and the estimates"
	if truth != nil {
		ps.Title.Text = "isotropic power spectra (solid: estimate, dashed: truth)"
	}
	ps.X.Label.Text = "k (cycles per min(M,N) pixels)"
	ps.Y.Label.Text = psAxisLabel
	pd := IsoPowerSpectrum(data.Map(0), m, n)
	if err := addStyledLine(ps, "data", plotx.XY(pd.K, pd.P, true), plotx.Palette(7), false); err != nil {
		return nil, err
	}
	for c := 0; c < est.B; c++ {
		pe := IsoPowerSpectrum(est.Map(c), m, n)
		if err := addStyledLine(ps, "estimate "+names[c], plotx.XY(pe.K, pe.P, true), plotx.Palette(c), false); err != nil {
			return nil, err
		}
		if truth != nil {
			pt := IsoPowerSpectrum(truth.Map(c), m, n)
			if err := addStyledLine(ps, "true "+names[c], plotx.XY(pt.K, pt.P, true), plotx.Palette(c), true); err != nil {
				return nil, err
			}
		}
	}
	setLogScales(ps, true, true)
	return ps, nil
}

// modelSepMapPanels returns the panels of maps.png of a learned-model
// separation and its figure title (viridis maps, each on its own scale,
// but for the estimates with truths). Without truths: one row, the data
// and the estimates. With them: the data and the true components (top
// row), the estimates (next row, each on its truth's scale) and the errors
// estimate − truth (bottom row; the diverging map, each on its own scale
// symmetric about 0, the title giving the error's rms relative to the
// truth's std, SepComponentMetrics.RelError; no rms when the truth is
// constant); the data column is empty below the data.
func modelSepMapPanels(data, est, truth *stlayer.Maps, names []string) (rows [][]*plot.Plot, title string) {
	m, n := est.M, est.N
	lo, hi := plotx.Range(data.Data, 0.005)
	nc := est.B
	if truth == nil {
		row := []*plot.Plot{plotx.MapPlot("data", data.Map(0), m, n, lo, hi)}
		for c := 0; c < nc; c++ {
			clo, chi := plotx.Range(est.Map(c), 0.005)
			row = append(row, plotx.MapPlot("estimate "+names[c], est.Map(c), m, n, clo, chi))
		}
		return [][]*plot.Plot{row}, "data (left) and the estimated components, each on its own colour scale"
	}
	rows = make([][]*plot.Plot, 3)
	for r := range rows {
		rows[r] = make([]*plot.Plot, nc+1)
	}
	rows[0][0] = plotx.MapPlot("data", data.Map(0), m, n, lo, hi)
	for c := 0; c < nc; c++ {
		ev, tv := est.Map(c), truth.Map(c)
		clo, chi := plotx.Range(tv, 0.005)
		rows[0][c+1] = plotx.MapPlot("true "+names[c], tv, m, n, clo, chi)
		rows[1][c+1] = plotx.MapPlot("estimate "+names[c], ev, m, n, clo, chi)
		e := make([]float64, len(ev))
		for i := range e {
			e[i] = ev[i] - tv[i]
		}
		t := "error: estimate − true " + names[c]
		if _, sd, _, _ := Moments(tv); sd > 0 && !math.IsInf(sd, 0) {
			t += fmt.Sprintf("\nrms = %s × std of the truth", fmtDev(rms(e)/sd))
		}
		elo, ehi := plotx.SymRange(0.005, e)
		rows[2][c+1] = plotx.DiffMapPlot(t, e, m, n, elo, ehi)
	}
	return rows, "data, true components (top), estimates (middle; each on its truth's scale)\nand errors estimate − truth (bottom; each on its own scale, centred on 0)"
}

// SampleReport writes the validation report of samples of component k
// against its training patches (WriteSynthReportWith: maps.png,
// power_spectrum.png, histogram.png, minkowski.png, metrics.json, and
// loss.png — the loss summed over the maps at each iteration — when
// res.Results hold a loss history), with the patches as the reference set
// for the spreads (PS relative std per bin, W1 of one patch against the
// pool of the others — the tiles are compared with the pooled patches —,
// Minkowski σ). Samples larger than the patch are
// compared through their patch-size tiles (SampleTiles: stride p, the
// last flush with the edge),
// windowed as the training patches. It adds to the settings the statistic
// distance of the tiles to the model (StatChi, RMS of (Φ − μ)/σ) and that of
// the training patches themselves for comparison, the geometric-mean
// spectrum comparison (GeometricPSCompare) and the sampling-noise yardstick
// of both spectrum comparisons (PSNullCompare: as many real patches as
// tiles against the other patches; absent with too few patches) with the
// verdict of each comparison against it (ps_verdict: PSVerdict). The
// report marks the power spectrum fitted when the sampling had a
// power-spectrum term (res.PSTargets not nil), the histogram and the
// Minkowski functionals out-of-sample (sampling has no histogram term;
// ValidationMetrics.Checks). The settings also get corner_ps, the power
// of the tiles and the patches beyond the bins, |k| ≥ p/2 (CornerPS), and
// training_spectrum_outliers (SpectrumOutliers; its dataset rows when
// patches are ClusterPatches' selection of component k, as stkit sample
// reads them: as many as the component's patches or fewer, evenly spread),
// and sample_checks, every check of the report against what as many real
// patches score, with the verdict of them all (SampleChecks: the spectrum
// in and below the k ≥ 2 bins, W1, each tile's moments, the Minkowski
// functionals). The figures' value axes and metrics.json's unit carry the
// training patches' BUNIT, and without a pixel scale from the caller the
// k axis takes theirs (ModelSet.TrainingUnits, when one for all the
// sources). For models of a --pad crop statistic the
// pixel figures (W1, moments, Minkowski functionals, histogram.png) are on
// the interior window [c, p−c)² of each tile and patch (ValidateOptions.
// Interior, c = Spec.CutPixels()), over which their statistics are means;
// the spectra stay those of the whole tiles, which the power-spectrum term
// matches.
//
// Nil models, result or engine, a component k the models do not have,
// sampled maps smaller than the patch size, patches that are not patch-size
// maps, and the input errors of WriteSynthReportWith (fewer than 2 patches,
// non-finite pixels, …) are input errors (ErrModelInput).
func SampleReport(dir string, eng stlayer.Engine, ms *ModelSet, k int, res *SampleResult, patches *stlayer.Maps, settings map[string]any) (*ValidationMetrics, error) {
	return SampleReportScaled(dir, eng, ms, k, res, patches, settings, nil)
}

// SampleReportScaled is SampleReport with the training patches' pixel
// scale ps (their dataset manifest's pixel_scale; nil for none): the k axis
// of power_spectrum.png then also gives the patch side and each k's
// wavelength in its unit, and metrics.json has k_scale
// (ValidateOptions.PixelScale).
func SampleReportScaled(dir string, eng stlayer.Engine, ms *ModelSet, k int, res *SampleResult, patches *stlayer.Maps, settings map[string]any, ps *datasets.PixelScale) (*ValidationMetrics, error) {
	if eng == nil || res == nil {
		return nil, inputErrorf("sample report: no engine or no result (nil)")
	}
	comp, err := ms.Component(k)
	if err != nil {
		return nil, err
	}
	p := ms.Manifest.PatchSize
	if err := checkMaps("sampled maps", res.Maps, 0); err != nil {
		return nil, err
	}
	if res.Maps.M < p || res.Maps.N < p {
		return nil, inputErrorf("sample report: sampled maps are %d×%d, smaller than the patch size %d", res.Maps.M, res.Maps.N, p)
	}
	if err := checkMaps("training patches", patches, 0); err != nil {
		return nil, err
	}
	if patches.M != p || patches.N != p {
		return nil, inputErrorf("sample report: training patches are %d×%d, the models' patch size is %d", patches.M, patches.N, p)
	}
	tiles := ms.SampleTiles(res.Maps)
	if settings == nil {
		settings = map[string]any{}
	}
	if _, chi, err := StatChi(eng, ms, comp, tiles); err == nil {
		settings["stat_chi_samples"] = chi
	}
	if _, chi, err := StatChi(eng, ms, comp, patches); err == nil {
		settings["stat_chi_training_patches"] = chi
	}
	settings["tiles_compared"] = tiles.B
	settings["training_patches"] = patches.B
	// what the ps_ratio bins leave out (|k| ≥ p/2), and training patches
	// of another family that the component's moments mix in
	if cp, ok := CornerPSCompare(tiles, patches); ok {
		settings["corner_ps"] = cp
	}
	if so, ok := FindSpectrumOutliers(patches); ok {
		if rows := clusterPatchRows(comp.PatchIndex, patches.B); rows != nil {
			for _, i := range so.Index {
				so.Rows = append(so.Rows, rows[i])
			}
		}
		settings["training_spectrum_outliers"] = so
	}
	samplePSVerdict(tiles, patches, settings)
	var agg *Result
	for _, r := range res.Results {
		if agg == nil {
			agg = &Result{}
		}
		agg.Loss += r.Loss
		agg.InitialLoss += r.InitialLoss
		agg.Iters += r.Iters
		agg.Evals += r.Evals
		agg.EvalTime += r.EvalTime
		agg.Elapsed += r.Elapsed
		agg.History = addHistory(agg.History, r.History)
	}
	// the sampling loss: the statistic, and a power-spectrum term when the
	// maps had spectrum targets; no histogram term
	fitted := &FittedTerms{PS: res.PSTargets != nil}
	// a --pad crop statistic: each tile's statistics are means over its
	// interior, so are the pixel figures
	opt := ValidateOptions{Reference: patches, TargetName: "training patch", SynthName: "sample tile", Fitted: fitted, Interior: ms.Manifest.Spec.CutPixels(), PixelScale: ps}
	// samplecheck20: the training patches' BUNIT on the figures' axes, and
	// their pixel scale when the caller has none (the model manifest's)
	tu := ms.TrainingUnits()
	if len(tu.BUnits) == 1 {
		opt.Unit = tu.BUnits[0]
	}
	if opt.PixelScale == nil && len(tu.PixelScales) == 1 {
		opt.PixelScale = tu.PixelScales[0]
	}
	vm, err := WriteSynthReportWith(dir, patches, tiles, agg, opt, settings)
	if err != nil {
		return vm, err
	}
	// samplecheck20: every check with the overall verdict (settings
	// sample_checks), added to metrics.json
	settings["sample_checks"] = newSampleChecks(vm, tiles, patches, opt.Interior, settings)
	return vm, WriteJSON(filepath.Join(dir, "metrics.json"), vm)
}

// samplePSVerdict adds to settings the geometric-mean spectrum comparison
// of the tiles with the patches (geometric_ps), the sampling-noise
// yardstick of both spectrum comparisons (ps_null; absent with too few
// patches) and the verdict of each against it (ps_verdict), as
// SampleReportScaled reports them.
func samplePSVerdict(tiles, patches *stlayer.Maps, settings map[string]any) {
	p := patches.M
	g := GeometricPSCompare(tiles, patches)
	settings["geometric_ps"] = g
	if nl, ok := PSNullCompare(patches, tiles.B, 200, 1); ok {
		settings["ps_null"] = nl
		// the report's own mean-spectrum figure (ValidateWith: PSMaxDev of
		// the tiles' mean spectrum against the patches', bins k ≥ 2)
		_, arith, _ := PSRatioStats(MeanPowerSpectrum(sampleMapSlices(tiles), p, p), MeanPowerSpectrum(sampleMapSlices(patches), p, p), 2)
		settings["ps_verdict"] = map[string]PSVerdict{
			"arithmetic_mean": NewPSVerdict(arith, nl.ArithMedian, nl.ArithP90, nl.N),
			"geometric_mean":  NewPSVerdict(g.MaxDev, nl.GeoMedian, nl.GeoP90, nl.N),
		}
	}
}

// sampleMapSlices returns the maps of x as slices (views of x.Data).
func sampleMapSlices(x *stlayer.Maps) [][]float64 {
	out := make([][]float64, x.B)
	for b := range out {
		out[b] = x.Map(b)
	}
	return out
}

// PSVerdict places a spectrum comparison of n sample tiles with the training
// patches (Value: max |ratio − 1| over the bins k ≥ 2, of the arithmetic- or
// the geometric-mean spectra) in its sampling-noise yardstick (PSNull: the
// same figure for n real patches against the other patches, Median and P90
// over the draws). Within is Value ≤ P90; Verdict says it in words: "within
// the sampling noise of 8 real patches (at or below the 90th percentile of
// real patches)" or "outside the sampling noise: above the 90th percentile
// of 8 real patches". The median and the 90th percentile alone, next to the
// figure on another line, left the reading to the user.
type PSVerdict struct {
	Value   float64 `json:"value"`
	Median  float64 `json:"null_median"`
	P90     float64 `json:"null_p90"`
	Within  bool    `json:"within_sampling_noise"`
	Verdict string  `json:"verdict"`
}

// NewPSVerdict builds the PSVerdict of value against a null of n real
// patches with the given median and 90th percentile.
func NewPSVerdict(value, median, p90 float64, n int) PSVerdict {
	v := PSVerdict{Value: value, Median: median, P90: p90, Within: value <= p90}
	what := fmt.Sprintf("%d real patches", n)
	if n == 1 {
		what = "one real patch"
	}
	if v.Within {
		v.Verdict = "within the sampling noise of " + what + " (at or below the 90th percentile of real patches)"
	} else {
		v.Verdict = "outside the sampling noise: above the 90th percentile of " + what
	}
	return v
}

// negNaN replaces non-finite values by −1 in place.
func negNaN(x []float64) {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			x[i] = -1
		}
	}
}

// GeometricPS compares the geometric-mean spectra of two sets of maps per
// half-octave bin (IsoPowerSpectrum bins, k in cycles per min(M, N) pixels): Ratio =
// exp(⟨log P⟩_synth − ⟨log P⟩_target), with its standard error SE (of the
// log ratio: sqrt(var_s/n_s + var_t/n_t), var the map-to-map variance of
// log P, ddof 1, of each set), MaxDev the max |Ratio − 1| over the bins
// with lower edge ≥ 2 and MaxZ the max |log Ratio|/SE there. For families
// whose amplitude varies from map to map (log-normal-like spread of P), the
// arithmetic mean spectrum of a few maps is dominated by the brightest ones;
// the geometric mean is the stable comparison.
//
// A set of one map has no measurable scatter; its var is then the other
// set's (the two sets are compared as draws of one process), and SEScatter
// says so. Before, one synthesised map entered with variance 0: SE was that
// of the target maps' mean alone, √(n_t + 1) times too small, and one real
// patch against the others of its set lay a median 31 "standard errors"
// off (MaxZ; the 320 64² patches of the 20 Quijote maps; 9.3 for the 64 of
// dust I_1), while it is a sample of the process itself; it now lies 1.75
// (90th percentile 2.5; dust I 1.2 and 1.9).
type GeometricPS struct {
	Edges  []float64 `json:"ps_bin_edges"`
	Ratio  []float64 `json:"ratio"`
	SE     []float64 `json:"log_ratio_standard_error"`
	MaxDev float64   `json:"max_abs_ratio_minus_1"`
	MaxZ   float64   `json:"max_abs_log_ratio_over_se"`
	// SEScatter names the map-to-map scatter in SE: GeoSEOwn,
	// GeoSESynthFromTarget, GeoSETargetFromSynth or GeoSENone (one map on
	// each side: SE and MaxZ −1); "" without bins.
	SEScatter string `json:"log_ratio_standard_error_scatter,omitempty"`
}

// The values of GeometricPS.SEScatter.
const (
	GeoSEOwn             = "each set's own"
	GeoSESynthFromTarget = "one synthesised map: its scatter taken as the target maps'"
	GeoSETargetFromSynth = "one target map: its scatter taken as the synthesised maps'"
	GeoSENone            = "none: one map on each side"
)

// GeometricPSCompare computes GeometricPS of synth against target (maps of
// one size).
//
// Maps that are nil, empty, of different sizes or whose Data length is not
// B·M·N give the zero GeometricPS (no bins). A bin where some target map has
// no power (a constant map, or no modes) has no ratio: ratio and standard
// error −1 (the reports' JSON marker; JSON has no NaN), left out of MaxDev
// and MaxZ (as PSRatioStats skips zero-power bins). With one map on each
// side no bin has a standard error: SE and MaxZ are −1.
func GeometricPSCompare(synth, target *stlayer.Maps) GeometricPS {
	if checkMaps("", synth, 0) != nil || checkMaps("", target, 0) != nil || synth.M != target.M || synth.N != target.N {
		return GeometricPS{}
	}
	stat := func(x *stlayer.Maps) (edges, mean, vr []float64, empty []bool) {
		for b := 0; b < x.B; b++ {
			ps := IsoPowerSpectrum(x.Map(b), x.M, x.N)
			if mean == nil {
				edges, mean, vr, empty = ps.Edges, make([]float64, len(ps.P)), make([]float64, len(ps.P)), make([]bool, len(ps.P))
			}
			for i, v := range ps.P {
				empty[i] = empty[i] || !(v > 0)
				l := math.Log(math.Max(v, 1e-300))
				mean[i] += l
				vr[i] += l * l
			}
		}
		for i := range mean {
			mean[i] /= float64(x.B)
			vr[i] = math.Max(0, vr[i]/float64(x.B)-mean[i]*mean[i]) * float64(x.B) / float64(max(1, x.B-1))
		}
		return
	}
	edges, ms, vs, _ := stat(synth)
	_, mt, vt, zero := stat(target)
	g := GeometricPS{Edges: edges, SEScatter: GeoSEOwn}
	switch {
	case synth.B < 2 && target.B < 2:
		g.SEScatter = GeoSENone
	case synth.B < 2:
		vs, g.SEScatter = vt, GeoSESynthFromTarget
	case target.B < 2:
		vt, g.SEScatter = vs, GeoSETargetFromSynth
	}
	if len(ms) == 0 {
		g.SEScatter = ""
	}
	for i := range ms {
		if zero[i] {
			g.Ratio = append(g.Ratio, -1)
			g.SE = append(g.SE, -1)
			continue
		}
		r := math.Exp(ms[i] - mt[i])
		se := math.Sqrt(vs[i]/float64(synth.B) + vt[i]/float64(target.B))
		if g.SEScatter == GeoSENone {
			se = -1
		}
		g.Ratio = append(g.Ratio, r)
		g.SE = append(g.SE, se)
		if edges[i] >= 2 {
			g.MaxDev = math.Max(g.MaxDev, math.Abs(r-1))
			if se > 0 {
				g.MaxZ = math.Max(g.MaxZ, math.Abs(ms[i]-mt[i])/se)
			} else if se < 0 {
				g.MaxZ = -1
			}
		}
	}
	return g
}

// modelSepRPlot draws r.png of a learned-model separation: r(k) of each
// estimate with its truth (solid, markers in the bins where the component
// holds ≥ DominantFraction of the power) and r(k) of the data itself with
// that truth (dashed: what any bin-by-bin filter of the data reaches,
// SepComponentMetrics.RData), on the bin centres k, with a dotted line at
// r = 0.8 named in the title. Metrics whose bins are not k's are skipped.
func modelSepRPlot(k []float64, metrics []SepComponentMetrics) (*plot.Plot, error) {
	rp := plot.New()
	rp.Title.Text = fmt.Sprintf("r(k) of each estimate (solid) and of the data (dashed) with the truth\n(markers: bins where the component holds ≥ %.0f %% of the power; dotted: r = 0.8)", 100*DominantFraction)
	rp.X.Label.Text = "k (cycles per min(M,N) pixels)"
	rp.Y.Label.Text = "r(k)"
	if len(k) > 0 {
		if err := plotx.RefLine(rp, k[0], k[len(k)-1], 0.8); err != nil {
			return nil, err
		}
	}
	for c, mc := range metrics {
		if len(mc.R) != len(k) {
			continue // not the metrics of these maps
		}
		if err := addStyledLine(rp, mc.Name, validXY(k, mc.R, false), plotx.Palette(c), false); err != nil {
			return nil, err
		}
		if len(mc.RData) == len(k) {
			if err := addStyledLine(rp, "data vs true "+mc.Name, validXY(k, mc.RData, false), plotx.Palette(c), true); err != nil {
				return nil, err
			}
		}
		var dom plotter.XYs
		for b, r := range mc.R {
			if b < len(mc.PowerFraction) && mc.PowerFraction[b] >= DominantFraction && r != -1 && !math.IsNaN(r) {
				dom = append(dom, plotter.XY{X: k[b], Y: r})
			}
		}
		if len(dom) > 0 {
			sc, err := plotter.NewScatter(dom)
			if err != nil {
				return nil, err
			}
			sc.Color, sc.Shape, sc.Radius = plotx.Palette(c), draw.CircleGlyph{}, vg.Points(3)
			rp.Add(sc)
		}
	}
	setLogScales(rp, true, false)
	rp.Y.Max = math.Max(rp.Y.Max, 1)      // r ≤ 1: the axis reaches it
	rp.Y.Tick.Marker = plotx.RatioTicks{} // round steps and a label at r = 1
	return rp, nil
}

// addStyledLine adds a line of colour col (dashed when dashed) with a legend
// entry; an empty series is skipped.
func addStyledLine(p *plot.Plot, name string, xy plotter.XYs, col color.Color, dashed bool) error {
	if len(xy) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color, l.Width = col, vg.Points(1.25)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}
