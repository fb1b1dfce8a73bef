// Package cpu is the plain-Go engine of stkit: it implements stlayer.Engine and
// stlayer.Prim with complex128 buffers, computing every primitive eagerly and
// recording, in LossGrad, a tape of hand-written adjoints (vector–Jacobian
// products) that is run backward once the loss gradient is known.
//
// Gradient convention (as in package stlayer): for a real loss ℒ of a complex
// value z, the gradient carried on the tape is g = ∂ℒ/∂Re z + i ∂ℒ/∂Im z. For a
// map w = f(z) this gives g_z = conj(g_w)·∂w/∂z̄ + g_w·conj(∂w/∂z) (Wirtinger
// calculus); for holomorphic maps it reduces to g_z = g_w·conj(f'(z)), and for
// linear maps to the conjugate transpose applied to g_w. The gradient returned
// for the real input maps is Re g_x.
//
// FFTs are unnormalised forward / 1/(HW)-normalised inverse DFTs over (H, W),
// computed by this package's own FFTs: an in-place radix-2/4 FFT for powers of
// two (rows one at a time, columns in strips of whole row segments), rows of
// length 3·2^k by one radix-3 step and the power-of-two FFT, and a
// mixed-radix (4, 2, 3, 5, generic) Stockham FFT otherwise (also for
// power-of-two columns up to 256 rows and 3·2^k rows of 12–96 points when
// the vector kernels are on); 5–8× faster than gonum's dsp/fourier
// CmplxFFT here (see BenchmarkFFT2*), which the tests use as a reference.
// Prime factors from 23 on (bluesteinMinRadix) go through Bluestein's
// chirp-z algorithm, so an awkward side costs a few times a smooth one
// per pixel (a 501×501 or 499×499 FFT2 ~2.5× a 500×500 one, 997×997 ~2.6×
// per pixel) rather than 35× (501) to 100× (499) with a direct butterfly.
//
// Vector kernels: on amd64 machines with AVX2 and FMA the hot loops (FFT
// butterflies, fused products, folded-weight reductions and their adjoints,
// moduli, periodisation) run in assembly, two complex128 values per
// register (simd_amd64.s); elsewhere, or with STKIT_NOSIMD=1, the same
// loops run in Go. Both compute the same float64 operations up to the
// single rounding of fused multiply-adds (results agree to ~1e−15 relative);
// the tests run both. Work is spread over a pool of goroutines sized
// by runtime.GOMAXPROCS (see WithWorkers). FFTCount reports the transforms a
// statistic computed (the FFT floor of stlayer/perf).
//
// Work the primitives skip (results change at the round-off level only):
//
//   - Real fields (input maps, moduli, powers, real parts, and real-linear
//     combinations of them) are transformed two planes per complex FFT, and
//     FFT2's adjoint computes only the real part their producers read.
//   - Filter values below 1e−14 of a filter's largest value are treated as
//     zero (supportTol: the Gaussian tails and FFT round-off of the Morlet
//     filters); filter products, their adjoints and the FFT passes around
//     them run over each filter's support only.
//   - Spectra of real fields are Hermitian; weighted sums of them (and of
//     their crops and products) read half the grid, and their adjoints hand
//     back "half" gradients that equal the true ones up to the symmetry
//     (herm.go).
//   - Filter products (MulFilters, MulFilter), products of two fields (Mul,
//     MulConj) and |x|^q (Modulus, Pow) are lazy: Periodise, CropFreq, IFFT2,
//     Mean and WeightedMeans consume them without storing them; any other
//     reader materialises them.
//
// Weight slices (MulConst, WeightedMean, WeightedMeans) are not copied: the
// backward pass reads them again, so they must not change until the Forward
// or LossGrad call returns.
package cpu

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"weak"

	"github.com/stkit-org/stkit/stlayer"
)

// Engine is the plain-Go CPU engine. Each primitive runs on up to Workers()
// goroutines; the engine's shared state (buffer pool, FFT plans, Forward
// liveness plans) is locked, so concurrent Forward/LossGrad calls are safe too.
// It has no Close: the buffers it keeps for reuse (PoolBytes) are freed
// with the engine by the garbage collector, or at once by FreePool (the
// engine stays usable).
// Forward and LossGrad return errors, never panic: invalid primitive
// arguments give a *stlayer.ErrShape, a runtime error in the engine, the
// statistic or the loss (on any of the workers) an *InternalError with the
// panic value and stack, and a map whose largest |value| is below
// MinMapScale (≈ 1.49e-150; zero maps excepted), whose degree-2 moments
// would underflow float64, an error wrapping ErrFloat64Range. A batch
// holding a NaN or ±Inf is refused with an error matching
// stlayer.ErrNonFinite that names the first one (map, row, column).
type Engine struct {
	workers int

	poolMu    sync.Mutex
	free      map[int][][]complex128 // free buffers keyed by capacity
	pooled    int64                  // bytes held in free
	poolLimit int64                  // most bytes free may hold
	planLens  map[int]bool           // buffer lengths of the fields of every plan made (getFit)

	planMu sync.Mutex
	plans  map[int]*sync.Pool // gonum CmplxFFT plans keyed by length
	radix  map[int]*radixPlan // own power-of-two plans (read-only once built)
	mixed  map[int]*mixedPlan // own mixed-radix plans (read-only once built)
	p3     map[int]*p3Plan    // own 3·2^k plans (read-only once built)

	fwdPlans map[string]*fwdPlan // Forward buffer-liveness plans by key and shape

	gonumOnly bool // use gonum's CmplxFFT for every length (benchmarks, tests)
	storeSel  bool // Channels always stores its output (tests compare with it)

	countMu  sync.Mutex
	fftCount map[[2]int]float64 // FFTCount

	bankMu   sync.Mutex
	banks    map[weak.Pointer[stlayer.FilterBank]]*bankInfo // filter supports (filter.go)
	uniformW map[int][]float64                              // Mean weights (lazybin.go)
}

// Option configures an Engine.
type Option func(*Engine)

// WithWorkers sets the number of goroutines used by the parallel primitives
// (default runtime.GOMAXPROCS(0); values < 1 mean 1).
func WithWorkers(n int) Option {
	return func(e *Engine) {
		if n < 1 {
			n = 1
		}
		e.workers = n
	}
}

// WithPoolLimit sets how many bytes of free buffers the engine retains for
// reuse between calls (default 2 GiB; 0 disables pooling).
func WithPoolLimit(bytes int64) Option {
	return func(e *Engine) { e.poolLimit = max(bytes, 0) }
}

// WithGonumFFT makes the engine use gonum's CmplxFFT (dsp/fourier) for every
// transform instead of its own FFTs: several times slower, for reference
// measurements (the "bare gonum FFT" floor of stlayer/perf) and tests.
func WithGonumFFT() Option {
	return func(e *Engine) { e.gonumOnly = true }
}

// New returns a CPU engine.
func New(opts ...Option) *Engine {
	e := &Engine{
		workers:   runtime.GOMAXPROCS(0),
		free:      map[int][][]complex128{},
		poolLimit: 2 << 30,
		planLens:  map[int]bool{},
		plans:     map[int]*sync.Pool{},
		radix:     map[int]*radixPlan{},
		mixed:     map[int]*mixedPlan{},
		fwdPlans:  map[string]*fwdPlan{},
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Workers returns the number of worker goroutines the engine uses.
func (e *Engine) Workers() int { return e.workers }

// Name returns "cpu".
func (e *Engine) Name() string { return "cpu" }

var _ stlayer.Engine = (*Engine)(nil)

// Forward evaluates s on x without recording a tape. Buffers are released to
// the engine's pool as soon as their last reader has run, by the liveness
// plan of (key, input shape): when the engine has none, a dry run of s
// (primitives record their output shapes and reads but compute nothing)
// makes it first, so that the first call too holds only the live fields.
// A call whose primitive sequence departs from the plan is detected and
// rerun (dry run and replay, then a run that keeps every field to the end
// if that fails again), so a reused key is safe, only slower. Results do not
// depend on the path taken.
func (e *Engine) Forward(key string, s stlayer.Stat, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	if err := checkMaps(x); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errNilStat
	}
	if err := checkMapScale(x); err != nil {
		return nil, err
	}
	pk := fmt.Sprintf("%s|%d,%d,%d", key, x.B, x.M, x.N)
	e.planMu.Lock()
	plan := e.fwdPlans[pk]
	e.planMu.Unlock()
	if plan != nil {
		if c, err, replayFailed := e.forward(pk, s, x, plan, nil); !replayFailed {
			return c, err
		}
	}
	var eager map[int]bool
	if plan = e.trace(s, x); plan != nil {
		e.planMu.Lock()
		e.fwdPlans[pk] = plan
		e.planMu.Unlock()
		if c, err, replayFailed := e.forward(pk, s, x, plan, nil); !replayFailed {
			return c, err
		}
		eager = plan.eager
	}
	c, err, _ := e.forward(pk, s, x, nil, eager)
	return c, err
}

// trace makes the liveness plan of s on maps shaped like x by a dry run
// (run.dry). It returns nil if the dry run panics for any reason (an
// invalid statistic, whose error the computing run then reports).
//
// Channels selections are traced unstored; those a reader stores anyway
// are made eager (stored by Channels) and the plan is traced again with
// them, so that their sources are released as when Channels copied.
func (e *Engine) trace(s stlayer.Stat, x *stlayer.Maps) (plan *fwdPlan) {
	defer func() {
		if recover() != nil {
			plan = nil
		}
	}()
	var eager map[int]bool
	for pass := 0; ; pass++ {
		r := &run{e: e, dry: true, eager: eager}
		xf := r.inputField(x)
		r.own(s(r, xf))
		// The first pass's plan is valid too (its dry run stores the
		// selections where the replay will): the second only releases
		// their sources earlier.
		if len(r.selOwned) == 0 || pass == 1 {
			p := r.makePlan()
			p.eager = eager
			return p
		}
		eager = map[int]bool{}
		for _, id := range r.selOwned {
			eager[id] = true
		}
	}
}

// forward runs s once; with plan == nil it keeps every field to the end and
// stores the plan it records. eager (plan == nil only; a plan has its own)
// lists the Channels outputs stored at once (fwdPlan.eager).
func (e *Engine) forward(pk string, s stlayer.Stat, x *stlayer.Maps, plan *fwdPlan, eager map[int]bool) (out *stlayer.Coeffs, err error, replayFailed bool) {
	r := &run{e: e, plan: plan, eager: eager}
	if plan != nil {
		r.eager = plan.eager
	}
	defer r.release()
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(errReplay); ok {
				out, err, replayFailed = nil, nil, true
				return
			}
			out, err = nil, asError(p, r, "forward", x)
		}
	}()
	xf := r.inputField(x)
	y := r.own(s(r, xf))
	out = r.coeffs(y)
	if plan == nil {
		p := r.makePlan()
		p.eager = eager
		e.planMu.Lock()
		e.fwdPlans[pk] = p
		e.planMu.Unlock()
	}
	return out, nil, false
}

// LossGrad evaluates s on x recording the tape, calls loss on the output
// coefficients, runs the tape backward from the returned upstream gradient and
// returns the loss and ∂ℒ/∂x (layout of x.Data). All buffers are returned to
// the engine's pool before it returns.
func (e *Engine) LossGrad(key string, s stlayer.Stat, x *stlayer.Maps, loss stlayer.LossFunc) (l float64, grad []float64, err error) {
	if err := checkMaps(x); err != nil {
		return 0, nil, err
	}
	if s == nil {
		return 0, nil, errNilStat
	}
	if loss == nil {
		return 0, nil, errors.New("cpu: nil loss function")
	}
	if err := checkMapScale(x); err != nil {
		return 0, nil, err
	}
	r := &run{e: e, record: true}
	defer r.release()
	phase := "forward"
	defer func() {
		if p := recover(); p != nil {
			l, grad, err = 0, nil, asError(p, r, phase, x)
		}
	}()
	xf := r.inputField(x)
	y := r.own(s(r, xf))
	c := r.coeffs(y)
	phase = "loss"
	l, g, err := loss(c)
	if err != nil {
		return 0, nil, err
	}
	if len(g) != len(c.Data) {
		return 0, nil, fmt.Errorf("cpu: loss gradient has %d values, coefficients have %d", len(g), len(c.Data))
	}
	y.grad, y.gradFull = r.e.get(len(g)), true
	copy(y.grad, g)
	phase = "backward"
	r.backward()
	grad = make([]float64, len(x.Data))
	if xf.grad != nil {
		for i, v := range xf.grad {
			grad[i] = real(v)
		}
	}
	return l, grad, nil
}

// checkMaps refuses (with an *stlayer.ErrShape matching stlayer.ErrSize) a nil batch, one with a
// size < 1, one whose B·M·N overflows int (the product is computed without
// overflow, so a header whose wrapped product equals len(Data) does not
// pass), one whose complex128 field [B, 1, M, N] (16·B·M·N bytes, the
// smallest the engine builds) would not fit int bytes, and one whose Data
// does not hold B·M·N values. It allocates nothing.
func checkMaps(x *stlayer.Maps) error {
	if x == nil {
		return &stlayer.ErrShape{Msg: "cpu: nil maps", Kind: stlayer.ErrSize}
	}
	if x.B < 1 || x.M < 1 || x.N < 1 {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("cpu: maps [%d,%d,%d] with %d values (want B, M, N ≥ 1)", x.B, x.M, x.N, len(x.Data)), Kind: stlayer.ErrSize}
	}
	if x.B > math.MaxInt/x.M || x.B*x.M > math.MaxInt/x.N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("cpu: maps [%d,%d,%d]: B·M·N overflows int (%d values given); no such batch can exist", x.B, x.M, x.N, len(x.Data)), Kind: stlayer.ErrSize}
	}
	if n := x.B * x.M * x.N; n > math.MaxInt/16 {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("cpu: maps [%d,%d,%d]: B·M·N = %d values is too large (a complex128 field of the batch needs 16·B·M·N bytes, beyond the int range); use fewer or smaller maps", x.B, x.M, x.N, n), Kind: stlayer.ErrSize}
	}
	if len(x.Data) != x.B*x.M*x.N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("cpu: maps [%d,%d,%d] with %d values (want %d = B·M·N)", x.B, x.M, x.N, len(x.Data), x.B*x.M*x.N), Kind: stlayer.ErrSize}
	}
	return nil
}

var errNilStat = errors.New("cpu: nil statistic")

// primError is the panic value used by primitives for invalid arguments; it is
// turned into an error by Forward and LossGrad.
type primError struct{ err error }

func shapePanic(format string, a ...any) {
	panic(primError{&stlayer.ErrShape{Msg: "cpu: " + fmt.Sprintf(format, a...)}})
}
