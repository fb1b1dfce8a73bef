package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/stkit-org/stkit/stlayer"
)

// SynthConfig holds the optimiser settings of a synthesis.
type SynthConfig struct {
	// Steps is the maximum number of L-BFGS iterations (≤ 0: 300, Cheng's).
	Steps int
	// History is the L-BFGS memory (≤ 0: 20, PyWPH/scipy's maxcor).
	History int
	// RelTol stops when the loss falls below RelTol × the initial loss (default
	// 0: iterate until Steps, as the reference codes effectively do). It
	// must be finite and ≥ 0. It is a ratio of losses, not of their square
	// roots: scatspectra's tol_optim 1e-3 on sqrt(L) is RelTol 1e-6 when the
	// initial loss stands in for its L_null.
	RelTol float64
	// MaxEvals caps loss evaluations (≤ 0: 4·Steps+20).
	MaxEvals int
	// Progress, if non-nil, is called after every iteration.
	Progress func(p Progress)
}

// Progress reports the state of an optimisation after an iteration.
type Progress struct {
	// Run is the index of the map being optimised in independent mode
	// (GenerateConfig.Independent), else 0.
	Run         int
	Iter, Evals int
	Loss        float64
	Parts       []float64
	Elapsed     time.Duration
}

// Result is the outcome of an optimisation.
type Result struct {
	// Maps are the maps of the lowest loss evaluated, Loss that loss
	// (summed over the maps of the batch). Line-search points count: Loss
	// can be below the last History entry when a point evaluated after the
	// last iteration was lower. InitialLoss is the loss of the starting maps.
	Maps        *stlayer.Maps
	Loss        float64
	InitialLoss float64
	// Iters counts the L-BFGS iterations (the start excluded), Evals the
	// loss-and-gradient evaluations, line searches included. Status is
	// gonum's stopping status ("IterationLimit" at Steps,
	// "FunctionEvaluationLimit" at MaxEvals, "FunctionConvergence" at
	// RelTol), "interrupted", "diverged" or, from Generate in independent
	// mode, the last run's.
	//
	// From Generate with GenerateConfig.Independent (PresetQuality's, and
	// stkit synth's, default) and K > 1, Iters and Evals are sums over the
	// K single-map runs, not the iterations per map: K = 2 maps of Steps =
	// 10 give Iters 20, len(History) 10, MapIters [10 10] (one L-BFGS on
	// the stacked maps: Iters 10). MapIters has the count per map.
	Iters  int
	Evals  int
	Status string
	// History holds the loss after each iteration (the starting point
	// excluded); in independent mode the loss summed over the maps' runs
	// at each iteration, as long as the longest run (see Generate).
	History []float64
	// EvalTime is the total time spent inside loss evaluations, Elapsed the
	// wall time of the whole optimisation (their ratio measures the overhead of
	// the optimiser loop).
	EvalTime, Elapsed time.Duration
	// MapIters[b] is the number of L-BFGS iterations map b went through, set
	// by Generate (nil from Minimize). With one L-BFGS on all maps every map
	// has Iters; with GenerateConfig.Independent each map has its own run's
	// count, 0 for a map not started. On a cancellation or an error these
	// tell the maps worked on from the starting maps.
	MapIters []int
	// MapsDone is the number of maps whose optimisation ran to its end, set
	// by Generate: all of them when it returns no error. On an error (or a
	// cancellation) it is, in independent mode, the index of the map whose
	// run stopped (the maps before it are finished; MapIters of that map
	// says how far it got), and 0 with one L-BFGS on all maps.
	MapsDone int
}

// LoopOverhead returns Elapsed/EvalTime − 1: the fraction of time the
// optimiser loop (L-BFGS updates, line search bookkeeping, copies, progress
// reports) adds to the loss and gradient evaluations themselves.
func (r *Result) LoopOverhead() float64 {
	if r.EvalTime <= 0 {
		return 0
	}
	return r.Elapsed.Seconds()/r.EvalTime.Seconds() - 1
}

func (c *SynthConfig) defaults() {
	if c.Steps <= 0 {
		c.Steps = 300
	}
	if c.History <= 0 {
		c.History = 20
	}
	if c.MaxEvals <= 0 {
		c.MaxEvals = 4*c.Steps + 20
	}
}

// Objective is a differentiable function of a batch of maps: the total value,
// the values of its parts (for progress reports) and the gradient.
type Objective interface {
	Eval(x *stlayer.Maps) (value float64, parts []float64, grad []float64, err error)
}

// Minimize runs L-BFGS on the pixels of x0 (all maps of the batch stacked in one
// vector) to minimise loss. It stops at cfg.Steps iterations, on the relative
// tolerance, when ctx is cancelled (returning the best maps evaluated so
// far, those of the lowest loss, line-search points included, and
// ctx.Err()), or when the loss becomes non-finite (returning the best maps
// evaluated, those of the lowest finite loss, and ErrNonFinite).
//
// Maps whose largest |pixel| m lies outside [2^−21, 2^21) are optimised in
// units of 2^e, the smallest power of two above m (2^(e−1) ≤ m < 2^e, so
// the optimised pixels are below 1 with the largest ≥ 1/2; an exact
// rescaling: the loss is evaluated at the same maps, only L-BFGS's metric
// changes). gonum's L-BFGS
// starts its line search with a step of unit length, which cannot move
// pixels of 1e30 (x + 1 = x: the run stopped at once, returning x0 without
// an error) and crawls on pixels of 1e−20.
//
// A context already cancelled when Minimize is called stops it after the
// loss at x0 (no iteration): the Result holds x0 and that loss, with
// ctx.Err().
//
// A nil loss, starting maps that are nil, empty, whose Data length is not
// B·M·N or that hold non-finite pixels or HEALPix's UNSEEN value (missing
// data, see datasets.CheckUnseen), and a negative, NaN or infinite RelTol
// are input errors (ErrModelInput).
func Minimize(ctx context.Context, loss Objective, x0 *stlayer.Maps, cfg SynthConfig) (*Result, error) {
	if loss == nil {
		return nil, inputErrorf("no loss (nil)")
	}
	if err := checkFiniteMaps("starting maps", x0, 0); err != nil {
		return nil, err
	}
	if !(cfg.RelTol >= 0) || math.IsInf(cfg.RelTol, 1) {
		return nil, inputErrorf("relative tolerance %v: want a finite value ≥ 0 (0: run all the iterations; SynthConfig.RelTol)", cfg.RelTol)
	}
	cfg.defaults()
	start := time.Now()
	cur := &stlayer.Maps{B: x0.B, M: x0.M, N: x0.N, Data: slices.Clone(x0.Data)}
	res := &Result{}
	// Memoise: gonum calls Func and Grad separately at the same x.
	var lastX, lastG []float64
	var lastF float64
	var lastParts []float64
	var evalErr error
	bestX := slices.Clone(x0.Data)
	bestF := math.Inf(1)
	// L-BFGS works on y = x/sc (sc a power of two: exact both ways).
	sc := optimScale(x0.Data)
	y0 := x0.Data
	if sc != 1 {
		y0 = make([]float64, len(x0.Data))
		for i, v := range x0.Data {
			y0[i] = v / sc
		}
	}
	eval := func(x []float64) (float64, []float64) {
		if lastX != nil && slices.Equal(x, lastX) {
			return lastF, lastG
		}
		if sc == 1 {
			copy(cur.Data, x)
		} else {
			for i, v := range x {
				cur.Data[i] = v * sc
			}
		}
		t0 := time.Now()
		f, parts, g, err := loss.Eval(cur)
		res.EvalTime += time.Since(t0)
		res.Evals++
		if err != nil {
			if evalErr == nil {
				evalErr = err
			}
			// Steer the line search away: a huge finite value and zero gradient.
			f, g = math.MaxFloat64/16, make([]float64, len(x))
		} else {
			if f < bestF {
				bestF = f
				copy(bestX, cur.Data)
			}
			if sc != 1 { // ∂ℒ/∂y = sc ∂ℒ/∂x
				gy := make([]float64, len(g))
				for i, v := range g {
					gy[i] = v * sc
				}
				g = gy
			}
		}
		lastX = append(lastX[:0], x...)
		lastF, lastG, lastParts = f, g, parts
		return f, g
	}
	f0, _ := eval(y0)
	if evalErr != nil {
		return nil, fmt.Errorf("initial loss: %w", evalErr)
	}
	res.InitialLoss = f0
	if err := ctx.Err(); err != nil {
		// Cancelled before the first iteration: the starting maps are the
		// best so far (an L-BFGS iteration costs several evaluations).
		res.Maps, res.Loss, res.Status = &stlayer.Maps{B: x0.B, M: x0.M, N: x0.N, Data: bestX}, f0, "interrupted"
		res.Elapsed = time.Since(start)
		return res, err
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { f, _ := eval(x); return f },
		Grad: func(grad, x []float64) { _, g := eval(x); copy(grad, g) },
	}
	conv := &stopper{ctx: ctx, tol: cfg.RelTol * f0, res: res, cfg: &cfg, start: start, parts: &lastParts, evalErr: &evalErr}
	settings := &optimize.Settings{
		// gonum counts the starting point as a major iteration.
		MajorIterations:   cfg.Steps + 1,
		FuncEvaluations:   cfg.MaxEvals,
		Converger:         conv,
		GradientThreshold: 1e-300,
	}
	// The iteration cap is the real stopping criterion (methods.md §1.3): no gradient
	// threshold (NaN disables gonum's default 1e-12 on the sup norm).
	method := &optimize.LBFGS{Store: cfg.History, GradStopThreshold: math.NaN()}
	r, err := optimize.Minimize(p, y0, settings, method)
	res.Elapsed = time.Since(start)
	res.Maps = &stlayer.Maps{B: x0.B, M: x0.M, N: x0.N, Data: bestX}
	res.Loss = bestF
	if r != nil {
		res.Status = r.Status.String()
	}
	switch {
	case evalErr != nil && errors.Is(evalErr, ErrNonFinite):
		res.Status = "diverged"
		return res, fmt.Errorf("optimisation stopped after %d iterations: %w (kept the best maps evaluated, loss %.4g)", res.Iters, ErrNonFinite, bestF)
	case evalErr != nil:
		return res, evalErr
	case ctx.Err() != nil:
		res.Status = "interrupted"
		return res, ctx.Err()
	}
	if err != nil && r == nil {
		return res, err
	}
	// gonum reports line-search failures near convergence as errors; the best
	// point found is still the answer.
	return res, nil
}

// optimScale returns 2^e, the smallest power of two above the largest |x|
// (m = f·2^e, f in [1/2, 1)), when m lies outside [2^−21, 2^21), else 1
// (see Minimize).
func optimScale(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	_, e := math.Frexp(m) // m = f·2^e, f in [0.5, 1)
	if e >= -20 && e <= 21 {
		return 1
	}
	return math.Ldexp(1, e)
}

// stopper is a gonum Converger that records progress and stops on
// cancellation, evaluation errors and the relative tolerance.
type stopper struct {
	ctx     context.Context
	tol     float64
	res     *Result
	cfg     *SynthConfig
	start   time.Time
	parts   *[]float64
	evalErr *error
	started bool
}

func (s *stopper) Init(int) { s.started = false }

func (s *stopper) Converged(loc *optimize.Location) optimize.Status {
	if *s.evalErr != nil {
		return optimize.Failure
	}
	if !s.started { // gonum reports the starting point first
		s.started = true
		return optimize.NotTerminated
	}
	s.res.Iters++
	s.res.History = append(s.res.History, loc.F)
	if s.cfg.Progress != nil {
		s.cfg.Progress(Progress{Iter: s.res.Iters, Evals: s.res.Evals, Loss: loc.F, Parts: slices.Clone(*s.parts), Elapsed: time.Since(s.start)})
	}
	if *s.evalErr != nil {
		return optimize.Failure
	}
	if s.ctx.Err() != nil {
		return optimize.MethodConverge
	}
	if s.tol > 0 && loc.F <= s.tol {
		return optimize.FunctionConvergence
	}
	return optimize.NotTerminated
}

// InitKind selects the starting point of a synthesis. Its zero value is
// InitWhiteNoise, the start of a zero GenerateConfig or SampleOptions (and
// of PresetCheng); PresetQuality, stkit synth and stkit sample start from
// InitGRF. String gives the --init names "white" and "grf".
type InitKind int

const (
	// InitWhiteNoise starts from Gaussian white noise with the target's mean
	// and std (the maximum-entropy start of the microcanonical model).
	InitWhiteNoise InitKind = iota
	// InitGRF starts from a Gaussian random field with the target's 2D
	// power spectrum, which converges faster: white noise whose DFT is
	// multiplied by √P(k), P the mean over the reference maps of their
	// periodograms |FFT(x_b)(k)|² (k ≠ 0), then the reference's pixel mean
	// and std. The amplitudes are Gaussian draws about √P, not the
	// reference's own |FFT| (the start before session 19, which imprinted
	// the first reference map's per-mode pattern on every synthesis: log
	// power of the 158 modes |k| ≤ 10 of 256² Quijote syntheses of a set of
	// 20 correlated 0.6–0.7 with map 0's, 0.03–0.08 with the others'). For
	// a non-periodic statistic (GenerateConfig.Apodise) the periodograms
	// are those of the Hann-apodised maps (InitialMapsApodised).
	InitGRF
)

// InitialMaps draws k starting maps of size m×n from reference pixels ref
// (one map or the mean statistics of several: mean and std are taken over all
// of ref; for InitGRF a Gaussian draw from the mean 2D power spectrum of the
// maps of ref, so that two starts, or a start and one reference map, share
// no per-mode amplitude beyond that mean).
// Map b uses the random stream (seed, b), so results are reproducible and
// independent of k.
//
// Reference maps that are nil, empty, whose Data length is not B·M·N, that
// hold non-finite or UNSEEN pixels (datasets.CheckUnseen) or that are
// constant (std 0: no scale to draw from), an unknown kind and k < 1 are input errors (ErrModelInput).
func InitialMaps(kind InitKind, ref *stlayer.Maps, k int, seed uint64) (*stlayer.Maps, error) {
	return InitialMapsApodised(kind, ref, k, seed, false)
}

// InitialMapsApodised is InitialMaps, non-periodic when apodised is true
// (for a statistic that averages over an interior window, stats.Spec Pad
// "crop"): the InitGRF spectrum is then the mean of |FFT(w·(x − x̄_w))(k)|²
// over the reference maps x times the taper w = HannTaper(M, N) after
// removing their taper-weighted mean x̄_w (the spectrum of NewPSOpApodised;
// averaged over cells of |k| and angle as InitGRF's, meanPowerSpectrum2D),
// not the periodic |FFT(x)|²: the periodic amplitudes of a map cut from a larger one
// carry its wrap-around jump as a cross of excess power along the axes,
// which a GRF start drawn from them turns into streaks parallel to the edges. The
// result is rescaled to the reference's pixel mean and std as with
// InitialMaps. InitWhiteNoise uses no spectrum: apodised changes nothing
// there. The input errors are InitialMaps'.
func InitialMapsApodised(kind InitKind, ref *stlayer.Maps, k int, seed uint64, apodised bool) (*stlayer.Maps, error) {
	if err := checkFiniteMaps("reference maps", ref, 0); err != nil {
		return nil, err
	}
	if kind != InitWhiteNoise && kind != InitGRF {
		return nil, inputErrorf("unknown initialisation %d (want InitWhiteNoise or InitGRF)", int(kind))
	}
	if k < 1 {
		return nil, inputErrorf("%d starting maps requested, want ≥ 1", k)
	}
	mean, std, _, _ := Moments(ref.Data)
	if !(std > 0) || math.IsInf(std, 0) {
		return nil, inputErrorf("reference maps are constant or overflow (pixel std %g): nothing to synthesise", std)
	}
	m, n := ref.M, ref.N
	out := stlayer.NewMaps(k, m, n)
	var pk []float64
	if kind == InitGRF {
		pk = meanPowerSpectrum2D(ref, apodised)
	}
	for b := 0; b < k; b++ {
		rng := rand.New(rand.NewPCG(seed, uint64(b)))
		x := out.Map(b)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		if kind == InitGRF {
			gaussianStart(x, pk, m, n)
			_, s, _, _ := Moments(x)
			if s > 0 {
				for i := range x {
					x[i] /= s
				}
			}
		}
		for i := range x {
			x[i] = mean + std*x[i]
		}
	}
	return out, nil
}

// ifft2Real returns the real part of the inverse 2D DFT (1/(MN) factor).
func ifft2Real(f []complex128, m, n int) []float64 {
	// ifft(F) = conj(fft(conj(F)))/(MN); only the real part is kept.
	re := make([]float64, m*n)
	im := make([]float64, m*n)
	for i, v := range f {
		re[i], im[i] = real(v), -imag(v)
	}
	a, b := fft2(re, m, n), fft2(im, m, n)
	out := make([]float64, m*n)
	for i := range out {
		out[i] = (real(a[i]) - imag(b[i])) / float64(m*n)
	}
	return out
}
