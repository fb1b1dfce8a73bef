package infer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// Quality thresholds of a separation (methods.md §3.9, proposed pass
// criteria): the recovered spectrum within ±SepPSTolerance of the truth in
// every bin where the contaminant power is ≤ SepPSContamRatio × the signal
// power, and r(k) ≥ SepRMin where the contaminant power is ≤ SepRContamRatio
// × the signal power.
const (
	SepPSTolerance   = 0.10
	SepPSContamRatio = 10.0
	SepRMin          = 0.9
	SepRContamRatio  = 1.0
)

// SeparationMetrics compares a separation s̃ with the data d, the residual
// samples and, when known, the truth s. Spectra are IsoPowerSpectrum's
// (half-octave bins in cycles per min(M, N) pixels, k = 0 excluded); it is what
// metrics.json holds. Per-bin slices have one value per bin; bins without
// modes or without signal power hold −1 (JSON has no NaN).
type SeparationMetrics struct {
	PSEdges []float64 `json:"ps_bin_edges"`
	PSK     []float64 `json:"ps_bin_mean_k"`
	// Spectra of d, s̃, d − s̃ and the mean spectrum of the residual samples.
	PSData     []float64 `json:"ps_data"`
	PSSep      []float64 `json:"ps_separated"`
	PSResidual []float64 `json:"ps_residual"`
	PSSamples  []float64 `json:"ps_samples_mean"`
	// ResidualRatio = P_{d−s̃}/⟨P_r⟩: the residual should look like the samples.
	ResidualRatio []float64 `json:"ps_residual_over_samples"`
	// Without the truth, whether the residual is a plausible sample (≥ 2
	// samples): SamplesRatioLo and SamplesRatioHi are the least and the
	// largest P_{r_i}/⟨P_r⟩ of the samples themselves per bin (the range
	// ResidualRatio would span were d − s̃ one more sample; a bin of few
	// modes spans a wide range), ResidualZ = (P_{d−s̃} − ⟨P_r⟩)/std_i
	// P_{r_i} (unbiased std; 0 where the samples' spectra do not vary).
	// At high k a bin holds many modes and the samples' range is narrow
	// (0.94–1.07 in the top bin at 64², 10 samples; 0.26–2.2 at k = √2).
	SamplesRatioLo []float64 `json:"ps_samples_over_mean_min,omitempty"`
	SamplesRatioHi []float64 `json:"ps_samples_over_mean_max,omitempty"`
	ResidualZ      []float64 `json:"ps_residual_z,omitempty"`
	// PhiResidual compares Φ(d − s̃) with Φ(r_i) of the samples,
	// PhiData Φ(d) with Φ(s̃ + r_i) (SepPhiCheck; only with
	// SepReportOptions.Engine and Stats and ≥ 3 samples). Both are terms
	// the separation fits (contaminant and data terms), so small values
	// are expected of a converged run and are no proof; a value far above
	// the samples' own leave-one-out values says the samples do not
	// describe d − s̃ (wrong level or kind) or the run did not converge.
	PhiResidual *SepPhiCheck `json:"phi_residual_vs_samples,omitempty"`
	PhiData     *SepPhiCheck `json:"phi_data_vs_separated_plus_samples,omitempty"`
	// PhiVerdict is the one verdict the checks above support
	// (SepPhiVerdict), "" without them.
	PhiVerdict string `json:"phi_verdict,omitempty"`
	// Unit is the pixel unit of d (SepReportOptions.Unit; spectra in its
	// square).
	Unit string `json:"unit,omitempty"`
	// KScale: what k is in physical units (SepReportOptions.PixelScale;
	// absent without one)
	KScale *KScale `json:"k_scale,omitempty"`

	// With the truth s (c = d − s is then the true contaminant):
	PSTruth       []float64 `json:"ps_truth,omitempty"`
	PSContaminant []float64 `json:"ps_true_contaminant,omitempty"`
	// ContamToSignal = P_c/P_s per bin (decides where the criteria apply).
	ContamToSignal []float64 `json:"contaminant_over_signal,omitempty"`
	// PSRatio = P_s̃/P_s, PSRatioData = P_d/P_s (the error before separation).
	PSRatio     []float64 `json:"ps_ratio_separated_over_truth,omitempty"`
	PSRatioData []float64 `json:"ps_ratio_data_over_truth,omitempty"`
	// PSRatioDebiased = (P_d − ⟨P_r⟩)/P_s: the spectrum an ideal spectral
	// debiasing would give (needs samples); its deviation from 1 is the
	// realisation noise (sample variance of P_c and the chance correlation of
	// s and c in each bin) that no statistical separation can remove.
	PSRatioDebiased  []float64 `json:"ps_ratio_debiased_data_over_truth,omitempty"`
	PSMaxDevDebiased float64   `json:"ps_max_abs_ratio_minus_1_debiased,omitempty"`
	// PSFloor is the expected 1σ of PSRatioDebiased − 1 per bin (needs ≥ 2
	// samples):
	//
	//	σ_b = sqrt(Var_i P_{r_i}(b) + 2 P_s(b) ⟨P_r⟩(b) / n_b) / P_s(b),
	//
	// Var_i the unbiased variance of the samples' spectra (the sample
	// variance of the contaminant's power in the bin), the second term the
	// variance of the chance cross-spectrum 2 Re(ŝ r̂*) of s with a circular
	// Gaussian r, n_b = half the bin's mode count (the independent modes of a
	// real map). A spectrum estimated from d and the statistics of r alone
	// misses P_s by about this much in a typical realisation, so |P_s̃/P_s −
	// 1| well below it is luck, not skill. PSMaxFloor is its maximum over
	// BinsPS, PSMaxDevSigma the max over BinsPS of |P_s̃/P_s − 1|/σ_b.
	//
	// PSFloorAbs is σ_b · P_s(b) in power units, also without the truth (then
	// with P_s estimated as max(P_d − ⟨P_r⟩, 0)): the error bar of the
	// separated spectrum that power_spectrum.png shades around P_s̃. It is a
	// floor: the separation's own error adds to it.
	PSFloor       []float64 `json:"ps_relative_floor,omitempty"`
	PSFloorAbs    []float64 `json:"ps_floor,omitempty"`
	PSMaxFloor    float64   `json:"ps_max_relative_floor,omitempty"`
	PSMaxDevSigma float64   `json:"ps_max_abs_ratio_minus_1_over_floor,omitempty"`
	// PSMaxDevSigma's bin need not be PSMaxDev's (a small deviation in a
	// bin of small σ): PSMaxDevSigmaK is the mean k of the bin of the
	// largest deviation/σ, PSMaxDevK that of the largest |P_s̃/P_s − 1|
	// (PSMaxDev) and PSMaxDevAtSigma that deviation over its own bin's σ
	// (0 and left out without a floor or such a bin).
	PSMaxDevSigmaK  float64 `json:"ps_max_abs_ratio_minus_1_over_floor_k,omitempty"`
	PSMaxDevK       float64 `json:"ps_max_abs_ratio_minus_1_k,omitempty"`
	PSMaxDevAtSigma float64 `json:"ps_max_abs_ratio_minus_1_in_floor_units,omitempty"`
	// ErrorRatio = P_{s̃−s}/P_s: power of the error relative to the signal.
	ErrorRatio []float64 `json:"ps_error_over_truth,omitempty"`
	// R = r(k) between s and s̃, RData between s and d (CrossSpectrumR).
	R     []float64 `json:"r_separated_truth,omitempty"`
	RData []float64 `json:"r_data_truth,omitempty"`

	// Summary numbers of the quality criteria (only with the truth): the
	// bins (indices) where P_c ≤ 10 P_s, the max |P_s̃/P_s − 1| over them
	// (and the same for the data), the bins where P_c ≤ P_s and the min r
	// over them (and for the data), and whether the targets are met. With no
	// such bin (the truth's power below the contaminant's at every k) the
	// bin list is empty (left out of metrics.json), the max deviation 0, the
	// min r −1, and the target is not met.
	BinsPS       []int   `json:"bins_contaminant_le_10x_signal,omitempty"`
	PSMaxDev     float64 `json:"ps_max_abs_ratio_minus_1"`
	PSMaxDevData float64 `json:"ps_max_abs_ratio_minus_1_data"`
	PSMeanDev    float64 `json:"ps_mean_abs_ratio_minus_1"`
	BinsR        []int   `json:"bins_contaminant_le_signal,omitempty"`
	RMin         float64 `json:"r_min"`
	RMinData     float64 `json:"r_min_data"`
	PSTargetMet  bool    `json:"ps_target_met"`
	RTargetMet   bool    `json:"r_target_met"`
	// The criteria the targets are judged by (only with the truth):
	// ps_target_met is max |P_s̃/P_s − 1| ≤ PSTolerance (SepPSTolerance)
	// over the bins with P_c ≤ PSBinsMaxContam × P_s (SepPSContamRatio),
	// r_target_met is min r(s̃, s) ≥ RMinRequired (SepRMin) over the bins
	// with P_c ≤ RBinsMaxContam × P_s (SepRContamRatio); Targets says both
	// in words.
	PSTolerance     float64 `json:"ps_tolerance,omitempty"`
	PSBinsMaxContam float64 `json:"ps_bins_contaminant_over_signal_max,omitempty"`
	RMinRequired    float64 `json:"r_min_required,omitempty"`
	RBinsMaxContam  float64 `json:"r_bins_contaminant_over_signal_max,omitempty"`
	Targets         string  `json:"targets,omitempty"`
	// PixelCorr is the Pearson correlation over the pixels of s̃ with s
	// (PixelCorrData: of d with s), RelRMSError the rms of s̃ − s over the
	// std of s (population moments; RelRMSErrorData: of d − s; 0 =
	// perfect). Each is NaN when undefined (a constant map) or not computed
	// (no truth), and then left out of metrics.json (MarshalJSON), where a
	// defined value, 0 included, is written. They were 0 and omitempty: a
	// perfect rms error of 0 was missing, as an undefined one.
	PixelCorr       float64 `json:"pixel_correlation_separated_truth"`
	PixelCorrData   float64 `json:"pixel_correlation_data_truth"`
	RelRMSError     float64 `json:"rms_error_over_truth_std"`
	RelRMSErrorData float64 `json:"rms_data_error_over_truth_std"`
	// PixelCorrWiener is the pixel correlation with s of the truth-free
	// linear baseline WienerEstimate(d, samples) (needs samples; NaN and
	// left out otherwise, as when undefined): what a linear filter built
	// from the same inputs reaches, an MSE-optimal estimate whose spectrum
	// is too low, against s̃, which reproduces the spectrum.
	PixelCorrWiener float64 `json:"pixel_correlation_wiener_truth"`

	// Window, when set (SepReportOptions.Interior > 0), is the interior
	// window every figure above is computed on; WindowNote says how (the
	// spectra's taper and k unit). Absent: the whole maps.
	Window     *PixelWindow `json:"window,omitempty"`
	WindowNote string       `json:"window_note,omitempty"`

	// Run information (from the SeparationResult, when given).
	Stages      []string  `json:"stages,omitempty"`
	Terms       []string  `json:"final_terms,omitempty"`
	Parts       []float64 `json:"final_term_values,omitempty"`
	Evaluations int       `json:"evaluations,omitempty"`
	Seconds     float64   `json:"seconds,omitempty"`
	SecPerEval  float64   `json:"seconds_per_evaluation,omitempty"`
	Batch       int       `json:"batch,omitempty"`
	Pool        int       `json:"sample_pool,omitempty"`
	Settings    any       `json:"settings,omitempty"`
}

// MarshalJSON writes sm as its fields' tags say, except that without the
// truth (PSTruth nil) the summary numbers of the quality criteria, which
// are then not computed (ps_max_abs_ratio_minus_1, …_data,
// ps_mean_abs_ratio_minus_1, r_min, r_min_data, ps_target_met,
// r_target_met), are left out: they read 0 and false, as if a separation
// had been judged and had failed.
//
// The pixel figures (pixel_correlation_separated_truth, …_data_truth,
// …_wiener_truth, rms_error_over_truth_std, rms_data_error_over_truth_std)
// are written when finite, 0 included, and left out when undefined (NaN or
// ±Inf; JSON has no NaN). UnmarshalJSON reads an absent one as NaN.
func (sm SeparationMetrics) MarshalJSON() ([]byte, error) {
	type plain SeparationMetrics // without this method
	def := finiteOrNil
	// the outer fields hide the embedded ones of the same name, and nil
	// with omitempty leaves them out
	if sm.PSTruth != nil {
		return json.Marshal(struct {
			plain
			PixelCorr       *float64 `json:"pixel_correlation_separated_truth,omitempty"`
			PixelCorrData   *float64 `json:"pixel_correlation_data_truth,omitempty"`
			RelRMSError     *float64 `json:"rms_error_over_truth_std,omitempty"`
			RelRMSErrorData *float64 `json:"rms_data_error_over_truth_std,omitempty"`
			PixelCorrWiener *float64 `json:"pixel_correlation_wiener_truth,omitempty"`
		}{plain(sm), def(sm.PixelCorr), def(sm.PixelCorrData), def(sm.RelRMSError), def(sm.RelRMSErrorData), def(sm.PixelCorrWiener)})
	}
	return json.Marshal(struct {
		plain
		PixelCorr       *float64 `json:"pixel_correlation_separated_truth,omitempty"`
		PixelCorrData   *float64 `json:"pixel_correlation_data_truth,omitempty"`
		RelRMSError     *float64 `json:"rms_error_over_truth_std,omitempty"`
		RelRMSErrorData *float64 `json:"rms_data_error_over_truth_std,omitempty"`
		PixelCorrWiener *float64 `json:"pixel_correlation_wiener_truth,omitempty"`
		PSMaxDev        *float64 `json:"ps_max_abs_ratio_minus_1,omitempty"`
		PSMaxDevData    *float64 `json:"ps_max_abs_ratio_minus_1_data,omitempty"`
		PSMeanDev       *float64 `json:"ps_mean_abs_ratio_minus_1,omitempty"`
		RMin            *float64 `json:"r_min,omitempty"`
		RMinData        *float64 `json:"r_min_data,omitempty"`
		PSTargetMet     *bool    `json:"ps_target_met,omitempty"`
		RTargetMet      *bool    `json:"r_target_met,omitempty"`
	}{plain: plain(sm), PixelCorr: def(sm.PixelCorr), PixelCorrData: def(sm.PixelCorrData), RelRMSError: def(sm.RelRMSError), RelRMSErrorData: def(sm.RelRMSErrorData), PixelCorrWiener: def(sm.PixelCorrWiener)})
}

// UnmarshalJSON reads MarshalJSON's form: an absent pixel figure
// (pixel_correlation_*, rms_*error_over_truth_std) is NaN (undefined).
func (sm *SeparationMetrics) UnmarshalJSON(b []byte) error {
	type plain SeparationMetrics // without this method
	var j struct {
		*plain
		PixelCorr       *float64 `json:"pixel_correlation_separated_truth"`
		PixelCorrData   *float64 `json:"pixel_correlation_data_truth"`
		RelRMSError     *float64 `json:"rms_error_over_truth_std"`
		RelRMSErrorData *float64 `json:"rms_data_error_over_truth_std"`
		PixelCorrWiener *float64 `json:"pixel_correlation_wiener_truth"`
	}
	j.plain = (*plain)(sm)
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	for _, f := range []struct {
		dst *float64
		src *float64
	}{{&sm.PixelCorr, j.PixelCorr}, {&sm.PixelCorrData, j.PixelCorrData}, {&sm.RelRMSError, j.RelRMSError}, {&sm.RelRMSErrorData, j.RelRMSErrorData}, {&sm.PixelCorrWiener, j.PixelCorrWiener}} {
		*f.dst = math.NaN()
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return nil
}

// nanToNeg replaces NaN by −1 (JSON has no NaN).
func nanToNeg(x []float64) []float64 {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			x[i] = -1
		}
	}
	return x
}

// SepReportOptions are the options of EvaluateSeparationWith and
// WriteSeparationReportWith.
type SepReportOptions struct {
	// Interior, when > 0, computes every figure on the interior window rows
	// [c, M−c), columns [c, N−c) of the maps (d, s̃, the samples and the
	// truth), c = Interior: for a --pad crop statistic, whose means are over
	// that window (c = Spec.CutPixels() of package stats), the border enters the loss
	// only through the wavelets that reach into the window and keeps much
	// of its starting values, which the report should not score. The pixel
	// correlation and the rms error are the window's pixels'; the spectra
	// and r(k) are those of the window's maps Hann-tapered as the apodised
	// power-spectrum term's (w·(x − x̄_w), w = HannTaper of the window,
	// power divided by ⟨w²⟩: the window is not periodic, and its periodic
	// spectrum would hold the wrap-around jump), in cycles per min(M − 2c,
	// N − 2c) pixels; the realisation floor's mode count n_b is scaled by
	// the taper's effective fraction ⟨w²⟩²/⟨w⁴⟩ (0.26 for the 2-D Hann
	// taper: tapered modes are not independent). metrics.json says the
	// window ("window", "window_note"), the figures' titles too. 0: the
	// whole maps, periodic. A negative c, or one that leaves nothing of the
	// maps (2c ≥ min(M, N)), is an input error.
	Interior int
	// Engine and Stats (the separation's SepStats.Auto), when both are set
	// and there are ≥ 3 samples, add the Φ checks of the residual and the
	// data (SeparationMetrics.PhiResidual, PhiData), on the whole maps.
	Engine stlayer.Engine
	Stats  StatOp
	// Unit is the pixel unit of d (a FITS BUNIT; "" for none): recorded in
	// metrics.json ("unit"), in the titles of maps.png and, squared, on the
	// P(k) axis of power_spectrum.png.
	Unit string
	// PixelScale is d's pixel size (a FITS DATA's CDELT1/2 and CUNIT1/2,
	// datasets.PixelScaleOf; nil for none): metrics.json's k_scale and,
	// on power_spectrum.png, the size of the side k counts cycles over and
	// the wavelength under each k (KScale).
	PixelScale *datasets.PixelScale
}

// EvaluateSeparation is EvaluateSeparationWith on the whole maps (no
// options).
func EvaluateSeparation(d, sep, samples, truth *stlayer.Maps) (*SeparationMetrics, error) {
	return EvaluateSeparationWith(d, sep, samples, truth, SepReportOptions{})
}

// EvaluateSeparationWith computes SeparationMetrics of s̃ (one map) for the data
// d, the residual samples (any number ≥ 1, or nil) and the truth s (nil if
// unknown), on the whole maps or on the window opt.Interior. A scalar that is undefined (the pixel correlation or the RMS
// error relative to the truth's std when a map is constant) is 0, which
// metrics.json leaves out; per-bin values use the −1 marker, and r(k) in a
// bin where s̃ has no power is −1 (so RMin is −1 there).
//
// Maps that are nil (d, sep), empty, whose Data length is not B·M·N or that
// hold non-finite pixels, maps of different sizes, and more than one data,
// separated or truth map are input errors (ErrModelInput).
func EvaluateSeparationWith(d, sep, samples, truth *stlayer.Maps, opt SepReportOptions) (*SeparationMetrics, error) {
	for _, x := range []struct {
		name     string
		m        *stlayer.Maps
		optional bool
	}{{"data", d, false}, {"separated map", sep, false}, {"samples", samples, true}, {"truth", truth, true}} {
		if x.m == nil && x.optional {
			continue
		}
		if err := checkFiniteMaps(x.name, x.m, 0); err != nil {
			return nil, err
		}
	}
	m, n := d.M, d.N
	for _, x := range []*stlayer.Maps{sep, samples, truth} {
		if x != nil && (x.M != m || x.N != n) {
			return nil, inputErrorf("maps of %d×%d and %d×%d cannot be compared", x.M, x.N, m, n)
		}
	}
	if d.B != 1 || sep.B != 1 || (truth != nil && truth.B != 1) {
		return nil, inputErrorf("one data map, one separated map and one truth map are expected (got %d, %d and %d)", d.B, sep.B, bOf(truth))
	}
	win, err := interiorWindow(opt.Interior, m, n, "SepReportOptions.Interior")
	if err != nil {
		return nil, err
	}
	var phiRes, phiData *SepPhiCheck
	if opt.Engine != nil && opt.Stats != nil && samples != nil && samples.B >= 3 {
		if phiRes, phiData, err = sepPhiChecks(opt.Engine, opt.Stats, d, sep, samples); err != nil {
			return nil, err
		}
	}
	// spec returns the map whose spectrum is taken: x itself, or (window)
	// its Hann-tapered version with power divided by ⟨w²⟩; modeFrac scales
	// the mode counts of the realisation floor.
	spec := func(x []float64) []float64 { return x }
	modeFrac := 1.0
	if win != nil {
		d, sep, samples, truth = cropMaps(d, win), cropMaps(sep, win), cropMaps(samples, win), cropMaps(truth, win)
		m, n = d.M, d.N
		w := HannTaper(m, n)
		w2, w4 := 0.0, 0.0
		for _, v := range w {
			w2 += v * v
			w4 += v * v * v * v
		}
		w2, w4 = w2/float64(len(w)), w4/float64(len(w))
		modeFrac = w2 * w2 / w4
		g := 1 / math.Sqrt(w2)
		spec = func(x []float64) []float64 {
			out := apodise(x, w)
			for i := range out {
				out[i] *= g
			}
			return out
		}
	}
	dv, sv := d.Map(0), sep.Map(0)
	res := make([]float64, m*n)
	for i := range res {
		res[i] = dv[i] - sv[i]
	}
	pd, ps, pr := IsoPowerSpectrum(spec(dv), m, n), IsoPowerSpectrum(spec(sv), m, n), IsoPowerSpectrum(spec(res), m, n)
	nb := len(pd.P)
	sm := &SeparationMetrics{PSEdges: pd.Edges, PSK: pd.K, PSData: pd.P, PSSep: ps.P, PSResidual: pr.P, Window: win,
		PhiResidual: phiRes, PhiData: phiData, PhiVerdict: SepPhiVerdict(phiData), Unit: opt.Unit,
		// not computed without the truth (MarshalJSON leaves NaN out)
		PixelCorr: math.NaN(), PixelCorrData: math.NaN(), PixelCorrWiener: math.NaN(), RelRMSError: math.NaN(), RelRMSErrorData: math.NaN()}
	sm.KScale = newKScale(opt.PixelScale, min(m, n)) // k: cycles per min(m, n) pixels (of the window)
	if win != nil {
		sm.WindowNote = fmt.Sprintf("every figure on the interior window %s (%d pixels in from each edge); spectra and r(k) of the Hann-tapered window (power divided by <w^2>), k in cycles per %d pixels (the window's smaller side); realisation floor with n_b scaled by <w^2>^2/<w^4> = %.3f", win, win.Border, min(m, n), modeFrac)
	}
	var psVar []float64 // unbiased variance of the samples' spectra per bin
	if samples != nil && samples.B > 0 {
		// Each sample's spectrum once: their mean (summed in sample order, as
		// MeanPowerSpectrum) and, with ≥ 2 samples, their unbiased variance.
		specs := make([][]float64, samples.B)
		sm.PSSamples = make([]float64, nb)
		for i := range specs {
			specs[i] = IsoPowerSpectrum(spec(samples.Map(i)), m, n).P
			for b, v := range specs[i] {
				sm.PSSamples[b] += v
			}
		}
		for b := range sm.PSSamples {
			sm.PSSamples[b] /= float64(samples.B)
		}
		if samples.B >= 2 {
			psVar = make([]float64, nb)
			for _, p := range specs {
				for b := range psVar {
					d := p[b] - sm.PSSamples[b]
					psVar[b] += d * d
				}
			}
			for b := range psVar {
				psVar[b] /= float64(samples.B - 1)
			}
			sm.SamplesRatioLo, sm.SamplesRatioHi, sm.ResidualZ = samplesSpread(specs, sm.PSSamples, psVar, pr.P)
		}
		sm.ResidualRatio = make([]float64, nb)
		for b := range sm.ResidualRatio {
			sm.ResidualRatio[b] = pr.P[b] / sm.PSSamples[b]
		}
		nanToNeg(sm.ResidualRatio)
	}
	if truth == nil {
		if psVar != nil {
			// No truth: the floor around the debiased data spectrum.
			sm.PSFloorAbs = make([]float64, nb)
			for b := range sm.PSFloorAbs {
				sm.PSFloorAbs[b] = psFloor(psVar[b], math.Max(0, pd.P[b]-sm.PSSamples[b]), sm.PSSamples[b], modeFrac*float64(pd.Count[b]))
			}
			nanToNeg(sm.PSFloorAbs)
		}
		return sm, nil
	}
	tv := truth.Map(0)
	c := make([]float64, m*n)
	e := make([]float64, m*n)
	for i := range c {
		c[i] = dv[i] - tv[i]
		e[i] = sv[i] - tv[i]
	}
	pt, pc, pe := IsoPowerSpectrum(spec(tv), m, n), IsoPowerSpectrum(spec(c), m, n), IsoPowerSpectrum(spec(e), m, n)
	sm.PSTruth, sm.PSContaminant = pt.P, pc.P
	_, sm.R = CrossSpectrumR(spec(tv), spec(sv), m, n)
	_, sm.RData = CrossSpectrumR(spec(tv), spec(dv), m, n)
	// r is undefined (NaN) where s̃ or d has no power: −1, which counts as
	// a failure of the r criterion rather than poisoning its minimum.
	nanToNeg(sm.R)
	nanToNeg(sm.RData)
	sm.ContamToSignal = make([]float64, nb)
	sm.PSRatio = make([]float64, nb)
	sm.PSRatioData = make([]float64, nb)
	sm.ErrorRatio = make([]float64, nb)
	if sm.PSSamples != nil {
		sm.PSRatioDebiased = make([]float64, nb)
	}
	if psVar != nil {
		sm.PSFloor, sm.PSFloorAbs = make([]float64, nb), make([]float64, nb)
	}
	minR, minRD := math.Inf(1), math.Inf(1)
	nPS := 0
	for b := 0; b < nb; b++ {
		if pt.Count[b] == 0 || pt.P[b] == 0 {
			sm.ContamToSignal[b], sm.PSRatio[b], sm.PSRatioData[b], sm.ErrorRatio[b] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			if sm.PSFloor != nil {
				sm.PSFloor[b], sm.PSFloorAbs[b] = math.NaN(), math.NaN()
			}
			continue
		}
		sm.ContamToSignal[b] = pc.P[b] / pt.P[b]
		sm.PSRatio[b] = ps.P[b] / pt.P[b]
		sm.PSRatioData[b] = pd.P[b] / pt.P[b]
		sm.ErrorRatio[b] = pe.P[b] / pt.P[b]
		if sm.PSRatioDebiased != nil {
			sm.PSRatioDebiased[b] = (pd.P[b] - sm.PSSamples[b]) / pt.P[b]
		}
		if sm.PSFloor != nil {
			sm.PSFloorAbs[b] = psFloor(psVar[b], pt.P[b], sm.PSSamples[b], modeFrac*float64(pt.Count[b]))
			sm.PSFloor[b] = sm.PSFloorAbs[b] / pt.P[b]
		}
		if sm.ContamToSignal[b] <= SepPSContamRatio {
			sm.BinsPS = append(sm.BinsPS, b)
			dev := math.Abs(sm.PSRatio[b] - 1)
			if nPS == 0 || dev > sm.PSMaxDev {
				sm.PSMaxDevK = pt.K[b]
				sm.PSMaxDevAtSigma = 0
				if sm.PSFloor != nil && sm.PSFloor[b] > 0 {
					sm.PSMaxDevAtSigma = dev / sm.PSFloor[b]
				}
			}
			sm.PSMaxDev = math.Max(sm.PSMaxDev, dev)
			sm.PSMeanDev += dev
			nPS++
			sm.PSMaxDevData = math.Max(sm.PSMaxDevData, math.Abs(sm.PSRatioData[b]-1))
			if sm.PSRatioDebiased != nil {
				sm.PSMaxDevDebiased = math.Max(sm.PSMaxDevDebiased, math.Abs(sm.PSRatioDebiased[b]-1))
			}
			if sm.PSFloor != nil && sm.PSFloor[b] > 0 {
				sm.PSMaxFloor = math.Max(sm.PSMaxFloor, sm.PSFloor[b])
				if dev/sm.PSFloor[b] > sm.PSMaxDevSigma {
					sm.PSMaxDevSigma, sm.PSMaxDevSigmaK = dev/sm.PSFloor[b], pt.K[b]
				}
			}
		}
		if sm.ContamToSignal[b] <= SepRContamRatio {
			sm.BinsR = append(sm.BinsR, b)
			minR = math.Min(minR, sm.R[b])
			minRD = math.Min(minRD, sm.RData[b])
		}
	}
	if nPS > 0 {
		sm.PSMeanDev /= float64(nPS)
	}
	sm.PSTolerance, sm.PSBinsMaxContam, sm.RMinRequired, sm.RBinsMaxContam = SepPSTolerance, SepPSContamRatio, SepRMin, SepRContamRatio
	sm.Targets = fmt.Sprintf("ps_target_met: max |P_sep/P_s − 1| ≤ %g over the bins with P_c ≤ %g P_s (at least one); r_target_met: min r(sep, s) ≥ %g over the bins with P_c ≤ %g P_s (at least one); methods.md §3.9",
		SepPSTolerance, SepPSContamRatio, SepRMin, SepRContamRatio)
	sm.PSTargetMet = nPS > 0 && sm.PSMaxDev <= SepPSTolerance
	if len(sm.BinsR) > 0 {
		sm.RMin, sm.RMinData = minR, minRD
		sm.RTargetMet = minR >= SepRMin
	} else {
		sm.RMin, sm.RMinData = -1, -1
	}
	_, sdT, _, _ := Moments(tv)
	// corr is PixelCorrelation with s, NaN where undefined (a constant map,
	// which PixelCorrelation reads as 0)
	corr := func(x []float64) float64 {
		if _, sd, _, _ := Moments(x); !(sd > 0) || !(sdT > 0) {
			return math.NaN()
		}
		return PixelCorrelation(tv, x)
	}
	sm.PixelCorr, sm.PixelCorrData = corr(sv), corr(dv)
	if samples != nil && samples.B > 0 {
		if w, err := WienerEstimate(d, samples, nil); err == nil {
			sm.PixelCorrWiener = corr(w.Data)
		}
	}
	sm.RelRMSError, sm.RelRMSErrorData = rms(e)/sdT, rms(c)/sdT
	for _, v := range []*float64{&sm.PixelCorr, &sm.PixelCorrData, &sm.PixelCorrWiener, &sm.RelRMSError, &sm.RelRMSErrorData} {
		if math.IsNaN(*v) || math.IsInf(*v, 0) {
			*v = math.NaN() // undefined: left out of metrics.json
		}
	}
	for _, x := range [][]float64{sm.ContamToSignal, sm.PSRatio, sm.PSRatioData, sm.PSRatioDebiased, sm.PSFloor, sm.PSFloorAbs, sm.ErrorRatio, sm.R, sm.RData} {
		nanToNeg(x)
	}
	return sm, nil
}

// psFloor returns sqrt(v + 2 ps·pr/n_b), n_b = count/2 (at least 1): the
// 1σ realisation scatter of P_d − ⟨P_r⟩ around P_s in a bin (see
// SeparationMetrics.PSFloor); count is the bin's mode count (scaled by the
// effective fraction of a taper, SepReportOptions.Interior).
func psFloor(v, ps, pr float64, count float64) float64 {
	nModes := math.Max(1, count/2)
	return math.Sqrt(v + 2*ps*pr/nModes)
}

// bOf returns x.B, 0 for nil.
func bOf(x *stlayer.Maps) int {
	if x == nil {
		return 0
	}
	return x.B
}

// PixelCorrelation is the Pearson correlation over the pixels of two maps
// of the same size, 0 when either is constant (undefined).
func PixelCorrelation(a, b []float64) float64 {
	ma, sa, _, _ := Moments(a)
	mb, sb, _, _ := Moments(b)
	if !(sa > 0) || !(sb > 0) {
		return 0
	}
	c := 0.0
	for i := range a {
		c += (a[i] - ma) * (b[i] - mb)
	}
	return c / float64(len(a)) / (sa * sb)
}

func rms(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

// WriteSeparationReport writes the report of a separation into dir
// (created if needed): maps.png (d, s̃, d − s̃, and the truth s and true
// contaminant d − s when given), power_spectrum.png (spectra of each, the
// ratio P_s̃/P_s and P_d/P_s, and r(k) with the truth, bins where
// (P_d − ⟨P_r⟩)/P_s < 0 as rings at the bottom; without it P_{d−s̃}/⟨P_r⟩
// over the samples' own min–max; with SepReportOptions.Engine and Stats a
// last panel of the Φ checks per class, SepPhiCheck), loss.png (the loss
// at the start and after each iteration, when res is given and one of its
// epochs made an iteration) and metrics.json (SeparationMetrics, with the
// run's figures when res is given, plus settings when non-nil). sep nil
// takes res.S; samples (residual samples) and truth may be nil. The maps
// are checked (EvaluateSeparation's input errors) before anything is
// written.
func WriteSeparationReport(dir string, d *stlayer.Maps, res *SeparationResult, sep, samples, truth *stlayer.Maps, settings any) (*SeparationMetrics, error) {
	return WriteSeparationReportWith(dir, d, res, sep, samples, truth, settings, SepReportOptions{})
}

// WriteSeparationReportWith is WriteSeparationReport with options: with
// opt.Interior > 0 the metrics and the spectra are the interior window's
// (SepReportOptions), and maps.png (whole maps) says so in its title.
func WriteSeparationReportWith(dir string, d *stlayer.Maps, res *SeparationResult, sep, samples, truth *stlayer.Maps, settings any, opt SepReportOptions) (*SeparationMetrics, error) {
	if sep == nil && res != nil {
		sep = res.S
	}
	sm, err := EvaluateSeparationWith(d, sep, samples, truth, opt)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	sm.Settings = settings
	if res != nil {
		sm.Stages, sm.Terms, sm.Parts = res.StageSummary, res.Terms, res.Parts
		sm.Evaluations, sm.Seconds, sm.SecPerEval = res.Evals, res.Elapsed.Seconds(), res.SecondsPerEval()
		sm.Batch, sm.Pool = res.Batch, res.Pool
		_, _, runs := lossPoints(res.Epochs)
		stages := 0 // the stages run (Summary also lists the skipped ones)
		for _, s := range res.StageSummary {
			if !strings.Contains(s, ": skipped") {
				stages++
			}
		}
		if err := plotLoss(filepath.Join(dir, "loss.png"), res.Epochs, epochNote(runs, stages, "samples redrawn, σ and bias recomputed")); err != nil {
			return nil, err
		}
	}
	if err := plotSeparationMapsUnit(filepath.Join(dir, "maps.png"), d, sep, truth, sm.Window, sm.Unit); err != nil {
		return nil, err
	}
	if err := plotSeparationSpectra(filepath.Join(dir, "power_spectrum.png"), sm); err != nil {
		return nil, err
	}
	return sm, WriteJSON(filepath.Join(dir, "metrics.json"), sm)
}

// plotSeparationMaps writes maps.png of a separation (separationMapPanels).
func plotSeparationMaps(path string, d, sep, truth *stlayer.Maps) error {
	return plotSeparationMapsIn(path, d, sep, truth, nil)
}

// plotSeparationMapsIn is plotSeparationMaps with the window of the
// metrics, when not nil, named in the title (the maps stay whole).
func plotSeparationMapsIn(path string, d, sep, truth *stlayer.Maps, win *PixelWindow) error {
	return plotSeparationMapsUnit(path, d, sep, truth, win, "")
}

// plotSeparationMapsUnit is plotSeparationMapsIn with the pixel unit
// ("" for none) in brackets at the end of the first line of each panel's
// title, as the synthesis report's maps (plotMapsUnit).
func plotSeparationMapsUnit(path string, d, sep, truth *stlayer.Maps, win *PixelWindow, unit string) error {
	rows, title := separationMapPanelsUnit(d, sep, truth, win, unit)
	// rows of 11/3 in wide panels; less high for maps wider than tall
	rh := plotx.MapRowHeight(11*vg.Inch/3, d.M, d.N, 3.5*vg.Inch)
	h := rh
	if len(rows) == 2 { // and the figure title
		h = min(7.4*vg.Inch, 0.4*vg.Inch+2*rh)
	}
	if win != nil {
		h += 0.25 * vg.Inch
	}
	return plotx.SaveGridTitled(path, title, rows, 11*vg.Inch, h)
}

// separationMapPanelsUnit is separationMapPanelsIn with unitSuffix(unit)
// at the end of the first line of each panel's title.
func separationMapPanelsUnit(d, sep, truth *stlayer.Maps, win *PixelWindow, unit string) (rows [][]*plot.Plot, title string) {
	rows, title = separationMapPanelsIn(d, sep, truth, win)
	if u := unitSuffix(unit, false); u != "" {
		for _, r := range rows {
			for _, p := range r {
				first, rest, more := strings.Cut(p.Title.Text, "\n")
				p.Title.Text = first + u
				if more {
					p.Title.Text += "\n" + rest
				}
			}
		}
	}
	return rows, title
}

// separationMapPanelsIn is separationMapPanels with the window of the
// metrics (nil: the whole maps): the maps stay whole, the figure title names
// the window and the error panel's rms is the window's, as metrics.json's.
func separationMapPanelsIn(d, sep, truth *stlayer.Maps, win *PixelWindow) (rows [][]*plot.Plot, title string) {
	rows, title = separationMapPanels(d, sep, truth)
	if win == nil {
		return rows, title
	}
	if title != "" {
		title += "\n"
	}
	title += fmt.Sprintf("whole maps; metrics.json and power_spectrum.png are on the interior window %s", win)
	if truth != nil && len(rows) == 2 && len(rows[1]) == 3 {
		sv, tv := cropMaps(sep, win).Map(0), cropMaps(truth, win).Map(0)
		e := make([]float64, len(sv))
		for i := range e {
			e[i] = sv[i] - tv[i]
		}
		t := "error sep − s"
		if _, sd, _, _ := Moments(tv); sd > 0 && !math.IsInf(sd, 0) {
			t += fmt.Sprintf("\nrms in the window = %s × std of s there", fmtDev(rms(e)/sd))
		}
		rows[1][2].Title.Text = t
	}
	return rows, title
}

// separationMapPanels returns the panels of maps.png of a separation and
// its figure title: d, s̃ (and the truth s) on d's colour scale (viridis),
// then the residual d − s̃ (and the true contaminant d − s and the error
// s̃ − s, its rms relative to the std of s in the title) on one diverging
// scale symmetric about 0. The figures call s̃ "sep": the plot fonts cannot
// place a combining tilde.
func separationMapPanels(d, sep, truth *stlayer.Maps) (rows [][]*plot.Plot, title string) {
	m, n := d.M, d.N
	dv, sv := d.Map(0), sep.Map(0)
	res := make([]float64, m*n)
	for i := range res {
		res[i] = dv[i] - sv[i]
	}
	lo, hi := plotx.Range(dv, 0.005)
	if truth == nil {
		rlo, rhi := plotx.SymRange(0.005, res)
		return [][]*plot.Plot{{
			plotx.MapPlot("data d", dv, m, n, lo, hi),
			plotx.MapPlot("separated sep (scale of d)", sv, m, n, lo, hi),
			plotx.DiffMapPlot("residual d − sep", res, m, n, rlo, rhi),
		}}, ""
	}
	tv := truth.Map(0)
	c := make([]float64, m*n)
	e := make([]float64, m*n)
	for i := range c {
		c[i] = dv[i] - tv[i]
		e[i] = sv[i] - tv[i]
	}
	et := "error sep − s"
	if _, sd, _, _ := Moments(tv); sd > 0 && !math.IsInf(sd, 0) {
		et += fmt.Sprintf("\nrms = %s × std of s", fmtDev(rms(e)/sd))
	}
	rlo, rhi := plotx.SymRange(0.005, res, c, e)
	rows = [][]*plot.Plot{{
		plotx.MapPlot("data d", dv, m, n, lo, hi),
		plotx.MapPlot("separated sep", sv, m, n, lo, hi),
		plotx.MapPlot("truth s", tv, m, n, lo, hi),
	}, {
		plotx.DiffMapPlot("residual d − sep (estimated c)", res, m, n, rlo, rhi),
		plotx.DiffMapPlot("true contaminant d − s", c, m, n, rlo, rhi),
		plotx.DiffMapPlot(et, e, m, n, rlo, rhi),
	}}
	return rows, "top: d, sep (the separated s), s on the scale of d; bottom: differences on one scale centred on 0"
}

func plotSeparationSpectra(path string, sm *SeparationMetrics) error {
	row, err := separationSpectraPlots(sm)
	if err != nil {
		return err
	}
	return plotx.SaveGrid(path, [][]*plot.Plot{row}, vg.Length(len(row))*5.2*vg.Inch, 4.6*vg.Inch)
}

// The quantities of a separation's power_spectrum.png, each with one
// colour, dash and marker (its position in plotx.AddLines' list) on every
// panel: the data d (P_d, P_d/P_s, r(d, s)), the separated map (P_sep,
// P_sep/P_s, r(sep, s)), the residual d − sep (its spectrum, and its ratio
// to the samples' mean), the samples' mean, the truth s, the true
// contaminant d − s (P_c, P_c/P_s) and the debiased data (P_d − mean
// P_samples)/P_s.
const (
	sepStyleData = iota
	sepStyleSep
	sepStyleResidual
	sepStyleSamples
	sepStyleTruth
	sepStyleContam
	sepStyleDebiased
)

// styledXY is one series of power_spectrum.png: its quantity (sepStyle*),
// legend name and points.
type styledXY struct {
	style int
	name  string
	xy    plotter.XYs
}

// styledLines returns plotx.AddLines' arguments that draw each series in
// its quantity's style: the series at their styles' positions, empty
// unnamed series (skipped, their colour unused) elsewhere.
func styledLines(series ...styledXY) []any {
	n := 0
	for _, s := range series {
		n = max(n, s.style+1)
	}
	out := make([]any, 2*n)
	for i := 0; i < n; i++ {
		out[2*i], out[2*i+1] = "", plotter.XYs(nil)
	}
	for _, s := range series {
		out[2*s.style], out[2*s.style+1] = s.name, s.xy
	}
	return out
}

// separationSpectraPlots returns the panels of power_spectrum.png of a
// separation: the spectra, and with the truth the spectra over the truth's
// and r(k), else the residual's spectrum over the samples' mean (when
// there are samples). Each quantity has one colour and marker on every
// panel (sepStyleData, …).
func separationSpectraPlots(sm *SeparationMetrics) ([]*plot.Plot, error) {
	k := sm.PSK
	kLabel := "k (cycles per min(M,N) pixels)"
	if sm.Window != nil {
		kLabel = fmt.Sprintf("k (cycles per %d pixels, the window's smaller side)", min(sm.Window.Rows[1]-sm.Window.Rows[0], sm.Window.Cols[1]-sm.Window.Cols[0]))
	}
	p := plot.New()
	p.Title.Text = "isotropic power spectra"
	if sm.Window != nil {
		p.Title.Text += "\nHann-tapered window " + sm.Window.String()
	}
	p.X.Label.Text = kLabel
	p.Y.Label.Text = psAxisLabel + unitSuffix(sm.Unit, true)
	series := []styledXY{{sepStyleData, "data d", plotx.XY(k, sm.PSData, true)}, {sepStyleSep, "separated sep", plotx.XY(k, sm.PSSep, true)},
		{sepStyleResidual, "residual d − sep", plotx.XY(k, sm.PSResidual, true)}}
	if sm.PSSamples != nil {
		series = append(series, styledXY{sepStyleSamples, "samples (mean)", plotx.XY(k, sm.PSSamples, true)})
	}
	if sm.PSTruth != nil {
		series = append(series, styledXY{sepStyleTruth, "truth s", plotx.XY(k, sm.PSTruth, true)}, styledXY{sepStyleContam, "true contaminant d − s", plotx.XY(k, sm.PSContaminant, true)})
	}
	lines := styledLines(series...)
	if err := addFloorBand(p, k, sm.PSSep, sm.PSFloorAbs, "separated ± 1σ realisation floor"); err != nil {
		return nil, err
	}
	if err := plotx.AddLines(p, true, lines...); err != nil {
		return nil, err
	}
	setLogScales(p, true, true)
	row := []*plot.Plot{p}
	ref := func(p *plot.Plot, y float64) error {
		if len(k) == 0 {
			return nil
		}
		return plotx.RefLine(p, k[0], k[len(k)-1], y)
	}
	if sm.PSTruth != nil {
		r := plot.New()
		r.Title.Text = fmt.Sprintf("spectra over the true P_s\nmax |P_sep/P_s − 1| = %s where P_c ≤ 10 P_s", fmtDev(sm.PSMaxDev))
		if len(sm.BinsPS) == 0 {
			r.Title.Text = "spectra over the true P_s\n(no k bin has P_c ≤ 10 P_s)"
		}
		r.X.Label.Text = kLabel
		r.Y.Label.Text = "P / P_s"
		if err := ref(r, 1); err != nil {
			return nil, err
		}
		series := []styledXY{{sepStyleData, "P_d/P_s", validXY(k, sm.PSRatioData, true)}, {sepStyleSep, "P_sep/P_s", validXY(k, sm.PSRatio, true)},
			{sepStyleContam, "P_c/P_s (true c)", validXY(k, sm.ContamToSignal, true)}}
		if sm.PSRatioDebiased != nil {
			series = append(series, styledXY{sepStyleDebiased, "(P_d − mean P_samples)/P_s", validXY(k, sm.PSRatioDebiased, true)})
		}
		lines := styledLines(series...)
		if err := addFloorBand(r, k, nil, sm.PSFloor, "1 ± 1σ realisation floor"); err != nil {
			return nil, err
		}
		if err := plotx.AddLines(r, true, lines...); err != nil {
			return nil, err
		}
		if err := addNegativeMarks(r, k, sm.PSRatioDebiased, plotx.Palette(sepStyleDebiased), "(P_d − mean P_samples)/P_s"); err != nil {
			return nil, err
		}
		setLogScales(r, true, true)
		c := plot.New()
		c.Title.Text = fmt.Sprintf("correlation with the truth per k bin\nmin r(sep, s) = %.3f where P_c ≤ P_s", sm.RMin)
		if len(sm.BinsR) == 0 {
			c.Title.Text = "correlation with the truth per k bin\n(no k bin has P_c ≤ P_s)"
		}
		c.X.Label.Text = kLabel
		c.Y.Label.Text = "r(k)"
		if err := plotx.AddLines(c, true, styledLines(styledXY{sepStyleData, "r(d, s)", validXY(k, sm.RData, false)}, styledXY{sepStyleSep, "r(sep, s)", validXY(k, sm.R, false)})...); err != nil {
			return nil, err
		}
		setLogScales(c, true, false)
		c.Y.Max = math.Max(c.Y.Max, 1)       // r ≤ 1: the axis reaches it
		c.Y.Tick.Marker = plotx.RatioTicks{} // round steps and a label at r = 1
		row = append(row, r, c)
	} else if sm.ResidualRatio != nil {
		r := plot.New()
		r.Title.Text = "residual spectrum over the samples' mean"
		if sm.SamplesRatioLo != nil {
			r.Title.Text += "\ngrey: the samples' own P(r_i)/mean, min–max per bin"
		}
		r.X.Label.Text = kLabel
		r.Y.Label.Text = "P(d − sep) / mean P(samples)"
		if err := ref(r, 1); err != nil {
			return nil, err
		}
		if err := addRangeBand(r, k, sm.SamplesRatioLo, sm.SamplesRatioHi, "samples: min–max of P(r_i)/mean"); err != nil {
			return nil, err
		}
		if err := plotx.AddLines(r, true, styledLines(styledXY{sepStyleResidual, "P(d − sep) / mean P(samples)", validXY(k, sm.ResidualRatio, true)})...); err != nil {
			return nil, err
		}
		setLogScales(r, true, false)
		row = append(row, r)
	}
	for _, pl := range row { // the k axes: the side's physical size, wavelengths
		if pl.X.Label.Text == kLabel {
			sm.KScale.setKAxis(pl)
		}
	}
	if sm.PhiResidual != nil && sm.PhiData != nil {
		p, err := sepPhiPanel(sm)
		if err != nil {
			return nil, err
		}
		row = append(row, p)
	}
	return row, nil
}

// addFloorBand shades center ± floor per bin (center nil: 1, a ratio plot;
// the lower edge clamped at 1 % of the centre for the log axis; bins with a
// negative or NaN floor or centre are skipped).
func addFloorBand(p *plot.Plot, k, center, floor []float64, label string) error {
	lo, hi := make([]float64, len(floor)), make([]float64, len(floor))
	for b, f := range floor {
		c := 1.0
		if center != nil {
			c = center[b]
		}
		lo[b], hi[b] = math.NaN(), math.NaN() // skipped by addRangeBand
		if f < 0 || math.IsNaN(f) || !(c > 0) {
			continue
		}
		lo[b], hi[b] = math.Max(0.01*c, c-f), c+f
	}
	return addRangeBand(p, k, lo, hi, label)
}

// validXY drops the −1 markers of empty bins (and, for log axes, every
// y ≤ 0).
func validXY(x, y []float64, logY bool) plotter.XYs {
	var xy plotter.XYs
	for i := range x {
		if y[i] == -1 || math.IsNaN(y[i]) || (logY && y[i] <= 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: x[i], Y: y[i]})
	}
	return xy
}
