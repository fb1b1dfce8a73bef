package infer

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/stkit-org/stkit/stlayer"
)

// PatchRefineOptions configure RefineWithPatchPriors. Zero values take the
// defaults stated per field.
type PatchRefineOptions struct {
	// Prior configures every FitPatchPrior of the refinement (default
	// FitPatchPrior's: 6×6, K 20, training stride 4, 8 rotations/flips,
	// 30000 rows at most, seed 1); its Progress and Context are replaced by
	// those below. FitPatchPrior lowers its K on maps too small for it
	// (PatchPriorOptions.KFor; PriorK gives it for the refinement's maps).
	Prior PatchPriorOptions
	// Rounds is the number of refit rounds after the first patch
	// separation (default 1: in docs/experiments/research23_xdquijote.go
	// rounds 2 and 3 gave min r 0.807, 0.809 / 0.794, 0.793 on the two
	// 256² dust + Quijote draws against round 1's 0.807 / 0.794, each for
	// one more prior fit and separation).
	Rounds int
	// Stride of the data patches of SeparateWithPatchPriors (default
	// DefaultPatchSepStride, 1).
	Stride int
	// Progress, if non-nil, is called after every EM iteration of each
	// prior fit and every batch of data patches of each separation.
	Progress func(PatchRefineStep)
	// Context, if non-nil, stops the refinement when cancelled (checked
	// before every EM iteration and every batch of data patches): no maps
	// are returned, and the error wraps the context's.
	Context context.Context
}

// PatchRefineStep reports RefineWithPatchPriors' progress: stage Index of
// Count (0-based; the stages are its prior fits and patch separations in
// their order, Count = 3 + 2·Rounds), Fit true for a prior fit (What:
// "contaminant samples", "ST estimate" or "round r map"; Done/Total the EM
// iterations, at most) and false for a patch separation (What: "patch
// separation" or "round r separation"; Done/Total the data patches); End
// at the end of a stage, with its Elapsed time (a fit's End step keeps
// Done, the EM iterations run, and Total: Done < Total where EM converged
// early). A fit's End step also gives the prior's mixture components: KUsed
// those EM started from (PatchPrior.KUsed: K, or fewer on small maps) and
// Kept those it kept (PatchPrior.K; dead ones are dropped); 0 on the other
// steps (lead25: comparing fits across EM changes needed instrumented
// copies of the code).
type PatchRefineStep struct {
	Index, Count int
	Fit          bool
	What         string
	Done, Total  int
	End          bool
	Elapsed      time.Duration
	KUsed, Kept  int
}

// RefineWithPatchPriors is an opt-in, truth-free post-step of the ST
// separation of one component s from data d = s + c (c a contaminant or
// noise given by its samples; issue #6). With s̃ the ST estimate (st, one
// map of d's size, e.g. RunSeparation's SeparationResult.S) and the samples (≥ 2
// maps of d's size: contaminant maps, noise maps, or PairedSamples' c_i +
// n_i):
//
//  1. a PatchPrior b is fitted on the samples and one, a, on s̃
//     (FitPatchPrior with opt.Prior, which lowers K to PriorK where the
//     maps give fewer than K·(P² + 1) training rows: one map below 39×39
//     for the defaults);
//  2. ŝ = SeparateWithPatchPriors(d, a, b) (opt.Stride), then given s̃'s
//     binned spectrum, s₁ = MatchBinnedSpectrum(ŝ, s̃);
//  3. Rounds times (default 1): a is refitted on s₁, d separated again and
//     the result given s̃'s binned spectrum: s₁ ← MatchBinnedSpectrum(ŝ, s̃);
//  4. s₁ is shifted to s̃'s mean (RunSeparation's mean(d) − the samples'
//     mean pixel value, or scov's fitted mean).
//
// The result is [2, M, N]: s₁, then d − s₁. Its power spectrum is s̃'s in
// every bin of EvaluateSeparation (and every integer |k| annulus beyond
// them) where the patch separation's map has power (a bin where it has
// none is 0: MatchBinnedSpectrum), and so is its mean; its phases, and so
// its correlation with the truth per bin and in pixels, are the patch
// separation's. The mean (refx24): the patch separation's own was no
// closer to the truth's than mean(d) − m: |error| 0.00022–0.0026 (mean
// 0.0014) against 0.00036–0.0029 (mean 0.0013) on eight 64² and 128²
// dust + noise / dust + Quijote draws, the patch map's closer on five by
// 0.0003 at most, mean(d) − m on three by up to 0.0011, and 0.0104
// against 0.00023 on the 16² paired-noise case of stkit separate's tests.
// Cost: 2 + Rounds prior fits and 1 + Rounds patch separations: at 256² on
// the shared 2-core machine (load 5–9) 141–200 s in all, each fit 24–86 s,
// each separation 17–26 s (SeparateWithPatchPriors and FitPatchPrior give
// the per-pixel costs).
//
// Measured with BenchmarkSeparationQuality, STKIT_SEP_REFINE=1 (256², the
// defaults; ST's figures → the refined map's: spectrum max |P/P_s − 1|
// where P_c ≤ 10 P_s, min r where P_c ≤ P_s, pixel correlation):
//
//	dust + Quijote (CASE=quijote)     0.893 / 0.785 / 0.817 → 0.893 / 0.807 / 0.842
//	dust + Quijote, QMAP=1            0.187 / 0.771 / 0.815 → 0.187 / 0.791 / 0.836
//	dust + noise (CASE=noise)         0.070 / 0.828 / 0.935 → 0.070 / 0.839 / 0.940
//	dust + noise, NOISE_SEED=1        0.170 / 0.836 / 0.935 → 0.170 / 0.844 / 0.940
//
// (after FitPatchPrior's split reseeding, 56537c2; before it 0.807 / 0.841,
// 0.794 / 0.837, 0.838 / 0.940, 0.842 / 0.939; QMAP=1 is the second draw
// of docs/experiments/research23_xdquijote.go -size 256 -draws 0,1 -v iter
// -rounds 1): no figure worse than ST's on these
// periodic 256² maps. It can lower min r elsewhere: on the full 512² dust
// map + noise 0.892 → 0.891 (pixel 0.969 → 0.970), and on a 128² crop of
// I_1 (256,256) + noise with --pad crop 0.860 → 0.825 on the interior
// (docs/experiments/research24_refine.go). The
// bound of the family is near: a 6×6 prior fitted on the truth itself gives
// 0.805 / 0.796 on the two Quijote draws.
//
// Input errors (ErrModelInput): data or st not one finite map, st or the
// samples of another size than the data, fewer than 2 samples, non-finite
// pixels, maps too small for one mixture component (CheckSize), and those
// of FitPatchPrior and SeparateWithPatchPriors (constant maps, fewer
// distinct sub-patches than K).
func RefineWithPatchPriors(data, st, samples *stlayer.Maps, opt PatchRefineOptions) (*stlayer.Maps, error) {
	if err := checkFiniteMaps("patch refinement: data", data, 1); err != nil {
		return nil, err
	}
	if err := checkFiniteMaps("patch refinement: ST estimate", st, 1); err != nil {
		return nil, err
	}
	if err := checkFiniteMaps("patch refinement: samples", samples, -1); err != nil {
		return nil, err
	}
	if st.M != data.M || st.N != data.N {
		return nil, sizeInputErrorf("patch refinement: ST estimate of %d×%d, data of %d×%d (want the same size)", st.M, st.N, data.M, data.N)
	}
	if samples.M != data.M || samples.N != data.N {
		return nil, sizeInputErrorf("patch refinement: samples of %d×%d, data of %d×%d (want the same size)", samples.M, samples.N, data.M, data.N)
	}
	if samples.B < 2 {
		return nil, inputErrorf("patch refinement: %d sample map(s), want at least 2", samples.B)
	}
	if err := opt.CheckSize(data.M, data.N); err != nil {
		return nil, err
	}
	if opt.Rounds < 0 {
		return nil, inputErrorf("patch refinement: Rounds %d: want ≥ 0 (0: the default, 1)", opt.Rounds)
	}
	rounds := opt.WithDefaults().Rounds
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	count := 2 + rounds + 1 + rounds // fits: samples, s̃, one per round; separations: 1 + rounds
	stage := 0
	fit := func(m *stlayer.Maps, what string) (*PatchPrior, error) {
		o := opt.Prior
		o.Context = ctx
		// refy24: ≤ rows/(P² + 1) components, PriorK; FitPatchPrior takes
		// them itself (kcap25: PatchPriorOptions.KFor, one rule)
		idx := stage
		o.Progress = nil
		ran, its := 0, 0 // the EM iterations reported, of at most its
		if opt.Progress != nil {
			o.Progress = func(it, n int) {
				ran, its = it, n
				opt.Progress(PatchRefineStep{Index: idx, Count: count, Fit: true, What: what, Done: it, Total: n})
			}
		}
		t := time.Now()
		pp, err := FitPatchPrior(m, o)
		if err != nil {
			return nil, fmt.Errorf("patch refinement: prior of the %s: %w", what, err)
		}
		if opt.Progress != nil {
			opt.Progress(PatchRefineStep{Index: idx, Count: count, Fit: true, What: what, Done: ran, Total: its, End: true, Elapsed: time.Since(t), KUsed: pp.KUsed, Kept: pp.K})
		}
		stage++
		return pp, nil
	}
	sep := func(a, b *PatchPrior, what string) ([]float64, error) {
		idx := stage
		so := PatchSepOptions{Stride: opt.Stride, Context: ctx}
		if opt.Progress != nil {
			so.Progress = func(done, total int) {
				opt.Progress(PatchRefineStep{Index: idx, Count: count, What: what, Done: done, Total: total})
			}
		}
		t := time.Now()
		o, err := SeparateWithPatchPriors(data, a, b, so)
		if err != nil {
			return nil, fmt.Errorf("patch refinement: %s: %w", what, err)
		}
		if opt.Progress != nil {
			opt.Progress(PatchRefineStep{Index: idx, Count: count, What: what, End: true, Elapsed: time.Since(t)})
		}
		stage++
		return MatchBinnedSpectrum(o.Map(0), st.Map(0), data.M, data.N)
	}
	cp, err := fit(samples, "contaminant samples")
	if err != nil {
		return nil, err
	}
	sp, err := fit(st, "ST estimate")
	if err != nil {
		return nil, err
	}
	s1, err := sep(sp, cp, "patch separation")
	if err != nil {
		return nil, err
	}
	for r := 1; r <= rounds; r++ {
		what := fmt.Sprintf("round %d", r)
		sp, err = fit(&stlayer.Maps{B: 1, M: data.M, N: data.N, Data: s1}, what+" map")
		if err != nil {
			return nil, err
		}
		if s1, err = sep(sp, cp, what+" separation"); err != nil {
			return nil, err
		}
	}
	// refx24: s̃'s mean, as its spectrum (the patch separation's mean was
	// no closer to the truth's)
	m1, _, _, _ := Moments(s1)
	mt, _, _, _ := Moments(st.Data)
	for i := range s1 {
		s1[i] += mt - m1
	}
	out := stlayer.NewMaps(2, data.M, data.N)
	copy(out.Map(0), s1)
	res := out.Map(1)
	for i, v := range data.Data {
		res[i] = v - s1[i]
	}
	return out, nil
}

// WithDefaults returns opt with every zero field that has a default set to
// it (Prior's as FitPatchPrior sets them, Rounds 1, Stride
// DefaultPatchSepStride): the options RefineWithPatchPriors runs with, for
// a record of them (stkit separate's metrics.json settings.patch_refine).
// Progress and Context are kept.
func (opt PatchRefineOptions) WithDefaults() PatchRefineOptions {
	opt.Prior.defaults()
	if opt.Rounds == 0 {
		opt.Rounds = 1
	}
	if opt.Stride <= 0 {
		opt.Stride = DefaultPatchSepStride
	}
	return opt
}

// CheckSize returns the input error (ErrModelInput) RefineWithPatchPriors
// gives m×n maps before any work when they are too small for its priors:
// smaller than the sub-patch (PatchPriorOptions.P, default 6), or with
// fewer training rows in one map (the ST estimate's, at the training
// stride, with the 8 rotations and flips, at most MaxRows) than the P² + 1
// one mixture component needs (refy24: FitPatchPrior's EM keeps only
// components that hold P² rows, so it refuses fewer rows whatever K;
// 37 rows for the defaults, maps of at least 11×11). The error names the
// smallest square maps that work for these options (and, for m rows, the
// fewest columns). Larger maps that still give fewer rows than K·(P² + 1)
// are not refused: their fits take fewer components (PriorK). stkit
// separate --patch-refine checks it before the separation runs.
func (opt PatchRefineOptions) CheckSize(m, n int) error {
	o := opt.WithDefaults().Prior
	if m < o.P || n < o.P {
		return inputErrorf("patch refinement: maps of %d×%d are smaller than the priors' %d×%d sub-patches (PatchPriorOptions.P)", m, n, o.P, o.P)
	}
	need := o.MinRows()
	rows := o.TrainingRows(1, m, n)
	if o.KFor(rows) >= 1 {
		return nil
	}
	if o.MaxRows < need {
		return inputErrorf("patch refinement: a %d×%d map gives %d training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = %d one mixture component needs (it must hold P² rows); PatchPriorOptions.MaxRows %d caps every map below that: raise it", m, n, rows, need, o.MaxRows)
	}
	sq := o.smallestSide(func(s int) int { return o.TrainingRows(1, s, s) })
	cols := o.smallestSide(func(s int) int { return o.TrainingRows(1, m, s) })
	also := ""
	if m != sq || cols != sq {
		also = fmt.Sprintf(" (%d×%d for %d pixel rows)", m, cols, m)
	}
	return inputErrorf("patch refinement: a %d×%d map gives %d training rows for the prior fitted on the ST estimate, fewer than the P² + 1 = %d one mixture component needs (it must hold P² rows): the smallest maps that work for these options are %d×%d%s", m, n, rows, need, sq, sq, also)
}

// PriorK returns the mixture components each FitPatchPrior of
// RefineWithPatchPriors fits on b maps of m×n: PatchPriorOptions.K
// (default 20), lowered to ⌊rows/(P² + 1)⌋ where the training rows
// (TrainingRows) are fewer than K·(P² + 1); 0 where they are fewer than
// P² + 1 (CheckSize refuses such maps). It is FitPatchPrior's own rule,
// PatchPriorOptions.KFor (kcap25: the refinement capped K itself before;
// FitPatchPrior now does so for every caller). refy24: FitPatchPrior drops every
// component that holds fewer than P² rows and fails when all of them do
// at once, which K 20 on a 16² map (128 rows) did at the first EM
// iteration (measured on 18 maps, 6 each of log-normal, slope −3 Gaussian
// and white-noise fields: 18 of 18 failed at 12², 14 at 16², 9 at 20², 3
// at 24², none at 28², 32², 36², 38², 39², 40², those that did not fail
// keeping 1–11 components); with at most ⌊rows/(P² + 1)⌋ components one
// holds P² + 1 rows or more at every iteration (the rows' responsibilities
// sum to the rows), so that failure cannot happen (12 of those maps, 4 of
// each kind, at 11², 12², 16², 20², 24², 32² and 38²: none failed, 1–7
// components kept). One map of at least 39×39 (800 rows, K·(P² + 1) = 740
// for the defaults) keeps K.
func (opt PatchRefineOptions) PriorK(b, m, n int) int {
	o := opt.WithDefaults().Prior
	return o.KFor(o.TrainingRows(b, m, n))
}

// TrainingRows returns the training rows each FitPatchPrior of
// RefineWithPatchPriors cuts from b maps of m×n (at Prior's training
// stride, with the 8 rotations and flips unless NoAugment, at most
// MaxRows): the rows CheckSize and PriorK count
// (PatchPriorOptions.TrainingRows); 0 for maps smaller than the sub-patch.
func (opt PatchRefineOptions) TrainingRows(b, m, n int) int {
	return opt.WithDefaults().Prior.TrainingRows(b, m, n)
}

// matchEmptyPower is the power per mode, relative to x's mean power per
// mode, at or below which MatchBinnedSpectrum takes a bin of x for empty:
// the FFT's rounding gives ~1e-31 (ε² times a few), a map's real content
// far more.
const matchEmptyPower = 1e-26

// MatchBinnedSpectrum returns x (an m×n map) with the binned power
// spectrum of ref: every DFT mode of x is multiplied by √(P_ref/P_x) of its
// bin, the bins those of IsoPowerSpectrum (EvaluateSeparation's
// half-octaves of |k| < min(m, n)/2) and, for the modes beyond them, the
// integer annuli round(|k|). The phases are kept (so r per bin against any
// map is unchanged), and the mean (k = 0) is x's own. Afterwards
// IsoPowerSpectrum(result).P equals IsoPowerSpectrum(ref).P to rounding in
// every bin where x has power. A bin (or annulus) where x has none, or only
// the FFT's rounding (per mode at most matchEmptyPower, 1e-26, times x's
// mean power per mode, its mean included), has no phases to scale: it is
// set to 0, whatever ref's power there. Input errors (ErrModelInput): x or
// ref not of m·n values, min(m, n) < 2.
func MatchBinnedSpectrum(x, ref []float64, m, n int) ([]float64, error) {
	if len(x) != m*n || len(ref) != m*n || min(m, n) < 2 {
		return nil, sizeInputErrorf("spectrum matching: %d and %d values for a %d×%d map (want %d each, and at least 2×2)", len(x), len(ref), m, n, m*n)
	}
	edges, bin, ks := psBins(m, n)
	nb := len(edges) - 1
	// the modes beyond the half-octaves: bins nb + round(|k|)
	cls := make([]int, m*n)
	top := nb
	for p, b := range bin {
		switch {
		case p == 0:
			cls[p] = -1
		case b >= 0:
			cls[p] = b
		default:
			cls[p] = nb + int(math.Round(ks[p]))
		}
		top = max(top, cls[p]+1)
	}
	fx, fr := fft2(x, m, n), fft2(ref, m, n)
	px, pr, cnt := make([]float64, top), make([]float64, top), make([]int, top)
	var tot float64 // Σ |X|² over every mode, k = 0 included
	for p, c := range cls {
		pw := real(fx[p])*real(fx[p]) + imag(fx[p])*imag(fx[p])
		tot += pw
		if c < 0 {
			continue
		}
		px[c] += pw
		pr[c] += real(fr[p])*real(fr[p]) + imag(fr[p])*imag(fr[p])
		cnt[c]++
	}
	// x's power in a class at the FFT's rounding is no phase to keep: the
	// old rescale blew it up to ref's power (fixe23: 0.7 + a cosine given
	// white noise's spectrum had P 0.82–1.19 in bins where x has 1e-31)
	floor := matchEmptyPower * tot / float64(m*n)
	for p, c := range cls {
		if c < 0 {
			continue
		}
		g := 0.0
		if px[c] > floor*float64(cnt[c]) {
			g = math.Sqrt(pr[c] / px[c])
		}
		fx[p] *= complex(g, 0)
	}
	return ifft2Real(fx, m, n), nil
}
