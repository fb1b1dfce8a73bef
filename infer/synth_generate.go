package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// GenerateConfig configures Generate: the loss (which terms, which weights),
// the starting maps and the optimiser.
//
// The zero value (apart from K and Seed) is PresetCheng's configuration:
// white-noise start, the statistic term alone with WeightMean, 300
// iterations, one L-BFGS on all maps. stkit synth starts from
// PresetQuality instead (GRF start, PSWeight 1, HistWeight 10,
// Independent; see Preset) and with two or more target maps sets
// WeightStd: take Preset(PresetQuality, k, seed) for the CLI's results.
type GenerateConfig struct {
	SynthConfig
	// K is the number of maps to synthesise (0: 1; negative: an input
	// error).
	K int
	// Seed selects the random starting maps: map b starts from the stream
	// (Seed, b), so a map does not depend on K in independent mode.
	Seed uint64
	// Init is the starting law (white noise or a GRF with the target's 2D
	// power spectrum).
	Init InitKind
	// Weights selects the per-coefficient weights of the statistic term
	// (WeightStd needs ≥ 2 target maps).
	Weights WeightMode
	// PSWeight, when > 0, adds a power-spectrum term (NewPowerSpectrumTerm):
	// the log of the half-octave isotropic power spectrum (the bins of
	// IsoPowerSpectrum, and the corner bin of NewPSOpCorner, |k| ≥ min(M,
	// N)/2, unless a target map has no power there) is matched per map.
	// The weight is relative to one dimensionless coefficient of the
	// statistic term, whose weight is 1/K (K coefficients, times the term's
	// Scale; see NewSynthLoss for raw statistics): with WeightMean each bin
	// weighs PSWeight/K, so PSWeight = 1 appends the bins to Φ as
	// coefficients of the same weight; with WeightStd, whose coefficients
	// count in units of their spread over the target maps, bin b weighs
	// PSWeight/(K σ_b²), σ_b² the unbiased variance of log P_b over the
	// target maps (bins that do not vary are masked, as coefficients are).
	// Either way the term does not depend on the maps' units.
	PSWeight float64
	// HistWeight, when > 0, adds a HistogramTerm matching the sorted pixels of
	// each map to the target's quantiles. Like PSWeight it is relative: the
	// term is (HistWeight/K) × mean_i (sort(x)_i − q_i)²/v, v = σ² the
	// target's pooled pixel variance with WeightMean, and with WeightStd the
	// variance over the target maps of their i-th sorted pixel averaged over
	// the ranks i (the quantiles' own spread).
	HistWeight float64
	// Apodise makes the GRF start (InitialMapsApodised) and the
	// power-spectrum term (NewPowerSpectrumTermApodised) non-periodic, for
	// a statistic that averages over an interior window (stats.Spec Pad
	// "crop"): they then use the spectrum of the map times the Hann window
	// HannTaper instead of the periodic spectrum, so that a target cut from
	// a larger map does not pass its wrap-around jump (excess power along
	// the axes, streaks parallel to the edges) to the syntheses. Default
	// false: periodic. The histogram term is unchanged (all pixels).
	Apodise bool
	// Independent runs K separate L-BFGS optimisations of one map each (own
	// history and line search) instead of one L-BFGS on the K maps' pixels
	// stacked into one vector.
	Independent bool
	// Box, if non-nil, keeps the pixels in [Box.Lo, Box.Hi] (±Inf: an open
	// side; PositiveBox for an intensity or a density): NewSynthLoss adds a
	// BoxTerm, the quadratic penalty of the separation's box (SepLoss) per
	// map,
	//
	//	ℒ_box(x) = w · mean_i (min(x_i − Lo, 0)² + max(x_i − Hi, 0)²),
	//	w = BoxWeight / σ²  (default 1e3/σ²),
	//
	// σ the target's pixel std: the separation's default 1e3/var(d), with
	// the loss in the same units (WeightStd: the statistic term is, as the
	// separation's, the mean of (ΔΦ_k/σ_k)²; WeightMean: the mean of
	// |ΔΦ_k|², relative to the class's scale for a raw statistic); a violation of σ at every pixel costs 1e3. Generate clips
	// the starting maps into the box. It is a penalty, not a hard bound (gonum's
	// L-BFGS has none): a pixel held at the box by the statistic ends where
	// the penalty's gradient balances the statistic's, slightly outside.
	// The target's pixels must lie in the box.
	//
	// Measured with [0, +Inf) (scov iso, 2 maps, seeds 1 and 2; pixel std
	// σ): the 64² block mean of dust I_1 (min 0.037, σ 0.055), PresetCheng,
	// 300 iterations: without the box 1 and 3 of 8192 pixels < 0 (min
	// −0.0045, −0.013), with it none, loss 2.4e-7 → 2.3e-6 and 9.0e-7
	// (×2.6 and ×1.8 evaluations); PresetQuality: no negative pixel either
	// way, loss 3.2e-6 and 3.1e-6 both ways (its GRF start is clipped). A
	// 32² log-normal map (min 0.05σ above 0) whose syntheses go negative,
	// PresetCheng, 300 iterations: without the box 85 and 99 of 2048 < 0
	// (min −0.28σ, −0.39σ), with it 1 each (min −0.0024σ, −0.0001σ), at a
	// loss of 4.2e-4 and 3.2e-4 against 4e-7 (the statistics are harder to
	// meet inside the box; weight 10: 2 pixels, min −0.002σ, loss 2.5e-5);
	// after 40 iterations 32 pixels, min −0.009σ. The penalty's curvature
	// slows L-BFGS where the box binds: a weight of 1e4 left the dust loss
	// at 8e-3. Results move with rounding-level changes (a kinked penalty):
	// take these as orders of magnitude.
	Box *PixelBox
	// BoxWeight is w·σ², the box penalty's weight in units of 1/var(target)
	// (≤ 0: DefaultBoxWeight, 1e3, the separation's default).
	BoxWeight float64
}

// Presets of GenerateConfig (see Preset).
//
// Why PresetQuality: the reference codes' settings (white-noise start, the
// statistic alone) leave the half-octave power spectrum of the syntheses
// 10–100 % off the target's at low k (Cheng 0.97 max / 0.18 mean, PyWPH
// 1.54 / 0.24 over the bins k ≥ 2 of a 256² map; this package with
// PresetCheng on a 128² Quijote map, 4 maps × 150 iterations: 0.25 / 0.10,
// and Minkowski functionals up to 16 σ off). The bins k < 8 cycles per map hold
// few Fourier modes, which the wavelet powers of the statistic do not pin
// down. A GRF start carries the target's 2D spectrum (a Gaussian draw from
// the target maps' mean periodogram, InitGRF), and the power-spectrum term
// keeps each map's binned spectrum on the target's; the histogram term fixes the far tail of the pixel distribution (without it
// the Quijote syntheses miss V0 and V2 at ν = 3 by 2.3–2.7 σ). Independent
// optimisers reach a 2.2× lower loss than one L-BFGS on the stacked pixels in
// the same time (128², 4 maps × 150 iterations: 3.3e-6 in 72 s vs 7.3e-6 in
// 77 s).
//
// Measured with PresetQuality (scov iso J=7 L=4, 4 maps of 256², 300
// iterations each, CPU engine, `stkit synth TARGET -n 4`):
//
//   - Quijote log-density map 00 (spreads from the 20 maps): PS max
//     |ratio − 1| 0.0003, mean 0.0001; W1 0.0005 σ (two Quijote maps: 0.024
//     σ on average, 0.0038 σ for the closest pair); Minkowski functionals
//     within 1.05 σ at all 33 (functional, threshold) pairs; loss 1.1e-3 →
//     1.1e-6.
//   - dust map I_1[::2, ::2] (one map, no spread set): PS max 0.0002, mean
//     0.0001; W1 0.0003 σ; skewness 2.19 and kurtosis 9.2 as the target's
//     (without the histogram term: 2.0 and 6.3, W1 0.041 σ); visibly
//     filamentary maps; loss 1.2e-2 → 7.6e-7.
//
// Cost: 300 iterations take ≈ 310–340 evaluations per map, at the engine's
// loss+gradient time plus ≈ 2 % for the optimiser loop (the PS and histogram
// terms add ≈ 5 % more).
const (
	// PresetCheng reproduces the reference codes' defaults: white-noise start,
	// statistic term only, 300 iterations, one L-BFGS on all maps.
	PresetCheng = "cheng"
	// PresetQuality is the tuned default of stkit: GRF start, a log
	// power-spectrum term of relative weight 1 and a histogram term of
	// relative weight 10 besides the statistic term, 300 iterations,
	// independent optimisers.
	PresetQuality = "quality"
)

// Preset returns the GenerateConfig of a named preset (PresetCheng or
// PresetQuality; "" is PresetQuality) for k maps and a seed. Both set
// Steps 300 and History 20 and leave Weights at WeightMean, RelTol,
// MaxEvals (4·Steps+20), Apodise and Box at their zero values; then
//
//   - PresetCheng: Init InitWhiteNoise, no other term, one L-BFGS on all
//     maps (the zero GenerateConfig's choices);
//   - PresetQuality (stkit synth's default): Init InitGRF, PSWeight 1,
//     HistWeight 10, Independent true.
//
// stkit synth also sets Weights = WeightStd for two or more target maps
// and Apodise for a non-periodic statistic (Synthesize does the latter).
// An unknown name is an input error (ErrModelInput).
func Preset(name string, k int, seed uint64) (GenerateConfig, error) {
	c := GenerateConfig{K: k, Seed: seed, SynthConfig: SynthConfig{Steps: 300, History: 20}}
	switch name {
	case PresetCheng:
		c.Init = InitWhiteNoise
	case PresetQuality, "":
		c.Init = InitGRF
		c.PSWeight = 1
		c.HistWeight = 10
		c.Independent = true
	default:
		return c, inputErrorf("unknown synthesis preset %q (want %s or %s)", name, PresetQuality, PresetCheng)
	}
	return c, nil
}

// NewSynthLoss builds the loss of a synthesis of target with statistic op on
// engine eng: the statistic term (target = mean of Φ over the target maps,
// weights cfg.Weights) plus the optional power-spectrum and histogram terms.
//
// With several target maps every synthesised map is matched to that mean on
// its own: the loss of a batch is the sum of its maps' losses, not a
// constraint on the batch mean of Φ (Cheng's ensemble=True, the
// mean-field model of CMBSCAT). The power-spectrum term's target is the
// mean over the target maps of their log spectra (apodised when
// cfg.Apodise: NewPowerSpectrumTermApodised), the histogram term's the
// quantiles of all their pixels pooled, in units of the pooled std.
//
// The statistic term of a raw statistic (wph Norm "none", scov Synthesis
// false, wst: coefficients that scale as λ^d, d ≠ 0, when the maps do as
// λx) is made dimensionless with WeightMean: coefficient k weighs 1/(K
// s_k²), s_k² the mean of |T|² over the target values of its class (and
// degree), so that the term is (1/K) Σ_classes n_c r_c², r_c the relative
// L2 error of class c (unitWeights). Before, the raw WPH of a dust Q tile
// (values ~1e-3) weighed 1e-12 of the PS and histogram terms and its
// syntheses missed C01, S01 and Cphase by 75–79 %; they now match every
// class to < 1 % (128², J = 5, 150 iterations), the same for the tile
// ×1000 and ×1e-3. Normalised statistics (a reference from the target,
// ratios, logarithms) keep 1/K. With WeightStd the coefficients are
// already in units of their spread.
//
// With cfg.Box it adds the box penalty (BoxTerm, last of loss.Pixel; see
// GenerateConfig.Box for its weight); a box that binds on no side
// ((−Inf, +Inf)) adds nothing.
//
// A complex WPH operator (stats.Spec.Complex: the (Q, U) pair stacked by
// rows as one 2M×N input) is refused: synthesis takes real maps, and a
// stacked target would be synthesised as one real image.
//
// Non-finite PSWeight, HistWeight or BoxWeight, a HistWeight > 0 or a Box
// with a constant target (those terms are in units of the target's pixel
// std), a box with a NaN bound or Lo ≥ Hi, a target with pixels outside the
// box, and the input errors of NewTarget and NewPowerSpectrumTerm are input
// errors (ErrModelInput), and so is a negative cfg.K.
func NewSynthLoss(eng stlayer.Engine, name string, op StatOp, target *stlayer.Maps, cfg GenerateConfig) (*Loss, error) {
	if err := checkMapCount(cfg.K); err != nil {
		return nil, err
	}
	for _, w := range []struct {
		name string
		v    float64
	}{{"power-spectrum weight", cfg.PSWeight}, {"histogram weight", cfg.HistWeight}, {"box weight", cfg.BoxWeight}} {
		if math.IsNaN(w.v) || math.IsInf(w.v, 0) {
			return nil, inputErrorf("%s %v: want a finite value", w.name, w.v)
		}
	}
	if b := cfg.Box; b != nil {
		if err := b.check(); err != nil {
			return nil, err
		}
	}
	if so, ok := op.(stats.Op); ok {
		// a complex WPH operator takes a (Q, U) pair stacked by rows (2M×N):
		// a stacked target would be synthesised as one real 2M×N image
		if w, ok := stats.WPHOp(so); ok && w.Config().Complex {
			return nil, inputErrorf("statistic %s is the complex WPH of a (Q, U) pair (stats.Spec.Complex): synthesis takes real maps; the complex WPH of a (Q, U) pair is a statistic of stkit stats only", name)
		}
	}
	term, err := NewTarget(name, eng, op, target, cfg.Weights)
	if err != nil {
		return nil, err
	}
	if cfg.Weights == WeightMean {
		// A raw statistic is measured in units of the target's pixel std.
		if _, err := unitWeights(eng, name, op, target, term); err != nil {
			return nil, err
		}
	}
	// wref is the weight of one dimensionless coefficient of the statistic
	// term: 1/K (times its Scale) in both weight modes.
	wref := term.scale() / float64(len(term.Target))
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	if cfg.PSWeight > 0 {
		pst, err := NewPowerSpectrumTermApodised(eng, target, 1, cfg.Apodise)
		if err != nil {
			return nil, err
		}
		nb := float64(len(pst.Target))
		// NewPowerSpectrumTerm weighs each bin 1/nbins: rescale to PSWeight ×
		// wref per bin; with std weights whiten each bin by its spread over
		// the target maps, as the statistic's coefficients are.
		pst.Scale = cfg.PSWeight * wref * nb
		if cfg.Weights == WeightStd {
			// Target maps sharing one spectrum (phase-randomised surrogates
			// of one map) have no spread to whiten by: their bins keep the
			// mean weights, the common spectrum matched as for one target.
			sp, err := NewTarget(pst.Name, eng, pst.Op, target, WeightStd)
			switch {
			case err == nil:
				pst.Weight = sp.Weight
			case !errors.Is(err, errNoVariation):
				return nil, err
			}
		}
		loss.Terms = append(loss.Terms, pst)
	}
	if cfg.HistWeight > 0 {
		_, sd, _, _ := Moments(target.Data)
		if !(sd > 0) || math.IsInf(sd, 0) {
			return nil, inputErrorf("histogram term: the target's pixel std is %g (constant or overflowing maps): it has no scale", sd)
		}
		v := sd * sd
		if q := quantileSpread(target); cfg.Weights == WeightStd && q > 0 {
			v = q
		}
		loss.Pixel = append(loss.Pixel, NewHistogramTerm(target.Data, target.M*target.N, cfg.HistWeight*wref/v))
	}
	if b := cfg.Box; b != nil && !b.open() {
		bt, err := newBoxTerm(*b, cfg.BoxWeight, target)
		if err != nil {
			return nil, err
		}
		loss.Pixel = append(loss.Pixel, bt)
	}
	return loss, nil
}

// newBoxTerm builds the box penalty of NewSynthLoss (GenerateConfig.Box):
// weight rel (≤ 0: DefaultBoxWeight) / the target's pixel variance. A
// target with pixels outside the box or constant is an input error.
func newBoxTerm(b PixelBox, rel float64, target *stlayer.Maps) (*BoxTerm, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range target.Data {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo < b.Lo || hi > b.Hi {
		return nil, inputErrorf("pixel box %v: the target's pixels span [%.6g, %.6g], outside it; the syntheses cannot match its statistics inside the box: widen the box (or give none)", b, lo, hi)
	}
	_, sd, _, _ := Moments(target.Data)
	if !(sd > 0) || math.IsInf(sd, 0) {
		return nil, inputErrorf("pixel box: the target's pixel std is %g (constant or overflowing maps): the penalty's weight has no scale", sd)
	}
	if rel <= 0 {
		rel = DefaultBoxWeight
	}
	return &BoxTerm{Box: b, Weight: rel / (sd * sd)}, nil
}

// Generate draws cfg.K starting maps from target (InitialMapsApodised with
// cfg.Init, cfg.Seed and cfg.Apodise; clipped into cfg.Box when set) and minimises loss from them, either as one L-BFGS on the
// stacked pixels or, with cfg.Independent, as K successive single-map runs.
// In independent mode the Result sums losses, iterations, evaluations and
// times over the runs, History holds the summed loss per iteration (a run that
// stopped early contributes its last loss, one without an iteration its
// loss at every iteration), and Progress reports carry the
// map index in Run. On cancellation or divergence the maps finished so far and
// the current one are returned, the remaining ones are their starting maps;
// Result.MapsDone and Result.MapIters say which maps were worked on and how
// far (in both modes).
//
// A nil loss, target maps that are nil, empty, whose Data length is not
// B·M·N or that hold non-finite or UNSEEN pixels (datasets.CheckUnseen),
// a negative K, an unknown Init and a Box with a NaN bound or Lo ≥ Hi are
// input errors (ErrModelInput).
func Generate(ctx context.Context, loss Objective, target *stlayer.Maps, cfg GenerateConfig) (*Result, error) {
	if loss == nil {
		return nil, inputErrorf("no loss (nil)")
	}
	if err := checkMapCount(cfg.K); err != nil {
		return nil, err
	}
	k := max(cfg.K, 1)
	if b := cfg.Box; b != nil {
		if err := b.check(); err != nil {
			return nil, err
		}
	}
	x0, err := InitialMapsApodised(cfg.Init, target, k, cfg.Seed, cfg.Apodise)
	if err != nil {
		return nil, err
	}
	if cfg.Box != nil {
		cfg.Box.clip(x0.Data)
	}
	if !cfg.Independent || k == 1 {
		r, err := Minimize(ctx, loss, x0, cfg.SynthConfig)
		if r != nil {
			r.MapIters = make([]int, k)
			for b := range r.MapIters {
				r.MapIters[b] = r.Iters
			}
			if err == nil {
				r.MapsDone = k
			}
		}
		return r, err
	}
	mn := x0.M * x0.N
	out := &Result{Maps: &stlayer.Maps{B: k, M: x0.M, N: x0.N, Data: slices.Clone(x0.Data)}, Status: "independent", MapIters: make([]int, k)}
	flat := 0.0 // summed loss of the runs without an iteration
	for b := 0; b < k; b++ {
		sc := cfg.SynthConfig
		if p := cfg.Progress; p != nil {
			sc.Progress = func(pr Progress) { pr.Run = b; p(pr) }
		}
		xb := &stlayer.Maps{B: 1, M: x0.M, N: x0.N, Data: x0.Data[b*mn : (b+1)*mn]}
		r, err := Minimize(ctx, loss, xb, sc)
		if r != nil {
			if r.Maps != nil {
				copy(out.Maps.Data[b*mn:], r.Maps.Data)
			}
			out.Loss += r.Loss
			out.InitialLoss += r.InitialLoss
			out.Iters += r.Iters
			out.MapIters[b] = r.Iters
			out.Evals += r.Evals
			out.EvalTime += r.EvalTime
			out.Elapsed += r.Elapsed
			if len(r.History) == 0 {
				// No iteration (e.g. a start at a stationary point): the
				// map's loss is the same at every iteration of the sum.
				flat += r.Loss
			} else {
				out.History = addHistory(out.History, r.History)
			}
			if r.Status != "" {
				out.Status = r.Status
			}
		}
		if err != nil {
			addFlat(out.History, flat)
			return out, fmt.Errorf("map %d: %w", b, err)
		}
		out.MapsDone = b + 1
	}
	addFlat(out.History, flat)
	return out, nil
}

// addFlat adds v to every entry of h.
func addFlat(h []float64, v float64) {
	for i := range h {
		h[i] += v
	}
}

// addHistory adds the per-iteration losses h to acc, extending the shorter of
// the two with its last value.
func addHistory(acc, h []float64) []float64 {
	if len(h) == 0 {
		return acc
	}
	n := max(len(acc), len(h))
	out := make([]float64, n)
	for i := range out {
		switch {
		case i < len(acc):
			out[i] = acc[i]
		case len(acc) > 0:
			out[i] = acc[len(acc)-1]
		}
		if i < len(h) {
			out[i] += h[i]
		} else {
			out[i] += h[len(h)-1]
		}
	}
	return out
}
