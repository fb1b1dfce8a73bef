// Package infer generates and separates fields with scattering-transform
// statistics: microcanonical gradient-descent synthesis, statistical component
// separation, sampling from per-component models, and the validation metrics
// and reports that go with them.
//
// Entry points:
//
//   - synthesis: Synthesize (NewSynthLoss then Generate in one call),
//     Preset, NewSynthLoss, Generate (L-BFGS by Minimize), Validate,
//     WriteSynthReport;
//   - separation with contaminant or noise samples: NewSepStats,
//     SeparationProblem, RunSeparation (BuildSeparation, then Separate),
//     EvaluateSeparation, WriteSeparationReport;
//   - per-component models of a trained GM-VAE: ExportModels, LoadModels,
//     SampleComponent, SampleReport, SeparateWithModels,
//     EvaluateModelSeparation, WriteModelSepReport;
//   - metrics: IsoPowerSpectrum, CrossSpectrumR, PSRatioStats,
//     GeometricPSCompare, Wasserstein1, MinkowskiFunctionals, Moments.
//
// Conventions: maps are stlayer.Maps (B maps of M×N pixels, row-major);
// spectra are binned in half-octaves of the physical frequency, in cycles
// per min(M, N) pixels, with P = σ² for white noise of variance σ²
// (PowerSpectrum); errors caused by the arguments match ErrModelInput. The
// algorithms follow shared/docs/methods.md (beside the repository):
// methods.md §2 (generation), methods.md §3 (separation; its metrics
// methods.md §3.9) and methods.md §4 (the VAE's components).
//
// # Synthesis from a map
//
// ExampleGenerate is the library's `stkit synth target.npy -o synth.npy`
// (Synthesize makes step 4's two calls in one, ExampleSynthesize):
//
//  1. read the target with datasets.ReadMaps: a batch [B, M, N], B = 1 for
//     one map; with B > 1 every synthesis matches the mean of Φ over the B
//     maps (NewSynthLoss), and stkit synth then also sets cfg.Weights =
//     WeightStd (--weights auto), which Preset does not;
//  2. build the statistic for the target's size with the target as its
//     reference, stats.BuildWithRef(spec, eng, target), as stkit synth
//     does. Its default spec is scov with Synthesis and Iso and J =
//     log2(min(M, N)) − 1 (a stats.Spec's own default for J = 0 is
//     log2 − 2). stats.Build would normalise the scov C01 and C11 by each
//     map's own P00 and refuses wph Norm "auto" (see package stats' doc on
//     references). An operator built for another map size is refused
//     by NewTarget, NewSynthLoss and Loss.Eval (ErrModelInput, naming both
//     sizes);
//  3. cfg := Preset(PresetQuality, K, seed), then change what you need
//     (cfg.Steps, …; with stats.Spec Pad "crop" set cfg.Apodise, as stkit
//     synth does);
//  4. NewSynthLoss(eng, name, op, target, cfg) takes the terms' settings
//     from cfg (Weights, PSWeight, HistWeight, Apodise), Generate(ctx,
//     loss, target, cfg) the start and the optimiser's (K, Seed, Init,
//     Apodise, Independent, SynthConfig): give both the same target and
//     cfg;
//  5. write Result.Maps ([K, M, N]) with datasets.WriteMaps.
//
// With K > 1 maps and Independent (PresetQuality) the Result's Loss,
// InitialLoss, Iters, Evals, EvalTime and Elapsed are sums over the K runs
// and History the summed loss per iteration; MapIters has each map's
// iterations. A second statistic of the same maps can be matched too:
// append NewTarget(name, eng, op2, target, WeightMean) to the loss's Terms
// (each statistic term is then a mean over its own coefficients).
//
// # Zero values and the CLI's defaults
//
// The zero values of the option structs are the reference codes' choices;
// the commands start from other ones, so a program that wants the CLI's
// results sets them:
//
//   - GenerateConfig{} is PresetCheng's configuration (white-noise start,
//     the statistic term alone, WeightMean, one L-BFGS on all maps); stkit
//     synth uses Preset(PresetQuality, k, seed) (InitGRF, PSWeight 1,
//     HistWeight 10, Independent) and WeightStd with two or more target
//     maps. Synthesize sets Apodise for a non-periodic statistic, as stkit
//     synth does.
//   - SampleOptions{} starts from white noise (InitWhiteNoise); stkit sample
//     starts from InitGRF (set Init) and seeds with 1 (Seed 0 here).
//   - stats.Forward evaluates 8·256² pixels per engine call
//     (stlayer.DefaultChunkPixels) on both engines; stkit stats 64·256² on
//     a graph engine (the rows are the same to round-off).
//   - the engine: stkit's --engine auto is the CPU engine (cpu.New())
//     unless the backend is XLA; graph.NewBackend takes the CLI's
//     --backend strings.
//
// ExampleSampleComponent reads a model folder (LoadModels) and samples a
// component with the CLI's start, as stkit sample does.
package infer

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"sort"

	"github.com/stkit-org/stkit/stlayer"
)

// StatOp is what infer needs from a statistics family operator
// (stlayer/wst, stlayer/scov, stlayer/wph all satisfy it).
type StatOp interface {
	Stat() stlayer.Stat
	Key() string
	Labels() *stlayer.Labels
}

// Term is one statistic-matching term of a loss. For a batch of B maps
// x_1 … x_B and a statistic of K coefficients per map:
//
//	ℒ_term(x) = Scale · Σ_{b=1..B} Σ_{k=1..K} W_k |Φ_k(x_b) − T_k|²
//
// where Φ is the term's statistic evaluated on each map, T the target vector
// (K values), W the per-coefficient weights (K values; nil: all 1) and
// Scale = 0 means 1. The loss sums over the maps (no mean over the batch).
// Typical weights are 1/K (a mean squared error over the coefficients,
// WeightMean) or 1/(K σ_k²) with σ_k the std of Φ_k over a set of
// realisations (WeightStd). A zero weight masks a coefficient.
type Term struct {
	Name   string
	Op     StatOp
	Target []complex128
	Weight []float64
	Scale  float64
}

// PixelTerm is a loss term computed on the host directly from the pixels of
// each map (histogram matching, pixel constraints). It returns the loss of map
// x (len M·N) and adds its gradient into grad.
type PixelTerm interface {
	Name() string
	LossGrad(b int, x []float64, grad []float64) float64
}

// Loss is a sum of statistic terms and pixel terms, evaluated on a batch of
// maps with one engine.
type Loss struct {
	Engine stlayer.Engine
	Terms  []*Term
	Pixel  []PixelTerm
}

// ErrNonFinite is returned when the loss or its gradient is NaN or infinite,
// and by Loss.Eval and SepLoss.Eval when the engine refuses the maps as
// non-finite (an error that also matches stlayer.ErrNonFinite).
var ErrNonFinite = errors.New("loss or gradient is not finite")

// Eval returns the total loss, the loss of each term (statistic terms first,
// then pixel terms) and ∂ℒ/∂x.
//
// A nil engine, a nil term or term statistic, a term whose Weight is neither
// nil nor as long as its Target or whose Target is not one value per
// coefficient of its statistic, and maps that are nil, empty or whose Data
// length is not B·M·N (or of another size than a term's statistic was built
// for: refused before any evaluation when the statistic says its size,
// stats.InputSize, else by the engine) are input errors (ErrModelInput).
func (l *Loss) Eval(x *stlayer.Maps) (float64, []float64, []float64, error) {
	if l.Engine == nil {
		return 0, nil, nil, inputErrorf("loss: no engine (nil)")
	}
	for i, t := range l.Terms {
		if err := t.check(); err != nil {
			return 0, nil, nil, asInput(fmt.Errorf("loss term %d: %w", i, err))
		}
	}
	if err := checkMaps("maps", x, 0); err != nil {
		return 0, nil, nil, err
	}
	for _, t := range l.Terms {
		if err := checkOpSize(t.Name, t.Op, x, "maps"); err != nil {
			return 0, nil, nil, err
		}
	}
	grad := make([]float64, len(x.Data))
	parts := make([]float64, 0, len(l.Terms)+len(l.Pixel))
	total := 0.0
	for _, t := range l.Terms {
		lt, g, err := l.Engine.LossGrad(t.Op.Key(), t.Op.Stat(), x, t.lossFunc())
		if err != nil {
			return 0, nil, nil, termError(t.Name, err)
		}
		for i := range grad {
			grad[i] += g[i]
		}
		parts = append(parts, lt)
		total += lt
	}
	mn := x.M * x.N
	for _, p := range l.Pixel {
		lp := 0.0
		for b := 0; b < x.B; b++ {
			lp += p.LossGrad(b, x.Data[b*mn:(b+1)*mn], grad[b*mn:(b+1)*mn])
		}
		parts = append(parts, lp)
		total += lp
	}
	if math.IsNaN(total) || math.IsInf(total, 0) {
		return total, parts, grad, ErrNonFinite
	}
	for _, g := range grad {
		if math.IsNaN(g) || math.IsInf(g, 0) {
			return total, parts, grad, ErrNonFinite
		}
	}
	return total, parts, grad, nil
}

// checkOpSize refuses maps x of another size than the one op was built for,
// when op says it (stats.Sized: every operator of package stats does), with
// an input error naming both sizes and the remedy; what names the maps. The
// engines' own refusal named internals ('filter bank "morlet-cheng j0 L4
// 64x64" is K=4 64x64 (16384 dense values, 0 run lists), field is 256x256'
// for a 64² scov operator and a 256² target).
func checkOpSize(name string, op StatOp, x *stlayer.Maps, what string) error {
	s, ok := op.(interface{ InputSize() (rows, cols int) })
	if !ok {
		return nil
	}
	if r, c := s.InputSize(); r != x.M || c != x.N {
		return sizeInputErrorf("statistic %s was built for maps of %d×%d, the %s are %d×%d: build it for their size (stats.BuildWithRef(spec, eng, maps) does, as stkit synth does on its target)",
			name, r, c, what, x.M, x.N)
	}
	return nil
}

// check refuses a term that cannot be evaluated: nil, without a statistic,
// or with per-coefficient weights of another length than the target.
func (t *Term) check() error {
	switch {
	case t == nil:
		return fmt.Errorf("no term (nil)")
	case t.Op == nil:
		return fmt.Errorf("%s: no statistic (nil)", t.Name)
	case t.Weight != nil && len(t.Weight) != len(t.Target):
		return fmt.Errorf("%s: %d weights for %d target coefficients", t.Name, len(t.Weight), len(t.Target))
	}
	return nil
}

// lossFunc is the host side of a Term: weighted squared distance to the target,
// summed over the batch, and its upstream gradient.
func (t *Term) lossFunc() stlayer.LossFunc {
	return func(out *stlayer.Coeffs) (float64, []complex128, error) {
		k := out.PerMap()
		if t.Weight != nil && len(t.Weight) != len(t.Target) {
			return 0, nil, inputErrorf("%d weights for %d target coefficients", len(t.Weight), len(t.Target))
		}
		if k != len(t.Target) {
			return 0, nil, inputErrorf("statistic has %d coefficients per map, target %d", k, len(t.Target))
		}
		scale := t.scale()
		g := make([]complex128, len(out.Data))
		loss := 0.0
		for b := 0; b < out.B; b++ {
			row := out.Row(b)
			for i, c := range row {
				w := scale
				if t.Weight != nil {
					w *= t.Weight[i]
				}
				if w == 0 {
					continue
				}
				d := c - t.Target[i]
				loss += w * (real(d)*real(d) + imag(d)*imag(d))
				g[b*k+i] = complex(2*w*real(d), 2*w*imag(d))
			}
		}
		return loss, g, nil
	}
}

// scale returns Scale, with 0 meaning 1.
func (t *Term) scale() float64 {
	if t.Scale == 0 {
		return 1
	}
	return t.Scale
}

// WeightMode chooses the per-coefficient weights of a target built from
// maps. Its zero value is WeightMean, which both presets keep; stkit synth
// sets WeightStd when given two or more target maps (--weights auto), which
// Preset does not. String gives the --weights names "mean" and "std".
type WeightMode int

const (
	// WeightMean weighs every coefficient by 1/K, K the number of
	// coefficients per map (a mean squared error over the coefficients).
	WeightMean WeightMode = iota
	// WeightStd weighs coefficient k by 1/(K σ_k²), with
	//
	//	σ_k² = Σ_{b=1..B} |Φ_k(x_b) − mean_k|² / (B − 1)
	//
	// the unbiased variance of Φ_k over the B target maps (needs B ≥ 2; for
	// a complex coefficient the variances of its real and imaginary parts
	// summed: one weight for both, where CompSep whitens them separately).
	// Coefficients that do not vary over the maps, σ_k ≤ 1e−9·(|mean_k| +
	// max σ) (rounding: e.g. the mean of maps that were all normalised to
	// zero mean), are masked (weight 0). K counts the masked coefficients
	// too: the term is (1/K) Σ over the kept k of (ΔΦ_k/σ_k)², not the mean
	// over the kept ones that the separation's StdWeights take.
	WeightStd
)

// NewTarget evaluates op on the target maps with eng and returns a Term whose
// target is the mean of Φ over the maps and whose weights follow mode.
//
// A nil engine or statistic, maps that are nil, empty, whose Data length is
// not B·M·N or that hold non-finite or UNSEEN pixels (datasets.CheckUnseen),
// maps of another size than the statistic was built for (an operator of
// package stats says its size, stats.InputSize: the error names both
// sizes; build it with stats.BuildWithRef on the maps), maps whose mean
// statistic is not finite (e.g. a constant map under a statistic
// normalised by the map's power; the error names the coefficient), an
// unknown mode, and WeightStd with fewer than 2 maps or with maps over
// which no coefficient varies are input errors (ErrModelInput).
func NewTarget(name string, eng stlayer.Engine, op StatOp, maps *stlayer.Maps, mode WeightMode) (*Term, error) {
	if eng == nil || op == nil {
		return nil, inputErrorf("target %s: no engine or statistic (nil)", name)
	}
	if mode != WeightMean && mode != WeightStd {
		return nil, inputErrorf("target %s: unknown weight mode %d", name, int(mode))
	}
	if err := checkFiniteMaps("target maps", maps, 0); err != nil {
		return nil, err
	}
	if err := checkOpSize(name, op, maps, "target maps"); err != nil {
		return nil, err
	}
	if mode == WeightStd && maps.B < 2 {
		return nil, inputErrorf("target %s: std weights need at least 2 target maps, got %d", name, maps.B)
	}
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), maps, 0, nil)
	if err != nil {
		return nil, shapeAsInput(err)
	}
	k := c.PerMap()
	mean := make([]complex128, k)
	for b := 0; b < c.B; b++ {
		for i, v := range c.Row(b) {
			mean[i] += v / complex(float64(c.B), 0)
		}
	}
	for i, v := range mean {
		if math.IsNaN(real(v)) || math.IsNaN(imag(v)) || math.IsInf(real(v), 0) || math.IsInf(imag(v), 0) {
			return nil, inputErrorf("target statistic %s is not finite at coefficient %d (%s): maps the statistic cannot normalise (constant, or without power in a band)?", name, i, op.Labels().String(i))
		}
	}
	w := make([]float64, k)
	switch mode {
	case WeightMean:
		for i := range w {
			w[i] = 1 / float64(k)
		}
	case WeightStd:
		vr := make([]float64, k)
		maxSD := 0.0
		for i := range vr {
			for b := 0; b < c.B; b++ {
				d := c.Row(b)[i] - mean[i]
				vr[i] += real(d)*real(d) + imag(d)*imag(d)
			}
			vr[i] /= float64(c.B - 1)
			maxSD = math.Max(maxSD, math.Sqrt(vr[i]))
		}
		kept := 0
		for i, v := range vr {
			// Coefficients equal over the maps up to rounding carry no scale:
			// 1/σ² of a rounding error would dominate the loss.
			if sd := math.Sqrt(v); sd > 0 && sd > 1e-9*(cmplx.Abs(mean[i])+maxSD) {
				w[i] = 1 / (float64(k) * v)
				kept++
			}
		}
		if kept == 0 {
			return nil, inputErrorf("target %s: %w over the %d target maps (identical maps?): std weights are undefined", name, errNoVariation, c.B)
		}
	}
	return &Term{Name: name, Op: op, Target: mean, Weight: w, Scale: 1}, nil
}

// errNoVariation is wrapped by NewTarget's refusal of std weights when no
// coefficient varies over the target maps.
var errNoVariation = errors.New("no coefficient varies")

// HistogramTerm matches the sorted pixel values of each map to the target's
// quantiles: ℒ = Scale · Σ_b mean_i (sort(x_b)_i − q_i)², with q the target's
// quantiles at the same ranks. Its gradient flows back through the sorting
// permutation (almost everywhere differentiable).
type HistogramTerm struct {
	Scale     float64
	sorted    []float64 // the target's pixel values, sorted
	quantiles []float64 // sorted resampled to npix values
}

// resampleQuantiles picks n values of the sorted sample s at the ranks
// (i + 1/2)/n, i = 0…n−1 (the empirical quantile function, no interpolation).
func resampleQuantiles(s []float64, n int) []float64 {
	q := make([]float64, n)
	for i := range q {
		u := (float64(i) + 0.5) / float64(n) * float64(len(s))
		q[i] = s[min(int(u), len(s)-1)]
	}
	return q
}

// NewHistogramTerm builds the term from target pixels (any number) for maps
// of npix pixels (maps of another size are compared with the target's
// quantiles resampled to their own pixel count, at each call).
//
// With no target pixels or npix < 1 the term has no quantiles and contributes
// nothing (its loss is 0 for maps of any size).
func NewHistogramTerm(target []float64, npix int, scale float64) *HistogramTerm {
	if len(target) == 0 || npix < 1 {
		return &HistogramTerm{Scale: scale}
	}
	s := slices.Clone(target)
	sort.Float64s(s)
	return &HistogramTerm{Scale: scale, sorted: s, quantiles: resampleQuantiles(s, npix)}
}

// Name implements PixelTerm.
func (h *HistogramTerm) Name() string { return "histogram" }

// LossGrad implements PixelTerm.
func (h *HistogramTerm) LossGrad(_ int, x []float64, grad []float64) float64 {
	if len(h.quantiles) == 0 || len(x) == 0 {
		return 0
	}
	q := h.quantiles
	if len(x) != len(q) {
		q = resampleQuantiles(h.sorted, len(x))
	}
	order := argsortFloats(x)
	n := float64(len(x))
	loss := 0.0
	for r, i := range order {
		d := x[i] - q[r]
		loss += d * d / n
		grad[i] += h.Scale * 2 * d / n
	}
	return h.Scale * loss
}

// argsortFloats returns the indices of x in increasing order of value (ties
// in index order): an LSD radix sort on the order-preserving bit patterns of
// the values, 11 bits per pass — several times faster than a comparison
// sort on the 10⁵ pixels of a map, which the histogram term sorts at every
// evaluation.
func argsortFloats(x []float64) []int32 {
	n := len(x)
	key := make([]uint64, n)
	idx := make([]int32, n)
	for i, v := range x {
		b := math.Float64bits(v)
		if b>>63 == 1 {
			b = ^b
		} else {
			b |= 1 << 63
		}
		key[i], idx[i] = b, int32(i)
	}
	key2 := make([]uint64, n)
	idx2 := make([]int32, n)
	const bits = 11
	var count [1 << bits]int
	for shift := 0; shift < 64; shift += bits {
		clear(count[:])
		for _, k := range key {
			count[(k>>shift)&(1<<bits-1)]++
		}
		if count[(key[0]>>shift)&(1<<bits-1)] == n {
			continue // every key has this digit
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i, k := range key {
			d := (k >> shift) & (1<<bits - 1)
			key2[count[d]], idx2[count[d]] = k, idx[i]
			count[d]++
		}
		key, key2, idx, idx2 = key2, key, idx2, idx
	}
	return idx
}
