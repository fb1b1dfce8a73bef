package infer

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// Thresholds at which Minkowski functionals are reported, in units of the
// target's σ.
var MinkowskiThresholds = []float64{-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3}

// ValidationMetrics compares syntheses with their target(s). It is what
// metrics.json holds.
//
// The spreads used as yardsticks (PSTargetSpread, W1Ref, MFDevSigma) come from
// the reference set when one is given (ValidateOptions.Reference: other
// realisations of the target's process), else from the target set itself when
// it has ≥ 2 maps, else they are absent.
type ValidationMetrics struct {
	// Power spectrum (see PowerSpectrum): bin edges, target and mean synthesis
	// spectra, ratio synth/target (−1 in a bin where the target has no
	// power: JSON has no NaN), and max/mean |ratio − 1| over the bins whose
	// lower edge is ≥ 2 cycles per min(M, N) pixels: every bin but [1, √2)
	// and [√2, 2), 4 modes each on a square map (and the bins below 1 of
	// a non-square one), where methods.md §2.3 proposes ±10 % "on all bins
	// except the first" of its log bins. The target spectrum is the mean of
	// the binned spectra of the target maps, the synthesis spectrum the mean
	// of the binned spectra of the syntheses. With ≥ 2 target maps and
	// ValidateOptions.GeometricPS both are
	// geometric means, exp(mean_i log P_i) per bin (PSMean "geometric"):
	// the power-spectrum term of the loss matches each synthesis's log
	// spectrum to the mean log spectrum of the targets
	// (NewPowerSpectrumTerm), which the arithmetic mean of maps of unequal
	// amplitudes exceeds (dust Q tiles: syntheses at 0.73–0.98× the
	// arithmetic mean, 1.00–1.12× the geometric one); the arithmetic
	// comparison is kept in PSTargetArith, PSSynthArith, PSRatioArith and
	// PSMaxDevArith.
	PSEdges []float64 `json:"ps_bin_edges"`
	// Unit is the pixel unit of the maps (ValidateOptions.Unit; P is in its
	// square).
	Unit string `json:"unit,omitempty"`
	// KScale: what k is in physical units (ValidateOptions.PixelScale;
	// absent without one)
	KScale    *KScale   `json:"k_scale,omitempty"`
	PSMean    string    `json:"ps_mean"`
	PSTarget  []float64 `json:"ps_target"`
	PSSynth   []float64 `json:"ps_synth"`
	PSRatio   []float64 `json:"ps_ratio"`
	PSMaxDev  float64   `json:"ps_max_abs_ratio_minus_1"`
	PSMeanDev float64   `json:"ps_mean_abs_ratio_minus_1"`
	// The arithmetic-mean comparison when PSMean is "geometric" (else
	// absent).
	PSTargetArith []float64 `json:"ps_target_arithmetic,omitempty"`
	PSSynthArith  []float64 `json:"ps_synth_arithmetic,omitempty"`
	PSRatioArith  []float64 `json:"ps_ratio_arithmetic,omitempty"`
	PSMaxDevArith float64   `json:"ps_max_abs_ratio_minus_1_arithmetic,omitempty"`
	// PSTargetSpread is the relative std, per bin, of one map's spectrum over
	// the spread set: std_i(P_i/P̄ − 1).
	PSTargetSpread []float64 `json:"ps_target_relative_std,omitempty"`
	// W1 between the pixel distribution of each synthesis and that of the
	// target set (all its maps pooled), in units of the target's std.
	// W1Pool is the like-for-like yardstick: the W1 between one map of the
	// spread set and the pool of the other maps of that set (leave one out;
	// the mean over the maps, at most 64 of them evenly spaced), in the same
	// units — what a real map scores against a pool as the syntheses are
	// scored. W1Ref, the W1 between two maps of the spread set (mean over all
	// pairs; W1RefMin the smallest pair), compares a map with one map, not
	// with a pool, and is larger: on 118 training patches of one cluster,
	// 0.599 σ between two patches, 0.475 σ patch vs pool.
	W1       []float64 `json:"w1_normalised"`
	W1Mean   float64   `json:"w1_normalised_mean"`
	W1Pool   float64   `json:"w1_one_target_vs_the_others,omitempty"`
	W1Ref    float64   `json:"w1_between_targets,omitempty"`
	W1RefMin float64   `json:"w1_between_targets_min,omitempty"`
	// Minkowski functionals V0, V1, V2 (see Minkowski) at MinkowskiThresholds
	// (in units of the target's std about its mean): target mean, synthesis
	// mean, the spread set's std of one map's functional (MFSpread, n − 1
	// normalised), the deviation (synthesis mean − target mean)/MFSpread
	// (MFDevSigma; 0 where MFSpread ≤ 1e−6/(M·N), far below the
	// functionals' resolution of one pixel, 1/(M·N): rounding of identical
	// values, no σ) and the largest |deviation| (MFMaxSigma).
	MFNu       []float64    `json:"mf_nu"`
	MFTarget   [3][]float64 `json:"mf_target"`
	MFSynth    [3][]float64 `json:"mf_synth"`
	MFSpread   [][]float64  `json:"mf_spread_std,omitempty"`
	MFDevSigma [][]float64  `json:"mf_deviation_in_target_sigma,omitempty"`
	MFMaxSigma float64      `json:"mf_max_abs_deviation_sigma,omitempty"`
	// The σ of one map is not the yardstick of a mean of K syntheses
	// against a mean of N targets: the standard error of that difference
	// is MFStdErr = MFSpread·√(1/K + 1/N) (K = MFSyntheses, N = MFTargets;
	// the synthesis mean and the target mean as independent means of maps
	// of spread MFSpread), MFDevStdErr = (synthesis mean − target mean) /
	// MFStdErr and MFMaxStdErr its largest |·|, what the summary line and
	// minkowski.png's band (±2 standard errors) use. With K = 4, N = 20 the
	// standard error is 0.55 σ: 1.80 σ is 3.3 standard errors. MFPerSynth
	// holds each synthesis's V0, V1, V2 ([K][3][thresholds]) and
	// MFSynthStd their std over the syntheses (n − 1; with K ≥ 2).
	MFSyntheses int            `json:"mf_syntheses"`
	MFTargets   int            `json:"mf_targets"`
	MFStdErr    [][]float64    `json:"mf_standard_error,omitempty"`
	MFDevStdErr [][]float64    `json:"mf_deviation_in_standard_errors,omitempty"`
	MFMaxStdErr float64        `json:"mf_max_abs_deviation_standard_errors,omitempty"`
	MFPerSynth  [][3][]float64 `json:"mf_per_synthesis"`
	MFSynthStd  [][]float64    `json:"mf_synth_std,omitempty"`
	// SpreadMaps is the number of maps the spreads come from (0: none).
	SpreadMaps int `json:"spread_maps"`
	// SynthSpread, when given (ValidateOptions.Spread), compares the
	// syntheses' spread with the targets' on the matched statistic.
	SynthSpread *SynthSpread `json:"synth_spread,omitempty"`
	// Window, when set (ValidateOptions.Interior > 0), is the interior
	// window the pixel figures (W1, moments, Minkowski functionals and
	// histogram.png) are computed on; absent: the whole maps.
	Window *PixelWindow `json:"window,omitempty"`
	// Checks, when the loss's terms are known (ValidateOptions.Fitted),
	// says which figures a term of the loss matched ("fitted": their
	// agreement is not an independent validation) and which no term
	// matched ("out-of-sample").
	Checks *ReportChecks `json:"checks,omitempty"`
	// Moments[b] and MomentsTgt[b] are the mean, std, skewness and excess
	// kurtosis (Moments: population moments) of synthesis b and of target
	// map b.
	Moments    [][4]float64 `json:"moments_synth"`
	MomentsTgt [][4]float64 `json:"moments_target"`
	// Optimisation figures (when a Result is given): final and initial loss,
	// iterations, loss evaluations, wall seconds, seconds per evaluation
	// (engine time only) and the loop overhead Elapsed/EvalTime − 1.
	Loss         float64 `json:"final_loss,omitempty"`
	InitialLoss  float64 `json:"initial_loss,omitempty"`
	Iterations   int     `json:"iterations,omitempty"`
	Evaluations  int     `json:"evaluations,omitempty"`
	Seconds      float64 `json:"seconds,omitempty"`
	SecPerEval   float64 `json:"seconds_per_evaluation,omitempty"`
	LoopOverhead float64 `json:"loop_overhead,omitempty"`
	// Settings records how the syntheses were made (free-form, set by the caller).
	Settings map[string]any `json:"settings,omitempty"`
}

// ValidateOptions are the options of ValidateWith.
type ValidateOptions struct {
	// Spread, when non-nil (NewSynthSpread), is written to metrics.json as
	// ValidationMetrics.SynthSpread.
	Spread *SynthSpread
	// Reference, when non-nil, is a set of ≥ 2 maps of the target's process
	// (the same size) that gives the spreads (PS relative std, W1 between two
	// maps, MF std). Typically: one target map, and all available
	// realisations as the reference.
	Reference *stlayer.Maps
	// TargetName and SynthName name the two sets in the report's figures
	// ("" = "target" and "synthesis"; e.g. "training patch" and "sample").
	TargetName, SynthName string
	// Apodise computes every power spectrum of the report (target,
	// syntheses, reference spread) on the Hann-tapered maps, as the
	// apodised power-spectrum term does (GenerateConfig.Apodise,
	// NewPSOpApodised: w·(x − x̄_w) with w = HannTaper, power divided by
	// ⟨w²⟩): for non-periodic statistics, whose targets' periodic spectra
	// hold the wrap-around jump of a cut. The histogram, W1 and Minkowski
	// figures use the maps as they are.
	Apodise bool
	// Interior, when > 0, computes the pixel figures (W1 and its
	// yardsticks, the moments, the Minkowski functionals, histogram.png)
	// on the interior window rows [c, M−c), columns [c, N−c) of every map,
	// c = Interior: for a --pad crop statistic, whose means are over that
	// window (c = Spec.CutPixels() of package stats), the border enters the loss only
	// through the wavelets that reach into the window and keeps much of its
	// starting values, which the report should not score. The target's mean
	// and std (the unit of W1 and of the thresholds) are then the window's,
	// and the Minkowski functionals are MinkowskiFunctionalsWindow's (not
	// periodic: the window's edges do not meet). The spectra stay on the
	// whole maps (see Apodise). metrics.json says the window ("window").
	// 0: the whole maps. A negative c, or one that leaves nothing of the
	// maps (2c ≥ min(M, N)), is an input error.
	Interior int
	// Fitted, when not nil, says which of the report's figures a term of
	// the loss matched (the power-spectrum and histogram terms,
	// GenerateConfig.PSWeight and HistWeight > 0): metrics.json ("checks")
	// and the figures' titles then mark each figure "fitted" or
	// "out-of-sample". nil: unknown, nothing marked.
	Fitted *FittedTerms
	// GeometricPS, with ≥ 2 target maps, compares geometric-mean spectra
	// (ValidationMetrics.PSMean "geometric"): what a synthesis loss with a
	// power-spectrum term fitted (NewPowerSpectrumTerm matches the mean log
	// spectrum of the targets). Default false: arithmetic means.
	GeometricPS bool
	// Unit is the target's pixel unit (a FITS target's BUNIT; "" for none):
	// recorded in metrics.json (ValidationMetrics.Unit) and shown in the
	// panel titles of maps.png (the colour scale's unit), on the value axis
	// of histogram.png and, squared, on the P(k) axis of power_spectrum.png.
	Unit string
	// PixelScale is the target's pixel size (a FITS target's CDELT1/2 and
	// CUNIT1/2, datasets.PixelScaleOf; nil for none): metrics.json's
	// k_scale and, on power_spectrum.png, the size of min(M, N) pixels in
	// the k axis label and the wavelength under each k (KScale).
	PixelScale *datasets.PixelScale
}

// FittedTerms says which terms besides the statistic the loss of the
// syntheses had.
type FittedTerms struct {
	// PS: a power-spectrum term (the report's spectrum comparison is
	// fitted); Hist: a histogram term (the pixel histogram, W1 and the
	// moments are fitted).
	PS, Hist bool
}

// Values of ReportChecks' fields.
const (
	CheckFitted      = "fitted"
	CheckOutOfSample = "out-of-sample"
)

// ReportChecks marks each figure of a synthesis report CheckFitted (a
// term of the loss matched it: its agreement is not an independent
// validation) or CheckOutOfSample (no term of the loss matched it directly;
// the statistic may still constrain it in part). The Minkowski functionals
// are never a term of the loss. The histogram term matches the whole
// maps' pixels: on an interior window (ValidateOptions.Interior) the
// histogram is still marked fitted, the agreement there being only in part
// an independent check.
type ReportChecks struct {
	PowerSpectrum string `json:"power_spectrum"`
	Histogram     string `json:"histogram_w1_moments"`
	Minkowski     string `json:"minkowski"`
	Note          string `json:"note"`
}

// reportChecks returns the ReportChecks of f (nil for nil f).
func reportChecks(f *FittedTerms) *ReportChecks {
	if f == nil {
		return nil
	}
	mark := func(b bool) string {
		if b {
			return CheckFitted
		}
		return CheckOutOfSample
	}
	return &ReportChecks{PowerSpectrum: mark(f.PS), Histogram: mark(f.Hist), Minkowski: CheckOutOfSample,
		Note: "fitted: a term of the loss matched it, so its agreement is not an independent validation; out-of-sample: no term of the loss matched it directly (the statistic may still constrain it in part)"}
}

// checkLine returns a figure's title line for a ReportChecks mark ("" for
// none).
func checkLine(mark string) string {
	switch mark {
	case CheckFitted:
		return "fitted: a term of the loss, not an independent check"
	case CheckOutOfSample:
		return "out-of-sample: no term of the loss matched it"
	}
	return ""
}

// PixelWindow is the window of the maps a report's pixel figures are
// computed on: rows [Rows[0], Rows[1]) and columns [Cols[0], Cols[1]),
// Border pixels in from each edge.
type PixelWindow struct {
	Border int    `json:"border_pixels"`
	Rows   [2]int `json:"rows"`
	Cols   [2]int `json:"columns"`
}

// String says the window for a figure title: "rows [16, 112), columns
// [16, 112)".
func (w *PixelWindow) String() string {
	return fmt.Sprintf("rows [%d, %d), columns [%d, %d)", w.Rows[0], w.Rows[1], w.Cols[0], w.Cols[1])
}

// interiorWindow returns the window c pixels in from each edge of m×n maps
// (nil for c = 0: the whole maps). A negative c, or 2c ≥ min(m, n), is an
// input error; what names the option in the message.
func interiorWindow(c, m, n int, what string) (*PixelWindow, error) {
	switch {
	case c == 0:
		return nil, nil
	case c < 0:
		return nil, inputErrorf("%s: the interior window's border must be ≥ 0 pixels, got %d", what, c)
	case 2*c >= min(m, n):
		return nil, inputErrorf("%s: a border of %d pixels leaves nothing of %d×%d maps (2·%d ≥ %d): use a smaller cut", what, c, m, n, c, min(m, n))
	}
	return &PixelWindow{Border: c, Rows: [2]int{c, m - c}, Cols: [2]int{c, n - c}}, nil
}

// cropMaps returns the window w of every map of x (x itself when w is nil;
// nil for nil x).
func cropMaps(x *stlayer.Maps, w *PixelWindow) *stlayer.Maps {
	if w == nil || x == nil {
		return x
	}
	mw, nw := w.Rows[1]-w.Rows[0], w.Cols[1]-w.Cols[0]
	out := stlayer.NewMaps(x.B, mw, nw)
	for b := 0; b < x.B; b++ {
		src, dst := x.Map(b), out.Map(b)
		for i := 0; i < mw; i++ {
			copy(dst[i*nw:(i+1)*nw], src[(w.Rows[0]+i)*x.N+w.Cols[0]:][:nw])
		}
	}
	return out
}

// names returns the figure names of the target and synthesis sets.
func (o ValidateOptions) names() (target, synth string) {
	target, synth = o.TargetName, o.SynthName
	if target == "" {
		target = "target"
	}
	if synth == "" {
		synth = "synthesis"
	}
	return target, synth
}

// Validate is ValidateWith without a reference set: spreads come from the
// target set when it has ≥ 2 maps.
func Validate(target, synth *stlayer.Maps) (*ValidationMetrics, error) {
	return ValidateWith(target, synth, ValidateOptions{})
}

// ValidateWith computes ValidationMetrics for syntheses against target maps
// (the same size). Maps that are nil, empty, whose Data length is not B·M·N
// or that hold non-finite pixels, maps of different sizes, a reference set
// of fewer than 2 maps, an Interior border that is negative or leaves
// nothing of the maps, a constant target (in the window, with Interior: its
// std is the unit of W1 and of the Minkowski thresholds) and pixel values
// whose std overflows are input errors (ErrModelInput).
func ValidateWith(target, synth *stlayer.Maps, opt ValidateOptions) (*ValidationMetrics, error) {
	for _, x := range []struct {
		name     string
		m        *stlayer.Maps
		optional bool
	}{{"target maps", target, false}, {"syntheses", synth, false}, {"reference maps", opt.Reference, true}} {
		if x.m == nil && x.optional {
			continue
		}
		if err := checkFiniteMaps(x.name, x.m, 0); err != nil {
			return nil, err
		}
		for b := 0; b < x.m.B; b++ {
			if _, sd, _, _ := Moments(x.m.Map(b)); math.IsInf(sd, 0) || math.IsNaN(sd) {
				return nil, inputErrorf("%s: the pixel std of map %d overflows (%g)", x.name, b, sd)
			}
		}
	}
	if target.M != synth.M || target.N != synth.N {
		return nil, inputErrorf("target maps are %d×%d, syntheses %d×%d", target.M, target.N, synth.M, synth.N)
	}
	win, err := interiorWindow(opt.Interior, target.M, target.N, "ValidateOptions.Interior")
	if err != nil {
		return nil, err
	}
	// the pixel figures' maps: the window, or the whole maps
	tpx := cropMaps(target, win)
	if _, sd, _, _ := Moments(tpx.Data); !(sd > 0) || math.IsInf(sd, 0) {
		where := ""
		if win != nil {
			where = " in the window " + win.String()
		}
		return nil, inputErrorf("target maps are constant%s (pixel std %g): W1 and the Minkowski thresholds are in units of the target's std", where, sd)
	}
	m, n := target.M, target.N
	split := func(x *stlayer.Maps) [][]float64 {
		out := make([][]float64, x.B)
		for b := range out {
			out[b] = x.Map(b)
		}
		return out
	}
	tm, sm := split(target), split(synth)
	spread := tm
	if opt.Reference != nil {
		if opt.Reference.M != m || opt.Reference.N != n {
			return nil, inputErrorf("reference maps are %d×%d, targets %d×%d", opt.Reference.M, opt.Reference.N, m, n)
		}
		if opt.Reference.B < 2 {
			return nil, inputErrorf("a reference set needs ≥ 2 maps, got %d", opt.Reference.B)
		}
		spread = split(opt.Reference)
	}
	if len(spread) < 2 {
		spread = nil
	}
	vm := &ValidationMetrics{SpreadMaps: len(spread), Window: win, Checks: reportChecks(opt.Fitted)}
	// spec returns the maps whose periodic spectra the report compares:
	// the maps themselves, or their apodised versions (opt.Apodise)
	spec := func(maps [][]float64) [][]float64 { return maps }
	if opt.Apodise {
		w := HannTaper(m, n)
		w2 := 0.0
		for _, v := range w {
			w2 += v * v
		}
		g := 1 / math.Sqrt(w2/float64(len(w))) // power divided by ⟨w²⟩
		spec = func(maps [][]float64) [][]float64 {
			out := make([][]float64, len(maps))
			for i, x := range maps {
				out[i] = apodise(x, w)
				for j := range out[i] {
					out[i][j] *= g
				}
			}
			return out
		}
	}
	pt := MeanPowerSpectrum(spec(tm), m, n)
	ps := MeanPowerSpectrum(spec(sm), m, n)
	vm.PSMean, vm.Unit = PSMeanArithmetic, opt.Unit
	vm.KScale = newKScale(opt.PixelScale, min(m, n)) // k: cycles per min(M, N) pixels
	if opt.GeometricPS && len(tm) >= 2 {
		// The loss fits the mean log spectrum of a target set: compare
		// geometric means, keep the arithmetic ones beside them.
		vm.PSTargetArith, vm.PSSynthArith = pt.P, ps.P
		vm.PSRatioArith, vm.PSMaxDevArith, _ = PSRatioStats(ps, pt, 2)
		nanToNeg(vm.PSRatioArith)
		pt, ps = geoMeanPowerSpectrum(spec(tm), m, n), geoMeanPowerSpectrum(spec(sm), m, n)
		vm.PSMean = PSMeanGeometric
	}
	vm.PSEdges, vm.PSTarget, vm.PSSynth = pt.Edges, pt.P, ps.P
	vm.PSRatio, vm.PSMaxDev, vm.PSMeanDev = PSRatioStats(ps, pt, 2)
	nanToNeg(vm.PSRatio)
	if spread != nil {
		sp := spec(spread)
		pr := MeanPowerSpectrum(sp, m, n)
		vm.PSTargetSpread = make([]float64, len(pr.P))
		for _, x := range sp {
			p := IsoPowerSpectrum(x, m, n)
			for b := range p.P {
				if pr.P[b] > 0 {
					d := p.P[b]/pr.P[b] - 1
					vm.PSTargetSpread[b] += d * d / float64(len(spread)-1)
				}
			}
		}
		for b := range vm.PSTargetSpread {
			vm.PSTargetSpread[b] = math.Sqrt(vm.PSTargetSpread[b])
		}
	}
	// The pixel figures, on the window (or the whole maps).
	if win != nil {
		tm, sm = split(tpx), split(cropMaps(synth, win))
		if spread != nil {
			if opt.Reference != nil {
				spread = split(cropMaps(opt.Reference, win))
			} else {
				spread = tm
			}
		}
		m, n = tpx.M, tpx.N
	}
	mu, sd, _, _ := Moments(tpx.Data)
	for _, x := range sm {
		vm.W1 = append(vm.W1, Wasserstein1(x, tpx.Data)/sd)
		a, b, c, d := Moments(x)
		vm.Moments = append(vm.Moments, [4]float64{a, b, c, d})
	}
	vm.W1Mean = mean(vm.W1)
	for _, x := range tm {
		a, b, c, d := Moments(x)
		vm.MomentsTgt = append(vm.MomentsTgt, [4]float64{a, b, c, d})
	}
	if spread != nil {
		vm.W1Ref, vm.W1RefMin = pairwiseW1(spread)
		vm.W1Ref /= sd
		vm.W1RefMin /= sd
		vm.W1Pool = leaveOneOutW1(spread, 64) / sd
	}
	vm.MFNu = MinkowskiThresholds
	var sstd [3][]float64
	periodic := win == nil
	vm.MFTarget, _ = minkowskiStats(tm, m, n, mu, sd, periodic)
	var synStd [3][]float64
	vm.MFSynth, synStd = minkowskiStats(sm, m, n, mu, sd, periodic)
	vm.MFSyntheses, vm.MFTargets = len(sm), len(tm)
	for _, x := range sm {
		mk := minkowski(x, m, n, mu, sd, MinkowskiThresholds, periodic)
		vm.MFPerSynth = append(vm.MFPerSynth, [3][]float64{mk.V0, mk.V1, mk.V2})
	}
	if len(sm) >= 2 {
		vm.MFSynthStd = synStd[:]
	}
	if spread != nil {
		_, sstd = minkowskiStats(spread, m, n, mu, sd, periodic)
		vm.MFSpread = sstd[:]
		vm.MFDevSigma = make([][]float64, 3)
		for f := 0; f < 3; f++ {
			vm.MFDevSigma[f] = make([]float64, len(MinkowskiThresholds))
			for t := range MinkowskiThresholds {
				// A spread far below the functionals' resolution on an m×n map
				// (one pixel, 1/(mn)) is rounding of identical values: no σ.
				if sstd[f][t] > 1e-6/float64(m*n) {
					d := (vm.MFSynth[f][t] - vm.MFTarget[f][t]) / sstd[f][t]
					vm.MFDevSigma[f][t] = d
					vm.MFMaxSigma = math.Max(vm.MFMaxSigma, math.Abs(d))
				}
			}
		}
		se := math.Sqrt(1/float64(len(sm)) + 1/float64(len(tm)))
		vm.MFStdErr, vm.MFDevStdErr = make([][]float64, 3), make([][]float64, 3)
		for f := 0; f < 3; f++ {
			vm.MFStdErr[f] = make([]float64, len(MinkowskiThresholds))
			vm.MFDevStdErr[f] = make([]float64, len(MinkowskiThresholds))
			for t := range MinkowskiThresholds {
				vm.MFStdErr[f][t] = sstd[f][t] * se
				if vm.MFDevSigma[f][t] != 0 {
					vm.MFDevStdErr[f][t] = vm.MFDevSigma[f][t] / se
					vm.MFMaxStdErr = math.Max(vm.MFMaxStdErr, math.Abs(vm.MFDevStdErr[f][t]))
				}
			}
		}
	}
	return vm, nil
}

// leaveOneOutW1 returns the mean, over at most maxMaps of the maps (all of
// them, or maxMaps at evenly spaced indices), of the Wasserstein-1 distance
// between one map and the pool of all the other maps (Wasserstein1's
// quantile convention): the mean of leaveOneOutW1Each, 0 for fewer than 2
// maps.
func leaveOneOutW1(maps [][]float64, maxMaps int) float64 {
	each := leaveOneOutW1Each(maps, maxMaps)
	if len(each) == 0 {
		return 0
	}
	sum := 0.0
	for _, w := range each {
		sum += w
	}
	return sum / float64(len(each))
}

// w1Sorted is Wasserstein1 of two sorted, non-empty samples.
func w1Sorted(sa, sb []float64) float64 {
	n := max(len(sa), len(sb))
	q := func(s []float64, u float64) float64 {
		return s[min(int(u*float64(len(s))), len(s)-1)]
	}
	sum := 0.0
	for i := 0; i < n; i++ {
		u := (float64(i) + 0.5) / float64(n)
		sum += math.Abs(q(sa, u) - q(sb, u))
	}
	return sum / float64(n)
}

// pairwiseW1 returns the mean and the minimum of the Wasserstein-1 distance
// over all pairs of maps (equal sizes: sorted pixels, mean absolute
// difference).
func pairwiseW1(maps [][]float64) (meanW, minW float64) {
	sorted := make([][]float64, len(maps))
	for i, x := range maps {
		sorted[i] = slices.Clone(x)
		sort.Float64s(sorted[i])
	}
	minW = math.Inf(1)
	np := 0
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			w := 0.0
			if len(sorted[i]) == len(sorted[j]) {
				for k, v := range sorted[i] {
					w += math.Abs(v - sorted[j][k])
				}
				w /= float64(len(sorted[i]))
			} else {
				w = Wasserstein1(maps[i], maps[j])
			}
			meanW += w
			minW = math.Min(minW, w)
			np++
		}
	}
	return meanW / float64(np), minW
}

// minkowskiStats returns the mean and the std (over maps, n−1 normalised;
// zero for one map) of the Minkowski functionals of maps at
// MinkowskiThresholds about mu, sd: MinkowskiFunctionals' (periodic maps)
// or MinkowskiFunctionalsWindow's (windows cut from larger maps).
func minkowskiStats(maps [][]float64, m, n int, mu, sd float64, periodic bool) (mean, std [3][]float64) {
	nt := len(MinkowskiThresholds)
	for f := 0; f < 3; f++ {
		mean[f] = make([]float64, nt)
		std[f] = make([]float64, nt)
	}
	all := make([]*Minkowski, len(maps))
	for i, x := range maps {
		all[i] = minkowski(x, m, n, mu, sd, MinkowskiThresholds, periodic)
		for t := 0; t < nt; t++ {
			mean[0][t] += all[i].V0[t] / float64(len(maps))
			mean[1][t] += all[i].V1[t] / float64(len(maps))
			mean[2][t] += all[i].V2[t] / float64(len(maps))
		}
	}
	if len(maps) >= 2 {
		for _, a := range all {
			for t := 0; t < nt; t++ {
				for f, v := range [3]float64{a.V0[t], a.V1[t], a.V2[t]} {
					d := v - mean[f][t]
					std[f][t] += d * d / float64(len(maps)-1)
				}
			}
		}
		for f := 0; f < 3; f++ {
			for t := range std[f] {
				std[f][t] = math.Sqrt(std[f][t])
			}
		}
	}
	return mean, std
}

func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// WriteJSON writes v as indented JSON atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return plotx.WriteFileAtomic(path, append(b, '\n'))
}

// WriteSynthReport writes the validation report of syntheses against target
// maps into dir (created if needed): maps.png (targets and syntheses side by
// side), power_spectrum.png (spectra and ratio), histogram.png,
// minkowski.png, metrics.json, and loss.png (the loss at each iteration)
// when res has a History. res may be nil. The maps are checked
// (ValidateWith's input errors) before anything is written.
func WriteSynthReport(dir string, target, synth *stlayer.Maps, res *Result) (*ValidationMetrics, error) {
	return WriteSynthReportWith(dir, target, synth, res, ValidateOptions{}, nil)
}

// WriteSynthReportWith is WriteSynthReport with validation options (a
// reference set for the spreads) and free-form settings recorded in
// metrics.json.
func WriteSynthReportWith(dir string, target, synth *stlayer.Maps, res *Result, opt ValidateOptions, settings map[string]any) (*ValidationMetrics, error) {
	vm, err := ValidateWith(target, synth, opt)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	vm.Settings = settings
	vm.SynthSpread = opt.Spread
	if res != nil {
		vm.Loss, vm.InitialLoss, vm.Iterations, vm.Evaluations = res.Loss, res.InitialLoss, res.Iters, res.Evals
		vm.Seconds = res.Elapsed.Seconds()
		if res.Evals > 0 {
			vm.SecPerEval = res.EvalTime.Seconds() / float64(res.Evals)
		}
		vm.LoopOverhead = res.LoopOverhead()
	}
	tn, sn := opt.names()
	if err := plotMapsUnit(filepath.Join(dir, "maps.png"), target, synth, tn, sn, vm.Unit); err != nil {
		return nil, err
	}
	if err := plotSpectra(filepath.Join(dir, "power_spectrum.png"), vm, tn, sn); err != nil {
		return nil, err
	}
	hmark := ""
	if vm.Checks != nil {
		hmark = vm.Checks.Histogram
	}
	if err := plotHistograms(filepath.Join(dir, "histogram.png"), cropMaps(target, vm.Window), cropMaps(synth, vm.Window), tn, sn, vm.Window, hmark, vm.Unit); err != nil {
		return nil, err
	}
	if err := plotMinkowski(filepath.Join(dir, "minkowski.png"), vm, tn, sn); err != nil {
		return nil, err
	}
	if res != nil {
		if err := plotLoss(filepath.Join(dir, "loss.png"), []*Result{res}, "summed over the maps"); err != nil {
			return nil, err
		}
	}
	return vm, WriteJSON(filepath.Join(dir, "metrics.json"), vm)
}

// PlotMaps writes up to 4 evenly spaced target maps (first row) and up to
// 4 evenly spaced syntheses (second row) — of a set of B maps, maps j·B/n
// for j < n = min(B, 4) (plotIndices) — all on the target's colour scale
// (its 0.5 % and 99.5 % quantiles, viridis) with a colour bar each. Maps that are nil, empty or
// whose Data length is not B·M·N are input errors (ErrModelInput).
func PlotMaps(path string, target, synth *stlayer.Maps) error {
	return plotMapsNamed(path, target, synth, "target", "synthesis")
}

// plotMapsNamed is PlotMaps with the names of the two sets in the titles.
func plotMapsNamed(path string, target, synth *stlayer.Maps, tn, sn string) error {
	return plotMapsUnit(path, target, synth, tn, sn, "")
}

// plotMapsUnit is plotMapsNamed with the pixel unit in each panel's title
// (`target 0 [K]`; "" for none): a label of the colour bar itself stands
// right of the bar, beyond the last column's panel, where the figure clips
// it.
func plotMapsUnit(path string, target, synth *stlayer.Maps, tn, sn, unit string) error {
	if err := checkMaps("target maps", target, 0); err != nil {
		return err
	}
	if err := checkMaps("syntheses", synth, 0); err != nil {
		return err
	}
	lo, hi := plotx.Range(target.Data, 0.005)
	ti, si := plotIndices(target.B), plotIndices(synth.B)
	nt, ns := len(ti), len(si)
	cols := max(nt, ns)
	rows := [][]*plot.Plot{make([]*plot.Plot, cols), make([]*plot.Plot, cols)}
	for b, i := range ti {
		rows[0][b] = plotx.MapPlot(fmt.Sprintf("%s %d%s", tn, i, unitSuffix(unit, false)), target.Map(i), target.M, target.N, lo, hi)
	}
	for b, i := range si {
		rows[1][b] = plotx.MapPlot(fmt.Sprintf("%s %d%s", sn, i, unitSuffix(unit, false)), synth.Map(i), synth.M, synth.N, lo, hi)
	}
	title := fmt.Sprintf("%s: %d of %d (top); %s: %d of %d (bottom); one colour scale", tn, nt, target.B, sn, ns, synth.B)
	// two rows under the title; less high for maps wider than tall
	h := min(6.6*vg.Inch, 0.3*vg.Inch+2*plotx.MapRowHeight(3.4*vg.Inch, target.M, target.N, 3.3*vg.Inch))
	return plotx.SaveGridTitled(path, title, rows, vg.Length(cols)*3.4*vg.Inch, h)
}

// plotIndices returns the maps of a set of b maps that maps.png shows:
// j·b/n for j < n = min(b, 4), evenly spaced (a set of patches is ordered
// by source: its first maps would all come from its first file).
func plotIndices(b int) []int {
	n := min(b, 4)
	idx := make([]int, max(n, 0))
	for j := range idx {
		idx[j] = j * b / n
	}
	return idx
}

// psAxisLabel labels the power axis of the reports' spectrum plots with
// IsoPowerSpectrum's normalisation (white noise of variance σ² has P = σ²;
// P is in the map's units squared times the pixel area, see
// PowerSpectrum).
const psAxisLabel = "P(k) = mean |FFT x|² / MN"

// binCentres returns the geometric centres of the bins of edges.
func binCentres(edges []float64) []float64 {
	k := make([]float64, max(0, len(edges)-1))
	for b := range k {
		k[b] = math.Sqrt(edges[b] * edges[b+1])
	}
	return k
}

func plotSpectra(path string, vm *ValidationMetrics, tn, sn string) error {
	p, r, err := spectraPlots(vm, tn, sn)
	if err != nil {
		return err
	}
	return plotx.SaveGrid(path, [][]*plot.Plot{{p, r}}, 11*vg.Inch, 4.5*vg.Inch)
}

// spectraPlots returns the two panels of power_spectrum.png: the spectra and
// their ratio.
func spectraPlots(vm *ValidationMetrics, tn, sn string) (p, r *plot.Plot, err error) {
	nb := len(vm.PSTarget)
	k := binCentres(vm.PSEdges)[:nb]
	p = plot.New()
	p.Title.Text = "isotropic power spectrum"
	if vm.Checks != nil {
		p.Title.Text += "\n" + checkLine(vm.Checks.PowerSpectrum)
	}
	p.X.Label.Text = "k (cycles per min(M,N) pixels)"
	p.Y.Label.Text = psAxisLabel + unitSuffix(vm.Unit, true)
	mn := "mean"
	if vm.PSMean == PSMeanGeometric {
		mn = "geometric mean"
	}
	if err := plotx.AddLines(p, true, tn+" ("+mn+")", plotx.XY(k, vm.PSTarget, true), sn+" ("+mn+")", plotx.XY(k, vm.PSSynth, true)); err != nil {
		return nil, nil, err
	}
	if len(vm.PSTargetArith) == nb {
		if err := addStyledLine(p, tn+" (arithmetic mean)", plotx.XY(k, vm.PSTargetArith, true), plotx.Palette(0), true); err != nil {
			return nil, nil, err
		}
	}
	setLogScales(p, true, true)
	vm.KScale.setKAxis(p)
	r = plot.New()
	r.Title.Text = fmt.Sprintf("ratio of the %s spectra (max |ratio − 1| = %s for k ≥ 2)", mn, fmtDev(vm.PSMaxDev))
	r.X.Label.Text = "k (cycles per min(M,N) pixels)"
	r.Y.Label.Text = fmt.Sprintf("P(%s) / P(%s)", sn, tn)
	if len(k) > 0 {
		if err := plotx.RefLine(r, k[0], k[len(k)-1], 1); err != nil {
			return nil, nil, err
		}
	}
	if err := plotx.AddLines(r, true, "ratio", validXY(k, vm.PSRatio, false)); err != nil {
		return nil, nil, err
	}
	if len(vm.PSTargetSpread) == nb {
		lo, hi := ratioBand(vm.PSTargetSpread)
		if err := addBand(r, "one map's spectrum: 1 ×/÷ exp(σ_log)", validXY(k, lo, false), validXY(k, hi, false)); err != nil {
			return nil, nil, err
		}
	}
	setLogScales(r, true, false)
	vm.KScale.setKAxis(r)
	r.Y.Tick.Marker = plotx.RatioTicks{} // round values and always 1
	return p, r, nil
}

// ratioBand returns the band of one map's spectrum about a ratio of 1 from
// its relative std σ per bin (ValidationMetrics.PSTargetSpread): exp(±σ_log)
// with σ_log = √ln(1 + σ²), the std of ln P of a log-normal P of relative
// std σ. A power is positive and skewed: the symmetric band 1 ± σ went
// below 0 (−0.97 for σ = 1.97, sample tiles of 64² against their training
// patches) where one map's spectrum scatters by more than its mean, and
// exp(±σ_log) stays positive (0.28 to 3.5 there); for σ ≪ 1 it is 1 ± σ
// to first order. A negative σ (the −1 of a bin without modes) gives NaN
// (not drawn).
func ratioBand(sigma []float64) (lo, hi []float64) {
	lo, hi = make([]float64, len(sigma)), make([]float64, len(sigma))
	for b, s := range sigma {
		if !(s >= 0) {
			lo[b], hi[b] = math.NaN(), math.NaN()
			continue
		}
		sl := math.Sqrt(math.Log1p(s * s))
		lo[b], hi[b] = math.Exp(-sl), math.Exp(sl)
	}
	return lo, hi
}

// fmtDev formats a relative deviation for a title: three decimals, or two
// significant digits below 0.001 (so that a tiny deviation does not read 0).
func fmtDev(v float64) string {
	if v != 0 && math.Abs(v) < 1e-3 {
		return fmt.Sprintf("%.2g", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// setLogScales switches the chosen axes of p to log scales with
// plotx.LogTicks once its data are added (plotx.SetLog: an axis whose range
// is not positive and finite stays linear), drawn out to labelled ends
// (plotx.LabelEnds: when plotx.SaveGrid draws the figure, a log axis is
// widened so that no point lies beyond its outermost labels; synth's
// loss.png had a loss of 2.6 under the lowest label 5). A caller may still
// change the range afterwards.
func setLogScales(p *plot.Plot, x, y bool) {
	plotx.SetLog(p, x, y)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if _, ok := a.Scale.(plot.LogScale); ok {
			if _, done := a.Tick.Marker.(plotx.LabelEnds); !done {
				a.Tick.Marker = plotx.LabelEnds{Ticker: a.Tick.Marker}
			}
		}
	}
}

// addBand draws the lower and upper curves of a band as grey dashed lines
// with one legend entry.
func addBand(p *plot.Plot, name string, lo, hi plotter.XYs) error {
	for i, xy := range []plotter.XYs{lo, hi} {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.Color = color.Gray{Y: 120}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		if i == 0 {
			p.Legend.Add(name, l)
		}
	}
	return nil
}

// plotHistograms writes histogram.png of the pixels of target and synth
// (the window win of the maps when not nil, which the title says; mark, a
// ReportChecks value or "", too).
func plotHistograms(path string, target, synth *stlayer.Maps, tn, sn string, win *PixelWindow, mark, unit string) error {
	p := plot.New()
	p.Title.Text = "pixel histogram"
	if win != nil {
		p.Title.Text += "\ninterior window " + win.String()
	}
	if l := checkLine(mark); l != "" {
		if win != nil && mark == CheckFitted {
			l = "fitted on the whole maps: a term of the loss, not an independent check"
		}
		p.Title.Text += "\n" + l
	}
	p.X.Label.Text = "pixel value" + unitSuffix(unit, false)
	p.X.Tick.Marker = plotx.LinearTicks{}
	p.Y.Label.Text = "probability density"
	lo, hi := plotx.Range(append(append([]float64(nil), target.Data...), synth.Data...), 0)
	const nb = 60
	if err := plotx.AddLines(p, false, tn+" (all)", histogramSegments(target.Data, lo, hi, nb), sn+" (all)", histogramSegments(synth.Data, lo, hi, nb)); err != nil {
		return err
	}
	setLogScales(p, false, true)
	return plotx.Save(path, p, 6.5*vg.Inch, 4.5*vg.Inch)
}

// histogramSegments returns the probability density of x in nb equal bins
// on [lo, hi] (a value at hi in the last bin, others outside left out) as
// the polylines through the centres of runs of non-empty bins: an empty
// bin (density 0, off a log axis) breaks the line instead of being bridged
// by it, and a non-empty bin between two empty ones is drawn as a
// horizontal segment across its width.
func histogramSegments(x []float64, lo, hi float64, nb int) plotx.Segments {
	if nb < 1 || !(hi > lo) || len(x) == 0 {
		return nil
	}
	w := (hi - lo) / float64(nb)
	c := make([]float64, nb)
	for _, v := range x {
		i := int((v - lo) / (hi - lo) * float64(nb))
		if i >= 0 && i < nb {
			c[i]++
		} else if i == nb {
			c[nb-1]++
		}
	}
	var segs plotx.Segments
	var run plotter.XYs
	flush := func(i int) { // run ends before bin i
		if len(run) == 1 {
			y := run[0].Y
			run = plotter.XYs{{X: lo + float64(i-1)*w, Y: y}, {X: lo + float64(i)*w, Y: y}}
		}
		if len(run) > 0 {
			segs = append(segs, run)
		}
		run = nil
	}
	for i := range c {
		if c[i] == 0 {
			flush(i)
			continue
		}
		run = append(run, plotter.XY{X: lo + (float64(i)+0.5)*w, Y: c[i] / float64(len(x)) / w})
	}
	flush(nb)
	return segs
}

// mfBand returns the band ±2·spread of Minkowski functional f (0: V0, 1:
// V1, 2: V2) about the target mean (minkowski.png: spread the standard
// error MFStdErr), clipped to the functional's admissible range:
// V0, an area fraction, in [0, 1]; V1, a boundary length, ≥ 0; V2 (Euler
// characteristic) is not clipped. Far in the tails a spread of one map's
// functional larger than its mean put the band below 0 (V0, V1) or, at
// low thresholds, above 1 (V0).
func mfBand(f int, mean, spread []float64) (lo, hi []float64) {
	lo, hi = make([]float64, len(mean)), make([]float64, len(mean))
	for t := range mean {
		lo[t], hi[t] = mean[t]-2*spread[t], mean[t]+2*spread[t]
		switch f {
		case 0:
			lo[t], hi[t] = min(max(lo[t], 0), 1), min(max(hi[t], 0), 1)
		case 1:
			lo[t], hi[t] = max(lo[t], 0), max(hi[t], 0)
		}
	}
	return lo, hi
}

func plotMinkowski(path string, vm *ValidationMetrics, tn, sn string) error {
	row, err := minkowskiPanels(vm, tn, sn)
	if err != nil {
		return err
	}
	var lines []string
	if vm.Window != nil {
		lines = append(lines, fmt.Sprintf("on the interior window %s (%d pixels in from each edge; not periodic)", vm.Window, vm.Window.Border))
	}
	if vm.Checks != nil {
		lines = append(lines, "Minkowski functionals: "+checkLine(vm.Checks.Minkowski))
	}
	title := strings.Join(lines, "\n")
	return plotx.SaveGridTitled(path, title, [][]*plot.Plot{row}, 15*vg.Inch, 4.5*vg.Inch)
}

// minkowskiPanels returns minkowski.png's three panels (V0, V1, V2 against
// ν), with round tick labels in one form on both axes (plotx.LinearTicks:
// "0.2", not gonum's "0.20" or "1.0").
func minkowskiPanels(vm *ValidationMetrics, tn, sn string) ([]*plot.Plot, error) {
	names := []string{"V0: area fraction above ν", "V1: boundary length / 4 (per pixel)", "V2: Euler characteristic (per pixel)"}
	row := make([]*plot.Plot, 3)
	for f := 0; f < 3; f++ {
		p := plot.New()
		p.Title.Text = names[f]
		p.X.Label.Text = fmt.Sprintf("threshold ν (in σ of the %s set, about its mean)", tn)
		p.Y.Label.Text = []string{"V0", "V1", "V2"}[f]
		p.X.Tick.Marker, p.Y.Tick.Marker = plotx.LinearTicks{}, plotx.LinearTicks{}
		if err := plotx.AddLines(p, true, tn+" (mean)", plotx.XY(vm.MFNu, vm.MFTarget[f], false), sn+" (mean)", plotx.XY(vm.MFNu, vm.MFSynth[f], false)); err != nil {
			return nil, err
		}
		if len(vm.MFStdErr) == 3 && len(vm.MFStdErr[f]) == len(vm.MFNu) {
			// the yardstick of a mean of K syntheses against a mean of N
			// targets: the standard error σ√(1/K + 1/N), not σ of one map
			lo, hi := mfBand(f, vm.MFTarget[f], vm.MFStdErr[f])
			if err := addBand(p, mfBandLabel(vm), plotx.XY(vm.MFNu, lo, false), plotx.XY(vm.MFNu, hi, false)); err != nil {
				return nil, err
			}
		}
		row[f] = p
	}
	return row, nil
}

// lossPoints returns the loss curve of successive L-BFGS runs (one run, or
// the epochs and stages of a separation) drawn one after the other: each
// run's starting loss (InitialLoss) at the iteration count reached before it
// (0 for the first run: the loss of the starting maps, which the commands'
// summaries print first) and then its loss after each iteration (History).
// A run without an iteration adds nothing; NaN starting losses (a run whose
// initial loss failed) are left out. runs counts the runs with iterations.
func lossPoints(results []*Result) (it, loss []float64, runs int) {
	off := 0
	for _, r := range results {
		if r == nil || len(r.History) == 0 {
			continue
		}
		runs++
		if !math.IsNaN(r.InitialLoss) {
			it = append(it, float64(off))
			loss = append(loss, r.InitialLoss)
		}
		for i, v := range r.History {
			it = append(it, float64(off+i+1))
			loss = append(loss, v)
		}
		off += len(r.History)
	}
	return it, loss, runs
}

// plotLoss draws loss.png from the results of successive L-BFGS runs
// (lossPoints) on a log axis: from the loss of the starting maps at
// iteration 0 to the last iteration's. note, when not "", is a second title
// line saying how to read it. It writes nothing when no run has an
// iteration.
func plotLoss(path string, results []*Result, note string) error {
	it, loss, runs := lossPoints(results)
	if runs == 0 {
		return nil
	}
	p := plot.New()
	p.Title.Text = "loss at the start (iteration 0) and after each L-BFGS iteration"
	if note != "" {
		p.Title.Text += "\n" + note
	}
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "loss"
	p.X.Tick.Marker = plotx.IntTicks{}
	if err := plotx.AddLines(p, false, "", plotx.XY(it, loss, true)); err != nil {
		return err
	}
	setLogScales(p, false, true)
	return plotx.Save(path, p, 6.5*vg.Inch, 4.5*vg.Inch)
}

// epochNote is the second title line of a separation's loss.png: what the
// curve strings together, from the runs drawn (lossPoints; epochs with
// iterations) and the stages run. A run of one epoch gets no word about
// epochs or jumps; why, when not "", says what changes at a new epoch.
func epochNote(runs, stages int, why string) string {
	if runs <= 1 {
		return "one L-BFGS run (1 epoch)"
	}
	s := fmt.Sprintf("%d epochs one after the other (a jump: a new epoch", runs)
	if stages > 1 {
		s = fmt.Sprintf("%d epochs of %d stages one after the other (a jump: a new stage or epoch", runs, stages)
	}
	if why != "" {
		s += ", " + why
	}
	return s + ")"
}

// mfBandLabel is the legend of minkowski.png's band: ±2 standard errors of
// the difference of the means, σ√(1/K + 1/N).
func mfBandLabel(vm *ValidationMetrics) string {
	return fmt.Sprintf("± 2 s.e. = 2σ√(1/K+1/N), K=%d, N=%d", vm.MFSyntheses, vm.MFTargets)
}
