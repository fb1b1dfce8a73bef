package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/stlayer"
)

// AmplitudeClasses are the coefficient classes that carry amplitudes (the
// power-spectrum-like coefficients): matched alone in the optional first
// stage of SeparateWithModels (ModelSepOptions.AmpSteps), as Auclair 2024's
// first stage uses [S11, L].
var AmplitudeClasses = map[string]bool{"mean": true, "var": true, "P00": true, "S1": true, "S11": true, "S00": true, "L": true, "PS": true, "S0": true}

// SepComponent is one component of a separation with learned models: a name
// for reports and its model (a ComponentModel of a ModelSet, or one made by
// NoiseComponent). SeparateWithModels uses CoeffMean and CoeffStd (the
// statistic terms), DataChi2 and DataChi2Amp (the discrepancy stop,
// TypicalChi2), PS, PSK, PSLogMean and PSLogStd (the Wiener start, the
// Gaussian prior, Init "wiener-cal" and the MinFraction masks) and
// PixelMoments (the start's map means).
type SepComponent struct {
	Name  string
	Model *ComponentModel
}

// NoiseComponent returns the model of Gaussian white noise of standard
// deviation sigma in the statistic of ms (window included): the mean and std
// of the statistic over n (≥ 2; default 32) noise patches of the patch size,
// with the flat spectrum σ², pixel moments (0, σ, 0, 0) and, as a cluster's
// ps_logmean and ps_logstd, the exact mean and std of log P per bin over
// noise patches: P/σ² is the mean of n_b/2 unit exponentials (n_b the
// bin's modes, in pairs ±k), so mean 2 log σ + ψ(n_b/2) − log(n_b/2) and
// std √ψ'(n_b/2) (ψ the digamma function).
func NoiseComponent(eng stlayer.Engine, ms *ModelSet, sigma float64, n int, seed uint64) (*ComponentModel, error) {
	if ms == nil || ms.Manifest == nil || eng == nil {
		return nil, inputErrorf("no models or no engine (nil)")
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, inputErrorf("noise level %g must be positive", sigma)
	}
	if n < 2 {
		n = 32
	}
	p := ms.Manifest.PatchSize
	op, err := ms.Op()
	if err != nil {
		return nil, err
	}
	maps := stlayer.NewMaps(n, p, p)
	rng := rand.New(rand.NewPCG(seed, 0x9015e))
	win := ms.Window()
	for b := 0; b < n; b++ {
		x := maps.Map(b)
		for i := range x {
			x[i] = sigma * rng.NormFloat64()
		}
		applyWindow(x, win)
	}
	co, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), maps, 0, nil)
	if err != nil {
		return nil, shapeAsInput(err)
	}
	cols := ms.Manifest.Features.Columns
	d := len(cols)
	feat := make([]float64, 0, n*d)
	for b := 0; b < n; b++ {
		row := co.Row(b)
		for _, c := range cols {
			if c.Part == "im" {
				feat = append(feat, imag(row[c.Coeff]))
			} else {
				feat = append(feat, real(row[c.Coeff]))
			}
		}
	}
	c := &ComponentModel{K: -1, Samples: feat, S: n}
	c.Mean, c.Std, _ = rowStats(feat, n, d, false)
	c.CoeffMean = featuresToCoeffs(cols, ms.Manifest.NCoeffs, c.Mean)
	c.CoeffStd = coeffStd(cols, ms.Manifest.NCoeffs, c.Std)
	amp := ms.amplitudeMask()
	for b := 0; b < n; b++ {
		x := featuresToCoeffs(cols, ms.Manifest.NCoeffs, feat[b*d:(b+1)*d])
		c.DataChi2 = append(c.DataChi2, c.Chi2(x, nil))
		c.DataChi2Amp = append(c.DataChi2Amp, c.Chi2(x, amp))
	}
	ps := IsoPowerSpectrum(maps.Map(0), p, p)
	c.PSK = ps.K
	c.PS = make([]float64, len(ps.P))
	c.PSLogMean = make([]float64, len(ps.P))
	c.PSLogStd = make([]float64, len(ps.P))
	for i := range c.PS {
		c.PS[i] = sigma * sigma
		// P of a bin is σ² times the mean of n exponential variables of mean
		// 1, n = count/2 (its modes come in Hermitian pairs k, −k of equal
		// power), so log P = 2 log σ + log(Γ_n/n), Γ_n ~ Gamma(n, 1):
		// mean 2 log σ + ψ(n) − log n, variance ψ'(n).
		n := max(1, ps.Count[i]/2)
		dg, tg := -0.5772156649015329, math.Pi*math.Pi/6 // ψ(1), ψ'(1)
		for j := 1; j < n; j++ {
			dg += 1 / float64(j)
			tg -= 1 / float64(j*j)
		}
		c.PSLogMean[i] = 2*math.Log(sigma) + dg - math.Log(float64(n))
		c.PSLogStd[i] = math.Sqrt(tg)
	}
	c.PixelMoments = [4]float64{0, sigma, 0, 0}
	return c, nil
}

// DefaultGaussPrior is the default weight of the Gaussian-field prior of
// SeparateWithModels (ModelSepOptions.GaussPrior).
const DefaultGaussPrior = 30.0

// ModelSepOptions configure SeparateWithModels. Zero values take the
// defaults stated per field.
type ModelSepOptions struct {
	// Weights[i] multiplies component i's term (nil or 0 entries: 1).
	Weights []float64
	// Positive[i] keeps component i ≥ 0 with the quadratic box penalty of
	// SepLoss (weight BoxWeight, default 1e3/var(d)). For the last component
	// (d − Σ U) this is the bound U ≤ d, available with two components only.
	Positive  []bool
	BoxWeight float64
	// Stride between the tiles of maps larger than the patch (default
	// patch/2; at most the patch size).
	Stride int
	// AmpSteps is the number of L-BFGS iterations of an optional first
	// stage that matches the amplitude coefficients only (AmplitudeClasses,
	// as Auclair 2024's first stage; default 0 or negative: no such stage);
	// Steps those of the (second) stage on all coefficients (default 300),
	// split into Epochs restarts (default 1). The amplitude stage traded the
	// few largest-scale Fourier modes between the components to fit the
	// models' mean amplitudes: on BenchmarkModelSeparationHeldOut (30
	// mixtures, Gaussian prior 30, Tau 1) 50 amplitude steps gave a mean worst-bin
	// r of 0.648/0.379 (dust/Quijote; Wiener start 0.631/0.667), none
	// 0.644/0.611, pixel correlations 0.639/0.884 and 0.636/0.890; on the
	// tests' tiny models and the demo it changed nothing (±0.002).
	AmpSteps, Steps, Epochs int
	// History is the L-BFGS memory (default 20).
	History int
	// Tau scales the discrepancy stop: a stage ends as soon as every
	// component's term (its χ², the mean of (ΔΦ/σ)² over the kept
	// coefficients and tiles) is at most Tau × the median χ² of that
	// component's own training patches (ComponentModel.TypicalChi2; amplitude
	// coefficients in the amplitude stage). Matching the model mean more
	// closely than a typical member of the process does only moves the maps
	// away from the data's own realisation (an "over-fit" of the mean). Default
	// 2; negative disables the stop (all steps run). On
	// BenchmarkModelSeparationHeldOut (30 held-out 64² mixtures, Gaussian
	// prior 30) the mean worst-bin r (dust/Quijote) is 0.645/0.673 with 2,
	// 0.644/0.611 with 1 and 0.641/0.575 without the stop (Wiener start
	// 0.631/0.667); 3, 5 and 10 give 0.644–0.638/0.672: past the level of a
	// typical patch the statistic terms trade the few largest-scale modes
	// of the Quijote component. On the tests' tiny models 2 gives a mean
	// pixel correlation of 0.798 against 0.805 with 1; the demo's mixture
	// stays above both levels (unchanged).
	Tau float64
	// StdFloor masks coefficients whose model σ is below StdFloor × max σ
	// (default 1e-9).
	StdFloor float64
	// Init is the starting point: "wiener" (default) gives each unknown the
	// Wiener share P_i(k)/Σ_j P_j(k) of the data's Fourier modes with the
	// clusters' mean spectra; "wiener-cal" calibrates those spectra on the
	// data first (calibratedSpectra: per half-octave bin, the most probable
	// log powers under the clusters' log-normal spread given that they sum to
	// the data's power; on six 64² dust ×10 + Quijote mixtures it did not beat
	// "wiener": pixel correlations 0.782/0.838 vs 0.799/0.835); "equal"
	// starts from U_i = d/C. The map mean is split by the models' pixel means.
	Init string
	// MinFraction masks, in each component's term, the coefficients that
	// involve a wavelet scale j (any of the label columns j1, j2, j3) at which
	// the component holds less than MinFraction of the data's power
	// (calibrated spectra, see calibratedSpectra, read at the wavelet's
	// central frequency 3/8·2^−j cycles per pixel, Cheng's Morlet): the
	// statistics of a component at scales where it is buried in the others
	// cannot be recovered, and matching them only makes up structure (the
	// role of the "mask of informative coefficients" of methods.md §3.8, by
	// another criterion than that mask's threshold on log |Φ| of
	// methods.md §1.2). Applied to
	// scattering-covariance statistics (scov, spectra); default 0.2
	// (negative: no mask). On six 64² mixtures of held-out dust I (×10) and
	// Quijote patches, 0.2 raised the dust's mean pixel correlation with the
	// truth from 0.747 (no mask) to 0.775.
	MinFraction float64
	// GaussPrior (default 30; negative: none) adds to the loss the
	// Gaussian-field prior of every component: λ·Σ_c G_c(x_c)
	// (GaussPriorOp) with the spectra of the Wiener start (the clusters'
	// mean spectra, or the calibrated ones with Init "wiener-cal") and
	// λ = GaussPrior·K/(T·C_Φ), K the Fourier modes of the map, T the tiles
	// and C_Φ all coefficients of the statistic: GaussPrior is the weight of
	// the prior per mode relative to that of the χ² per coefficient when a
	// term keeps every coefficient (a term that keeps C' of them, after the
	// MinFraction mask or in the amplitude stage, weighs each C_Φ/C' times
	// more). One λ for every component, so that the minimum of the prior is
	// the Wiener split; Σ G_c ≈ 1 per component for a typical realisation. The term lets the
	// statistics move the Fourier modes away from their Wiener shares where
	// they gain and holds back the few-mode largest scales, whose moves the
	// diagonal χ² of correlated amplitude coefficients over-rewards. In both
	// stages; the discrepancy stop looks at the statistic terms only (with
	// the prior they may stay above their levels: all steps then run).
	// Measured (README, "Per-component model format"), mean pixel
	// correlation with the truth, dust/Quijote or the two processes: 30
	// held-out 64² dust I (×10) + Quijote mixtures
	// (BenchmarkModelSeparationHeldOut, no amplitude stage) 0.625/0.882
	// without, 0.635/0.890 with 30 (Tau 2; Tau 1 0.624/0.882 and
	// 0.636/0.890; Wiener start 0.631/0.887; with 50 amplitude steps and
	// Tau 1 0.567/0.826 and 0.639/0.884); the tiny grf + filaments models
	// of the tests, mean of both, 0.745 without and 0.798 with 30 (Tau 2;
	// Tau 1 0.760 and 0.805); the demo's mixture 0.754/0.755 without,
	// 0.803/0.790 with 30.
	GaussPrior float64
	// Start, if non-nil, is the starting point instead of Init: C maps
	// [C, M, N] of the data's size (the last is not used: it is d minus the
	// others). Init is then not checked (stkit separate sets it to
	// "start"); the Gaussian prior takes the calibrated spectra when it is
	// "wiener-cal", else the clusters' mean spectra.
	Start *stlayer.Maps
	// Seed of the separation's random stream (the terms draw nothing; kept
	// for Separate).
	Seed uint64
	// Progress, if non-nil, is called after every L-BFGS iteration (Iter
	// counted over all stages).
	Progress func(Progress)
	// PatchPrior selects the use of the model folder's pixel patch priors
	// (ModelManifest.PatchPriors, ExportOptions.PatchPrior) for two learned
	// components: "auto" or "" (default), "only" when the folder has priors
	// for both components and no Start is given, else "off"; "only", the
	// estimate of SeparateWithPatchPriors is the result (no L-BFGS stage
	// runs; Parts are the terms at it); "start", the statistics' stages
	// start from that estimate (Start must be nil); "off", the statistics
	// alone (as before the priors). Besides the two learned components one
	// white-noise component (NoiseComponent) may be given: its σ² is the
	// patch-prior separation's PatchSepOptions.NoiseVar (PatchPriorUnusable
	// says why a set of components cannot use the priors). "only" and
	// "start" refuse components without a prior (a third learned
	// component, a folder exported without them). Measured on BenchmarkModelSeparationHeldOut (30 held-out 64²
	// dust + Quijote mixtures, priors fitted on each cluster's training
	// patches; mean worst-bin r dust/Quijote, then pixel correlation): "off"
	// 0.645/0.673, 0.635/0.890; "only" 0.775/0.802, 0.712/0.929 (6×6
	// priors, stride 1: the defaults; 8×8 at stride 2 0.760/0.785,
	// 0.708/0.924); "start" (8×8) 0.750/0.772, 0.698/0.914 (the statistics
	// move the patch-prior estimate away from the truth), hence "only" for
	// "auto".
	// PatchPriorStride is SeparateWithPatchPriors' stride (default
	// DefaultPatchSepStride, 1). PatchPriorProgress, if non-nil, follows
	// the patch-prior estimate (PatchSepOptions.Progress: data patches
	// done of their total).
	PatchPrior         string
	PatchPriorStride   int
	PatchPriorProgress func(done, total int)
	// FeatureFilter: "auto" or "" (default), the patch-prior estimate
	// (PatchPrior "only", or "auto" when it runs the patch prior alone) of
	// two learned components without a noise component is refined by the
	// folder's FeatureFilter for the pair when it has one
	// (ModelSet.FeatureFilterFor; Method MethodPatchPriorFilter); "off",
	// never. BenchmarkModelSeparationHeldOut (STKIT_MODELSEP_FILTER=1, the
	// default filter options): mean worst-bin r 0.808/0.805, pixel
	// correlation 0.748/0.938, against 0.775/0.802 and 0.712/0.929 with
	// the patch prior alone (seed 7's 30 mixtures; over 180 mixtures of
	// seeds 7–12: 0.760/0.778 against 0.725/0.762,
	// docs/experiments/research23_robust.go).
	FeatureFilter string
}

// Methods of ModelSepResult.Method.
const (
	MethodStatistics           = "statistics"
	MethodPatchPrior           = "patch prior"
	MethodPatchPriorStatistics = "patch prior + statistics"
	MethodPatchPriorFilter     = "patch prior + feature filter"
)

// ModelSepResult is the outcome of SeparateWithModels.
type ModelSepResult struct {
	// Components [C, M, N] in the order given; their sum is the data.
	Components *stlayer.Maps
	// Init [C, M, N] is the starting point.
	Init *stlayer.Maps
	// Epochs holds the L-BFGS result of every epoch of every stage.
	Epochs []*Result
	// Terms and Parts: the final value of each component's term (all
	// coefficients but those MinFraction masks; w_c × the mean of (ΔΦ/σ)²
	// over the kept coefficients and tiles, w_c its ModelSepOptions.Weights
	// entry; the Gaussian prior and the box penalty left out).
	Terms []string
	Parts []float64
	// Tiles per map (1 at patch size).
	Tiles int
	// StopLevels[c] is the χ² level of component c's discrepancy stop (full
	// coefficients). StoppedEarly has one entry per stage run, in order (the
	// amplitude stage first only when AmpSteps > 0, then the full stage; a
	// stage an error kept from running has none): whether it ended on the
	// stop.
	StopLevels   []float64
	StoppedEarly []bool
	// StageEnds says, per stage run (as StoppedEarly), how it ended:
	// "discrepancy stop" (every term at most its stop level), "converged"
	// (L-BFGS stopped on its own test before the iteration cap: gonum's
	// FunctionConvergence and the like), "iteration limit" (all its
	// iterations ran), "interrupted" (the context was cancelled) or
	// "error" (divergence or another error).
	StageEnds []string
	// TypicalLevels[c] is w_c × the median χ² of component c's model over its
	// training patches (ComponentModel.TypicalChi2, full coefficients): the
	// level a real realisation of the model reaches; StopLevels[c] is
	// Tau × TypicalLevels[c].
	TypicalLevels []float64
	// InitParts are Parts at the starting point.
	InitParts []float64
	// PriorStart and PriorEnd hold, per component, the value of its
	// Gaussian-field prior term in the loss (GaussPrior; λ × the prior's
	// value, λ = GaussPrior·K/(T·C_Φ)) at the start and at the end; nil
	// without the prior. The loss of loss.png is Σ Parts + Σ Prior (+ the
	// box penalty with Positive).
	PriorStart, PriorEnd []float64
	// KeptCoeffs[c] is the number of coefficients component c's term
	// keeps (σ > StdFloor·max σ and not masked by MinFraction), ModelCoeffs[c]
	// the number it would keep without the MinFraction mask: a component the
	// mask leaves few coefficients is hardly constrained by its model
	// (MaskWarnings).
	KeptCoeffs, ModelCoeffs []int
	// TermHistory holds, after each L-BFGS iteration (counted over all
	// stages, as Progress's Iter), the values of the running stage's terms:
	// component c's statistic term at c (its amplitude term in the
	// amplitude stage), its Gaussian-field prior at C + c when GaussPrior,
	// then the box penalty with Positive (PlotModelSepTerms draws them).
	TermHistory [][]float64
	Elapsed     time.Duration
	// Method is the method that ran: MethodStatistics, MethodPatchPrior,
	// MethodPatchPriorFilter or MethodPatchPriorStatistics
	// (ModelSepOptions.PatchPrior, FeatureFilter).
	Method string
}

// SeparateWithModels separates one M×N map d (M, N ≥ patch size) into the
// given components (2 or 3), each described by a learned model (mean μ_c and
// std σ_c of the statistic Φ of the models on patch-size maps). The unknowns
// are the first C − 1 components U_0…U_{C−2}; the last is d − Σ U. The loss
// is the separation framework's (SepLoss, SepTerm, Expr, Separate):
//
//	ℒ(U) = Σ_c w_c · (1/(T K'_c)) Σ_tiles Σ_k |Φ_k(w(x_c[tile])) − μ_c,k|² / σ_c,k²
//
// with x_c = U_c (Expr coefficient 1) or x_{C−1} = d − Σ U (Expr coefficients
// −1, offset d), T tiles per map (TileOp; 1 at patch size), w the training
// window, K'_c the coefficients kept (σ > StdFloor·max σ), plus the optional
// positivity penalty and the Gaussian-field prior (GaussPrior). An optional
// stage 1 (AmpSteps > 0) uses the amplitude coefficients only, stage 2
// (Steps) all of them; each stage ends early on the
// discrepancy stop (ModelSepOptions.Tau). On cancellation or divergence the
// best maps so far are returned with the error.
//
// With models of a non-periodic statistic (stats.Spec Pad "crop") and a
// data map cut from the sky, the Wiener start and the Gaussian-field prior
// stay periodic (the whole map's DFT, the clusters' periodic spectra), on
// purpose. Measured on 32² cuts of 128² fields P ∝ k⁻³ plus white noise
// (σ half the field's; scov J = 3 crop models and NoiseComponent, 4 maps,
// 60 steps): the field's error rms is 0.331 inside [c, M−c)² and 0.401 on
// the border at the Wiener start, 0.209 and 0.307 at the end. A Wiener
// start on the mirror-extended 2M×2N data (no border jump) cut the start's
// border error to 0.349 but the prior pulled it back (0.210, 0.306 at the
// end); without the prior the border kept its start (0.402), so a
// Hann-apodised prior, which leaves the border out, would not constrain it
// either. The interior axis/off-axis power (b6241d1's streak measure) of the
// field was 1.23 at the start and the end (truth 0.78).
//
// With models of periodic components (ModelManifest.Window "moisan") the
// tiles enter as cut, on purpose, unlike SampleComponent's, which enter as
// their periodic components (NewPeriodicTileOp). Tried on 32² moisan models
// of two Gaussian fields (P ∝ k⁻³ and k⁻¹·⁵, 12 epochs) and eight 64²
// mixtures cut from 256² fields (100 steps, Tau −1): periodic tiles (and
// the noise model of NoiseComponent on periodic patches) gave a mean
// worst-bin r of 0.569/0.511 (k⁻³/k⁻¹·⁵) against 0.555/0.607 as cut, pixel
// correlations 0.671/0.854 against 0.689/0.861; with the default Tau the
// stop came after one step either way (±0.002).
//
// Input errors (ErrModelInput): other than 2 or 3 components, data that is
// not one finite map at least the patch size, nil models or engine, a
// component without a finite model of the statistic (CoeffMean, CoeffStd ≥
// 0, PS and PSK of one length, PixelMoments) or none of whose coefficients
// has σ > StdFloor·max σ, Weights or Positive of another length than the components,
// a negative or non-finite weight, NaN or infinite Tau, StdFloor,
// MinFraction, BoxWeight or GaussPrior, a Stride larger than the patch, a
// Start that is not C finite maps of the data's size, an unknown Init
// without a Start (with one, Init is a label: only "wiener-cal" changes
// the prior's spectra),
// positivity of the last of three components, and positivity with the
// default box weight on a constant data map.
func SeparateWithModels(ctx context.Context, eng stlayer.Engine, ms *ModelSet, data *stlayer.Maps, comps []SepComponent, opt ModelSepOptions) (*ModelSepResult, error) {
	start := time.Now()
	nc := len(comps)
	if nc < 2 || nc > 3 {
		return nil, inputErrorf("separation needs 2 or 3 components, got %d", nc)
	}
	if data == nil || data.B != 1 {
		return nil, inputErrorf("separation needs one data map")
	}
	if err := checkMaps("data", data, 1); err != nil {
		return nil, err
	}
	if ms == nil || ms.Manifest == nil || eng == nil {
		return nil, inputErrorf("no models or no engine (nil)")
	}
	p := ms.Manifest.PatchSize
	if data.M < p || data.N < p {
		return nil, inputErrorf("data map %d×%d is smaller than the models' patch size %d", data.M, data.N, p)
	}
	for _, v := range data.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, inputErrorf("data map has non-finite pixels")
		}
	}
	for i, c := range comps {
		if c.Model == nil || len(c.Model.CoeffMean) != ms.Manifest.NCoeffs || len(c.Model.CoeffStd) != ms.Manifest.NCoeffs {
			return nil, inputErrorf("component %d (%s) has no model of this statistic", i, c.Name)
		}
		if err := checkSepModel(c.Model); err != nil {
			return nil, inputErrorf("component %d (%s): %w", i, c.Name, err)
		}
	}
	if opt.Weights != nil && len(opt.Weights) != nc {
		return nil, inputErrorf("%d weights for %d components", len(opt.Weights), nc)
	}
	for i, w := range opt.Weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, inputErrorf("weight %v of component %d (%s): want a finite value ≥ 0 (0: 1)", w, i, comps[i].Name)
		}
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"Tau", opt.Tau}, {"std floor", opt.StdFloor}, {"minimum power fraction", opt.MinFraction}, {"box weight", opt.BoxWeight}, {"Gaussian prior weight", opt.GaussPrior}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return nil, inputErrorf("separation: %s %v: want a finite value", v.name, v.v)
		}
	}
	if opt.Positive != nil && len(opt.Positive) != nc {
		return nil, inputErrorf("%d positivity flags for %d components", len(opt.Positive), nc)
	}
	if opt.Steps <= 0 {
		opt.Steps = 300
	}
	if opt.Epochs <= 0 {
		opt.Epochs = 1
	}
	if opt.StdFloor <= 0 {
		opt.StdFloor = 1e-9
	}
	if opt.Tau == 0 {
		opt.Tau = 2
	}
	if opt.GaussPrior == 0 {
		opt.GaussPrior = DefaultGaussPrior
	}
	for i, c := range comps {
		if !slices.ContainsFunc(modelWeights(c.Model.CoeffStd, opt.StdFloor, nil), func(v float64) bool { return v > 0 }) {
			return nil, inputErrorf("component %d (%s): no coefficient has a std above %g × the largest (every one would be masked: its term would be 0)", i, c.Name, opt.StdFloor)
		}
	}
	method, err := modelSepPatchPrior(ctx, ms, data, comps, &opt)
	if err != nil {
		return nil, err
	}
	base, err := ms.Op()
	if err != nil {
		return nil, err
	}
	window := ms.Window()
	top, err := NewTileOp(base, data.M, data.N, p, opt.Stride, window)
	if err != nil {
		return nil, err
	}
	var op StatOp = top
	if top.Tiles() == 1 && window == nil {
		op = base
	}
	T := top.Tiles()
	amp := ms.amplitudeMask()
	n := nc - 1
	tile := func(v []complex128) []complex128 {
		out := make([]complex128, 0, T*len(v))
		for t := 0; t < T; t++ {
			out = append(out, v...)
		}
		return out
	}
	tileW := func(w []float64, s float64) []float64 {
		out := make([]float64, 0, T*len(w))
		for t := 0; t < T; t++ {
			for _, v := range w {
				out = append(out, v*s/float64(T))
			}
		}
		return out
	}
	if opt.MinFraction == 0 {
		opt.MinFraction = 0.2
	}
	var masks [][]bool
	if opt.MinFraction > 0 && (ms.Manifest.Spec.Kind == "scov" || ms.Manifest.Spec.Kind == "spectra") {
		masks = informativeMasks(ms, data, comps, opt.MinFraction)
	}
	loss := &SepLoss{Engine: eng}
	var full, ampIdx []int
	var keptN, modelN []int
	for i, c := range comps {
		var keep []bool
		if masks != nil {
			keep = masks[i]
		}
		keptN = append(keptN, countPositive(modelWeights(c.Model.CoeffStd, opt.StdFloor, keep)))
		modelN = append(modelN, countPositive(modelWeights(c.Model.CoeffStd, opt.StdFloor, nil)))
	}
	for pass := 0; pass < 2; pass++ {
		for i, c := range comps {
			e := componentExpr(i, n, data)
			wgt := 1.0
			if opt.Weights != nil && opt.Weights[i] != 0 {
				wgt = opt.Weights[i]
			}
			var keep []bool
			if masks != nil {
				keep = masks[i]
			}
			name := c.Name
			if pass == 1 {
				k2 := make([]bool, len(amp))
				for j := range k2 {
					k2[j] = amp[j] && (keep == nil || keep[j])
				}
				keep = k2
				name += " (amplitudes)"
			}
			t := &SepTerm{Name: name, Op: op, Expr: e, Target: tile(c.Model.CoeffMean),
				Weight: tileW(modelWeights(c.Model.CoeffStd, opt.StdFloor, keep), wgt), Scale: 1}
			if pass == 0 {
				full = append(full, len(loss.Terms))
			} else {
				ampIdx = append(ampIdx, len(loss.Terms))
			}
			loss.Terms = append(loss.Terms, t)
		}
	}
	// The Wiener start's spectra, for the start and the prior (with a Start
	// or Init "equal" the prior takes the clusters' mean spectra).
	var grids [][]float64
	if opt.GaussPrior > 0 || opt.Start == nil {
		grids = startSpectra(opt.Init == "wiener-cal", ms, data, comps)
	}
	var prior []int
	if opt.GaussPrior > 0 {
		for i, c := range comps {
			e := componentExpr(i, n, data)
			gop, err := NewGaussPriorOp(grids[i], data.M, data.N)
			if err != nil {
				return nil, fmt.Errorf("component %d (%s): %w", i, c.Name, err)
			}
			// One weight for every component (unequal ones would move the
			// minimum of Σ G_c off the Wiener split), in units of K/(T·C_Φ):
			// the modes per statistic coefficient.
			lambda := opt.GaussPrior * float64(gop.Modes()) / float64(T*ms.Manifest.NCoeffs)
			prior = append(prior, len(loss.Terms))
			loss.Terms = append(loss.Terms, &SepTerm{Name: c.Name + " (Gaussian prior)", Op: gop, Expr: e,
				Target: []complex128{0}, Weight: []float64{lambda}, Scale: 1})
		}
	}
	mn := data.M * data.N
	if opt.Positive != nil && slices.Contains(opt.Positive, true) {
		_, sd, _, _ := Moments(data.Data)
		loss.BoxWeight = opt.BoxWeight
		if loss.BoxWeight <= 0 {
			if !(sd > 0) || math.IsInf(sd, 0) {
				return nil, inputErrorf("positivity: the default weight 1e3/var(d) needs a data map that varies (pixel std %g); give BoxWeight", sd)
			}
			loss.BoxWeight = 1e3 / (sd * sd)
		}
		for i, pos := range opt.Positive {
			if !pos {
				continue
			}
			if i < n {
				if loss.BoxLo == nil {
					loss.BoxLo = stlayer.NewMaps(n, data.M, data.N)
					for j := range loss.BoxLo.Data {
						loss.BoxLo.Data[j] = math.Inf(-1)
					}
				}
				for j := 0; j < mn; j++ {
					loss.BoxLo.Data[i*mn+j] = 0
				}
			} else {
				if n != 1 {
					return nil, inputErrorf("positivity of the last component (%s) needs exactly two components", c2name(comps, i))
				}
				loss.BoxHi = &stlayer.Maps{B: 1, M: data.M, N: data.N, Data: append([]float64(nil), data.Data...)}
			}
		}
	}
	var u0 *stlayer.Maps
	if opt.Start != nil {
		st := opt.Start
		if err := checkFiniteMaps("start", st, nc); err != nil {
			return nil, err
		}
		if st.M != data.M || st.N != data.N {
			return nil, inputErrorf("start: maps of %d×%d for data of %d×%d", st.M, st.N, data.M, data.N)
		}
		u0 = &stlayer.Maps{B: n, M: data.M, N: data.N, Data: slices.Clone(st.Data[:n*mn])}
	} else if u0, err = sepInit(opt.Init, data, comps, grids); err != nil {
		return nil, err
	}
	type stageRun struct {
		st     Stage
		levels []float64
	}
	var stages []stageRun
	fullLv, ampLv := make([]float64, nc), make([]float64, nc)
	for i, c := range comps {
		w := 1.0
		if opt.Weights != nil && opt.Weights[i] != 0 {
			w = opt.Weights[i]
		}
		fullLv[i] = opt.Tau * w * c.Model.TypicalChi2(false)
		ampLv[i] = opt.Tau * w * c.Model.TypicalChi2(true)
	}
	if opt.AmpSteps > 0 {
		stages = append(stages, stageRun{Stage{Terms: append(slices.Clone(ampIdx), prior...), Steps: opt.AmpSteps, Epochs: 1}, ampLv})
	}
	stages = append(stages, stageRun{Stage{Terms: append(slices.Clone(full), prior...), Steps: opt.Steps, Epochs: opt.Epochs}, fullLv})
	if method == MethodPatchPrior || method == MethodPatchPriorFilter {
		stages = nil
	}
	typLv := make([]float64, nc)
	for i := range typLv {
		if opt.Tau != 0 {
			typLv[i] = fullLv[i] / opt.Tau
		}
	}
	res := &ModelSepResult{Tiles: T, StopLevels: fullLv, TypicalLevels: typLv, KeptCoeffs: keptN, ModelCoeffs: modelN, Method: method}
	u := u0
	var serr error
	done := 0
	for _, sr := range stages {
		sctx, cancel := context.WithCancel(ctx)
		stopped := false
		off := done
		cfg := SepConfig{SynthConfig: SynthConfig{History: opt.History, Progress: func(pr Progress) {
			done = off + pr.Iter
			res.TermHistory = append(res.TermHistory, slices.Clone(pr.Parts))
			if opt.Tau > 0 && len(pr.Parts) >= nc {
				ok := true
				for i := 0; i < nc; i++ {
					ok = ok && pr.Parts[i] <= sr.levels[i]
				}
				if ok && !stopped {
					stopped = true
					cancel()
				}
			}
			if opt.Progress != nil {
				pr.Iter += off
				opt.Progress(pr)
			}
		}}}
		var ep []*Result
		u, ep, serr = Separate(sctx, loss, u, []Stage{sr.st}, opt.Seed, cfg)
		cancel()
		res.Epochs = append(res.Epochs, ep...)
		res.StoppedEarly = append(res.StoppedEarly, stopped)
		if serr != nil && stopped && ctx.Err() == nil && errors.Is(serr, context.Canceled) {
			serr = nil
		}
		res.StageEnds = append(res.StageEnds, stageEnd(stopped, serr, ep))
		if serr != nil {
			break
		}
	}
	res.Components = assembleComponents(u, data)
	res.Init = assembleComponents(u0, data)
	// final value of each full term
	all := loss.Terms
	loss.Terms = nil
	for _, i := range full {
		loss.Terms = append(loss.Terms, all[i])
		res.Terms = append(res.Terms, all[i].Name)
	}
	bl, bh := loss.BoxLo, loss.BoxHi
	loss.BoxLo, loss.BoxHi = nil, nil
	if _, parts, _, err := loss.Eval(u); err == nil {
		res.Parts = parts
	}
	if _, parts, _, err := loss.Eval(u0); err == nil {
		res.InitParts = parts
	}
	if len(prior) > 0 {
		loss.Terms = nil
		for _, i := range prior {
			loss.Terms = append(loss.Terms, all[i])
		}
		if _, parts, _, err := loss.Eval(u0); err == nil {
			res.PriorStart = parts
		}
		if _, parts, _, err := loss.Eval(u); err == nil {
			res.PriorEnd = parts
		}
	}
	loss.Terms, loss.BoxLo, loss.BoxHi = all, bl, bh
	res.Elapsed = time.Since(start)
	return res, serr
}

// stageEnd says how a stage of SeparateWithModels ended
// (ModelSepResult.StageEnds) from whether the discrepancy stop cancelled
// it, the error it returned (after that stop's cancellation is cleared) and
// its epochs' L-BFGS results: the last epoch's Status "IterationLimit" is
// "iteration limit", any other gonum status "converged".
func stageEnd(stopped bool, err error, ep []*Result) string {
	switch {
	case stopped && err == nil:
		return "discrepancy stop"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case err != nil:
		return "error"
	}
	if len(ep) == 0 || ep[len(ep)-1] == nil {
		return "iteration limit"
	}
	switch ep[len(ep)-1].Status {
	case "IterationLimit", "":
		return "iteration limit"
	case "interrupted":
		return "interrupted"
	case "diverged":
		return "error"
	}
	return "converged"
}

// ModelSepLossNote is the line of loss.png (and of stkit separate's
// summary) that splits the loss of a learned-model separation into its
// statistic terms (Σ Parts) and the Gaussian-field prior (Σ PriorStart →
// Σ PriorEnd), start → end: with the default prior the loss is mostly the
// prior, whose value changes little, so the curve's range says little of
// the terms. "" without the prior.
func ModelSepLossNote(res *ModelSepResult) string {
	if res == nil || len(res.PriorEnd) == 0 {
		return ""
	}
	sum := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s
	}
	return fmt.Sprintf("loss = statistic terms %.4g → %.4g + Gaussian-field prior %.4g → %.4g (start → end)",
		sum(res.InitParts), sum(res.Parts), sum(res.PriorStart), sum(res.PriorEnd))
}

// PlotModelSepLoss draws loss.png of a learned-model separation at path
// with a title that splits the loss (ModelSepLossNote) and says how the
// curve strings epochs and stages together; nothing when no epoch made an
// iteration.
func PlotModelSepLoss(path string, res *ModelSepResult) error {
	if res == nil {
		return inputErrorf("separation loss plot: no result (nil)")
	}
	_, _, runs := lossPoints(res.Epochs)
	note := epochNote(runs, len(res.StoppedEarly), "")
	if s := ModelSepLossNote(res); s != "" {
		note += "\n" + s
	}
	return plotLoss(path, res.Epochs, note)
}

func c2name(comps []SepComponent, i int) string { return comps[i].Name }

// componentExpr is component i of a separation with n unknowns: U_i for
// i < n, the data minus Σ U for i = n.
func componentExpr(i, n int, data *stlayer.Maps) Expr {
	row := make([]float64, n)
	e := Expr{Coef: [][]float64{row}}
	if i < n {
		row[i] = 1
		return e
	}
	for j := range row {
		row[j] = -1
	}
	e.Offset = data
	return e
}

// checkSepModel refuses a component model whose values SeparateWithModels
// uses are not finite or not consistent.
func checkSepModel(c *ComponentModel) error {
	for i, v := range c.CoeffMean {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) {
			return fmt.Errorf("model mean of coefficient %d is %v", i, v)
		}
	}
	for i, v := range c.CoeffStd {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("model std of coefficient %d is %v, want a finite value ≥ 0", i, v)
		}
	}
	if len(c.PS) != len(c.PSK) || (c.PSLogMean != nil && len(c.PSLogMean) != len(c.PS)) || (c.PSLogStd != nil && len(c.PSLogStd) != len(c.PS)) {
		return fmt.Errorf("spectrum of %d bins with %d mean |k|, %d log means and %d log stds", len(c.PS), len(c.PSK), len(c.PSLogMean), len(c.PSLogStd))
	}
	for _, a := range [][]float64{c.PS, c.PSK, c.PSLogMean, c.PSLogStd, c.PixelMoments[:]} {
		for _, v := range a {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("spectrum or pixel moments hold %v", v)
			}
		}
	}
	return nil
}

// assembleComponents returns [U_0, …, U_{n−1}, d − Σ U].
func assembleComponents(u, d *stlayer.Maps) *stlayer.Maps {
	n := u.B
	mn := d.M * d.N
	out := stlayer.NewMaps(n+1, d.M, d.N)
	copy(out.Data, u.Data)
	last := out.Map(n)
	copy(last, d.Data)
	for i := 0; i < n; i++ {
		ui := u.Data[i*mn : (i+1)*mn]
		for j := range last {
			last[j] -= ui[j]
		}
	}
	return out
}

// sepInit builds the starting unknowns (see ModelSepOptions.Init); grids
// are the components' spectra of the Wiener starts (startSpectra).
func sepInit(kind string, d *stlayer.Maps, comps []SepComponent, grids [][]float64) (*stlayer.Maps, error) {
	nc := len(comps)
	n := nc - 1
	m, nn := d.M, d.N
	u := stlayer.NewMaps(n, m, nn)
	switch kind {
	case "equal":
		for i := 0; i < n; i++ {
			for j, v := range d.Data {
				u.Data[i*m*nn+j] = v / float64(nc)
			}
		}
		return u, nil
	case "", "wiener", "wiener-cal":
	default:
		return nil, inputErrorf("unknown separation start %q (want wiener, wiener-cal or equal)", kind)
	}
	dm, _, _, _ := Moments(d.Data)
	pmSum := 0.0
	for _, c := range comps {
		pmSum += c.Model.PixelMoments[0]
	}
	f := fft2(d.Data, m, nn)
	for i := 0; i < n; i++ {
		g := make([]complex128, len(f))
		for j := range f {
			if j == 0 {
				continue
			}
			tot := 0.0
			for c := range comps {
				tot += grids[c][j]
			}
			if tot > 0 {
				g[j] = f[j] * complex(grids[i][j]/tot, 0)
			} else {
				g[j] = f[j] / complex(float64(nc), 0)
			}
		}
		x := ifft2Real(g, m, nn)
		mu := comps[i].Model.PixelMoments[0] + (dm-pmSum)/float64(nc)
		for j := range x {
			u.Data[i*m*nn+j] = x[j] + mu
		}
	}
	return u, nil
}

// startSpectra returns each component's power spectrum on the DFT grid of d
// as the Wiener start uses it (see ModelSepOptions.Init): the clusters' mean
// spectra (spectrumGrid), or calibrated on d (calibratedSpectra, Init
// "wiener-cal").
func startSpectra(calibrated bool, ms *ModelSet, d *stlayer.Maps, comps []SepComponent) [][]float64 {
	p := ms.Manifest.PatchSize
	if calibrated {
		return calibratedSpectra(d, comps, p)
	}
	grids := make([][]float64, len(comps))
	for i, c := range comps {
		grids[i] = spectrumGrid(c.Model.PSK, c.Model.PS, p, d.M, d.N)
	}
	return grids
}

// calibratedSpectra returns, for each component, its power spectrum on the
// m×n DFT grid of d, calibrated on the data: in every half-octave bin b of
// d (IsoPowerSpectrum's bins of physical frequency, psBins), the log
// powers u_c are the most probable under the clusters' log-normal spread
// of patch spectra (mean ps_logmean, std ps_logstd, interpolated in log k
// from the patch bins) subject to
// Σ_c e^{u_c} = P_d,b:
//
//	min_u Σ_c (u_c − μ_c,b)²/σ_c,b² + ρ (log Σ_c e^{u_c} − log P_d,b)²
//
// (ρ = 10⁴ max_c 1/σ², Newton with backtracking: solveSpectrumShares). A
// component whose spectrum is tight
// (small σ) keeps its model power and the others take the rest. Every mode
// but k = 0 (which is 0) takes the power of its bin, the modes at or beyond
// min(M, N)/2 (in no bin) that of the last bin. On a non-square map the
// long axis' frequencies below 1 cycle per min(M, N) pixels are in bins of
// their own (see PowerSpectrum), calibrated on the data's power there like
// the others, not given the power of the bin [1, √2).
func calibratedSpectra(d *stlayer.Maps, comps []SepComponent, p int) [][]float64 {
	m, n := d.M, d.N
	pd, pb := calibratedBins(d, comps, p)
	nb := len(pd.P)
	nc := len(comps)
	grids := make([][]float64, nc)
	for c := range grids {
		grids[c] = make([]float64, m*n)
	}
	if nb == 0 {
		return grids
	}
	_, bin, _ := psBins(m, n)
	for q, b := range bin {
		if q == 0 {
			continue
		}
		if b < 0 {
			b = nb - 1 // |k| ≥ min(M, N)/2: the last bin's power
		}
		for c := range grids {
			grids[c][q] = pb[c][b]
		}
	}
	return grids
}

// calibratedBins returns the data's binned spectrum and, per component, the
// calibrated power of every bin (see calibratedSpectra).
func calibratedBins(d *stlayer.Maps, comps []SepComponent, p int) (*PowerSpectrum, [][]float64) {
	m, n := d.M, d.N
	// Bins of physical frequency (cycles per min(M, N) pixels, see
	// PowerSpectrum): the models' spectra are read at K/min(M, N).
	pd := IsoPowerSpectrum(d.Data, m, n)
	nb := len(pd.P)
	nc := len(comps)
	pb := make([][]float64, nc)
	for c := range pb {
		pb[c] = make([]float64, nb)
	}
	for b := 0; b < nb; b++ {
		f := pd.K[b] / float64(min(m, n))
		mu := make([]float64, nc)
		w := make([]float64, nc)
		for c, comp := range comps {
			k := make([]float64, len(comp.Model.PSK))
			for i, v := range comp.Model.PSK {
				k[i] = v / float64(p)
			}
			mu[c] = interpLog(k, comp.Model.PSLogMean, f)
			sd := 1.0
			if len(comp.Model.PSLogStd) == len(k) {
				sd = math.Max(interpLog(k, comp.Model.PSLogStd, f), 1e-3)
			}
			w[c] = 1 / (sd * sd)
		}
		target := math.Log(math.Max(pd.P[b], 1e-300))
		u := solveSpectrumShares(mu, w, target)
		for c := range u {
			pb[c][b] = math.Exp(u[c])
		}
	}
	return pd, pb
}

// interpLog interpolates y (given at frequencies x, increasing) linearly in
// log x at f, constant beyond the ends; non-finite y are skipped.
func interpLog(x, y []float64, f float64) float64 {
	var lx, ly []float64
	for i := range x {
		if x[i] > 0 && !math.IsNaN(y[i]) && !math.IsInf(y[i], 0) {
			lx = append(lx, math.Log(x[i]))
			ly = append(ly, y[i])
		}
	}
	if len(lx) == 0 {
		return 0
	}
	if f <= 0 {
		return ly[0]
	}
	l := math.Log(f)
	if l <= lx[0] {
		return ly[0]
	}
	if l >= lx[len(lx)-1] {
		return ly[len(ly)-1]
	}
	i := sort.SearchFloat64s(lx, l)
	t := (l - lx[i-1]) / (lx[i] - lx[i-1])
	return ly[i-1] + t*(ly[i]-ly[i-1])
}

// solveSpectrumShares minimises F(u) = Σ_c w_c (u_c − μ_c)² + ρ (log Σ
// e^{u_c} − target)² (see calibratedSpectra) by Newton's method with the full
// Hessian and backtracking, from the point on the constraint obtained by
// shifting every μ_c equally. At the minimum w_c (u_c − μ_c)/e^{u_c} is the
// same for every c (the Lagrange condition of the constrained problem).
func solveSpectrumShares(mu, w []float64, target float64) []float64 {
	nc := len(mu)
	rho := 0.0
	for _, v := range w {
		rho = math.Max(rho, 1e4*v)
	}
	lse := func(u []float64) (float64, []float64) {
		mx := u[0]
		for _, v := range u {
			mx = math.Max(mx, v)
		}
		s := 0.0
		for _, v := range u {
			s += math.Exp(v - mx)
		}
		sm := make([]float64, len(u))
		for i, v := range u {
			sm[i] = math.Exp(v-mx) / s
		}
		return mx + math.Log(s), sm
	}
	obj := func(u []float64) float64 {
		l, _ := lse(u)
		f := rho * (l - target) * (l - target)
		for c := range u {
			f += w[c] * (u[c] - mu[c]) * (u[c] - mu[c])
		}
		return f
	}
	u := append([]float64(nil), mu...)
	l0, _ := lse(u)
	for c := range u {
		u[c] += target - l0
	}
	for it := 0; it < 100; it++ {
		l, sm := lse(u)
		r := l - target
		h := mat.NewDense(nc, nc, nil)
		g := mat.NewVecDense(nc, nil)
		for i := 0; i < nc; i++ {
			for j := 0; j < nc; j++ {
				v := 2 * rho * sm[i] * sm[j] * (1 - r)
				if i == j {
					v += 2*w[i] + 2*rho*r*sm[i]
				}
				h.Set(i, j, v)
			}
			g.SetVec(i, -(2*w[i]*(u[i]-mu[i]) + 2*rho*r*sm[i]))
		}
		var delta mat.VecDense
		if err := delta.SolveVec(h, g); err != nil {
			break
		}
		// Newton direction when it descends, else the gradient direction.
		if mat.Dot(&delta, g) <= 0 {
			delta.CloneFromVec(g)
			delta.ScaleVec(1/(2*rho+2*w[0]), &delta)
		}
		f0 := obj(u)
		step := 1.0
		next := make([]float64, nc)
		for ; step > 1e-12; step /= 2 {
			for c := range u {
				next[c] = u[c] + step*delta.AtVec(c)
			}
			if obj(next) <= f0 {
				break
			}
		}
		mx := 0.0
		for c := range u {
			mx = math.Max(mx, math.Abs(next[c]-u[c]))
		}
		copy(u, next)
		if mx < 1e-12 {
			break
		}
	}
	return u
}

// informativeMasks returns, per component, the coefficients kept by
// ModelSepOptions.MinFraction.
func informativeMasks(ms *ModelSet, d *stlayer.Maps, comps []SepComponent, minFrac float64) [][]bool {
	pd, pb := calibratedBins(d, comps, ms.Manifest.PatchSize)
	lab := ms.Labels()
	size := float64(min(d.M, d.N))
	out := make([][]bool, len(comps))
	for c := range comps {
		frac := make([]float64, len(pd.P))
		for b := range frac {
			tot := 0.0
			for cc := range comps {
				tot += pb[cc][b]
			}
			frac[b] = pb[c][b] / math.Max(tot, 1e-300)
		}
		ok := make([]bool, ms.Manifest.Spec.J)
		for j := range ok {
			ok[j] = interpLog(pd.K, frac, 3.0/8*math.Exp2(-float64(j))*size) >= minFrac
		}
		keep := make([]bool, lab.Len())
		for i := range keep {
			keep[i] = true
			for _, col := range []string{"j1", "j2", "j3"} {
				if j := lab.Get(i, col); j >= 0 && j < len(ok) && !ok[j] {
					keep[i] = false
				}
			}
		}
		out[c] = keep
	}
	return out
}
