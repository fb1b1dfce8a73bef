// Package graph is the GoMLX engine of stkit: it implements stlayer.Engine and
// stlayer.Prim by building GoMLX graphs.
//
// A Field is a pair of float32 graph nodes [B, C, H, W] holding the real and
// the imaginary parts (a nil imaginary part means zero: real fields, e.g. the
// input maps or moduli, cost half). FFTs use the backend's native FFT where it
// exists (XLA) and elsewhere a four-step DotGeneral decomposition against
// host-built DFT/twiddle matrices (package internal/gfft); spectra are in
// natural (fftfreq) order, as stlayer.Prim requires. Filter banks become graph
// constants, converted to float32 once per *stlayer.FilterBank.
//
// Forward and LossGrad compile one graph per (key, input shape, kind: forward
// or gradient) with graph.NewExec and keep it (up to MaxExecs graphs, least
// recently used first out; a LossGrad uses two). LossGrad runs the forward
// graph, calls the host loss, then a second graph that takes (x, g) and
// returns ∂ℒ_lin/∂x for
// ℒ_lin = Σ (Re g·Re c + Im g·Im c): with g = ∂ℒ/∂Re c + i ∂ℒ/∂Im c this is
// ∂ℒ/∂x by the chain rule. Gradients come from GoMLX's reverse-mode autodiff on
// the real and imaginary parts, which is the convention of package stlayer.
//
// Values are float32: the maps are rounded to float32 on the way in, the
// primitives compute in float32 (Mean adds its partial sums in float64,
// meanTwoStage; on NVIDIA GPUs matrix products are full float32 when the
// backend comes from internal/backend, which turns TF32 off unless
// $STKIT_TF32=1), and the coefficients come back as float64 copies of
// float32 values. The loss runs on the host in float64; its ∂ℒ/∂c,
// divided by the power of two nearest its largest |value|, is rounded to
// float32 for the gradient graph, and ∂ℒ/∂x comes back as float32 values
// times that power of two (gradScaled).
//
// Batches holding a map whose largest |value| is below MinMapScale
// (≈ 1.08e-15; zero maps excepted) are refused before any graph runs, with an error wrapping
// ErrFloat32Range (checkMapScale): their degree-2 moments underflow
// float32, which gives finite but zero or wrong coefficients; so are
// batches holding a NaN or ±Inf, with an error matching
// stlayer.ErrNonFinite that names the first one. Finite maps
// whose coefficients are Inf or NaN only because of their scale (|x| ~
// 1e20 overflows |z|²) make Forward and LossGrad return an error wrapping
// ErrFloat32Range (checkFloat32Range), and so does LossGrad
// when the coefficients fit but the loss's gradient ∂ℒ/∂c, ∂ℒ/∂x or an
// intermediate value of the gradient graph does not (checkGradFloat32Range).
//
// Importing the package installs the matmul (and Slice) VJP fixes of
// internal/gomlxfix.
package graph

import (
	"container/list"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"weak"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/internal/gfft"
	_ "github.com/stkit-org/stkit/internal/gomlxfix"
	"github.com/stkit-org/stkit/internal/primstack"
	"github.com/stkit-org/stkit/stlayer"
)

// MaxExecs is the default number of compiled graphs an Engine keeps.
const MaxExecs = 64

// Engine evaluates statistics with GoMLX graphs. Safe for concurrent use:
// graph building and runs are serialised by a lock, which LossGrad releases
// while the host loss function runs, so a loss may call the same engine.
type Engine struct {
	b      backends.Backend
	cfg    string
	method gfft.Method
	max    int

	mu    sync.Mutex
	execs map[string]*list.Element // of *execEntry
	lru   *list.List

	fmu     sync.Mutex
	filters map[weak.Pointer[stlayer.FilterBank]][]float32 // filterData
}

type execEntry struct {
	key  string
	exec *Exec
	sig  *statSig // the statistic it was built from (checkSameStat); nil until built
}

// Option configures an Engine.
type Option func(*Engine)

// WithFFTMethod forces the FFT method (FFTAuto by default: native FFT when
// the backend has one, else four-step; FFTNative, FFTFourStep).
func WithFFTMethod(m gfft.Method) Option { return func(e *Engine) { e.method = m } }

// WithMaxExecs sets how many compiled graphs are kept (default MaxExecs; n <
// 1 counts as 1). LossGrad uses two graphs per statistic and map shape
// (forward and gradient): with n = 1 each call compiles both again.
func WithMaxExecs(n int) Option { return func(e *Engine) { e.max = max(n, 1) } }

// WithConfig records the configuration string b was created with, which
// Config returns (NewDefault records the one internal/backend used). It
// changes nothing else: Name is derived from the backend itself.
func WithConfig(cfg string) Option { return func(e *Engine) { e.cfg = cfg } }

// Config returns the backend configuration recorded by WithConfig ("" when
// none was given).
func (e *Engine) Config() string { return e.cfg }

// New returns an engine on backend b (NewBackend makes one from the CLI's
// --backend strings; see internal/backend for the automatic choice). The
// backend is not finalised by the engine.
func New(b backends.Backend, opts ...Option) *Engine {
	e := &Engine{b: b, max: MaxExecs, execs: map[string]*list.Element{}, lru: list.New(),
		filters: map[weak.Pointer[stlayer.FilterBank]][]float32{}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// NewDefault returns an engine on the process-wide backend chosen by
// internal/backend.Default (automatic selection, as NewBackend("")):
// started on the first call, shared by every NewDefault engine, and never
// released (do not Finalize it; it lives until the process exits). For a
// backend you can release, use NewFromSpec or NewBackend.
func NewDefault(opts ...Option) (*Engine, error) {
	b, cfg, err := backend.Default()
	if err != nil {
		return nil, err
	}
	return New(b, append([]Option{WithConfig(cfg)}, opts...)...), nil
}

var _ stlayer.Engine = (*Engine)(nil)

// Name returns "graph:go" on the pure-Go backend, "graph:<backend name>" otherwise.
func (e *Engine) Name() string {
	if backend.IsPureGo(e.b) {
		return "graph:go"
	}
	return "graph:" + e.b.Name()
}

// Backend returns the engine's backend.
func (e *Engine) Backend() backends.Backend { return e.b }

// Finalize releases the compiled graphs (the backend is left alone). The
// engine stays usable: a later Forward or LossGrad compiles its graphs
// again (TestLibdoc19FinalizeReuse). The backend is its owner's to release
// (b.Finalize() after the engine's last use; NewFromSpec's:
// e.Backend().Finalize()); NewDefault's cannot be released.
func (e *Engine) Finalize() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, el := range e.execs {
		el.Value.(*execEntry).exec.Finalize()
	}
	e.execs = map[string]*list.Element{}
	e.lru.Init()
}

// NumExecs returns the number of compiled graphs held.
func (e *Engine) NumExecs() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.execs)
}

// filterData returns the float32 copy of a bank, cached per bank while
// graphs are being built (banks are immutable, see stlayer.FilterBank). The
// cache holds f weakly, as the cpu engine's does: the copy is dropped (by a
// cleanup the runtime runs after f is collected) once no one holds the bank,
// so a process building many operators or sizes does not keep every bank
// and its copy for the engine's life. A compiled graph does not need the
// copy (its constants are its own) but keeps its statistic, hence its
// banks, until it leaves the graph cache (MaxExecs, Finalize).
func (e *Engine) filterData(f *stlayer.FilterBank) []float32 {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	key := weak.Make(f)
	d, had := e.filters[key]
	if had && len(d) == f.K*f.H*f.W {
		return d
	}
	d = make([]float32, f.K*f.H*f.W)
	for i, v := range f.All() { // dense or sparse bank (zeros off its runs)
		d[i] = float32(v)
	}
	if !had {
		runtime.AddCleanup(f, e.dropFilter, key)
	}
	e.filters[key] = d
	return d
}

// dropFilter forgets the copy of a collected bank.
func (e *Engine) dropFilter(key weak.Pointer[stlayer.FilterBank]) {
	e.fmu.Lock()
	delete(e.filters, key)
	e.fmu.Unlock()
}

// cachedFilters returns the number of banks the engine holds copies of.
func (e *Engine) cachedFilters() int {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	return len(e.filters)
}

// checkMaps refuses (with an *stlayer.ErrShape matching stlayer.ErrSize) a nil batch, one with a
// size < 1, one whose B·M·N overflows int (the product is computed without
// overflow, so a header whose wrapped product equals len(Data) does not
// pass), one whose complex128 field [B, 1, M, N] (16·B·M·N bytes, the
// smallest the engine builds) would not fit int bytes, and one whose Data
// does not hold B·M·N values. It allocates nothing.
func checkMaps(x *stlayer.Maps) error {
	if x == nil {
		return &stlayer.ErrShape{Msg: "graph: nil maps", Kind: stlayer.ErrSize}
	}
	if x.B < 1 || x.M < 1 || x.N < 1 {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("graph: maps [%d,%d,%d] with %d values (want B, M, N ≥ 1)", x.B, x.M, x.N, len(x.Data)), Kind: stlayer.ErrSize}
	}
	if x.B > math.MaxInt/x.M || x.B*x.M > math.MaxInt/x.N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("graph: maps [%d,%d,%d]: B·M·N overflows int (%d values given); no such batch can exist", x.B, x.M, x.N, len(x.Data)), Kind: stlayer.ErrSize}
	}
	if n := x.B * x.M * x.N; n > math.MaxInt/16 {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("graph: maps [%d,%d,%d]: B·M·N = %d values is too large (a complex128 field of the batch needs 16·B·M·N bytes, beyond the int range); use fewer or smaller maps", x.B, x.M, x.N, n), Kind: stlayer.ErrSize}
	}
	if len(x.Data) != x.B*x.M*x.N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("graph: maps [%d,%d,%d] with %d values (want %d = B·M·N)", x.B, x.M, x.N, len(x.Data), x.B*x.M*x.N), Kind: stlayer.ErrSize}
	}
	return nil
}

// errNilStat is returned for a nil statistic, as the cpu engine does (it
// used to be an *InternalError blaming the statistic's own code).
var errNilStat = errors.New("graph: nil statistic")

// buildState carries what a graph-building call learned (the first primitive
// error, the output dims).
type buildState struct {
	err error
}

// exec returns the compiled-graph runner for k, creating it with mk.
func (e *Engine) exec(k string, mk func() (*Exec, error)) (*Exec, error) {
	if el, ok := e.execs[k]; ok {
		e.lru.MoveToFront(el)
		return el.Value.(*execEntry).exec, nil
	}
	ex, err := mk()
	if err != nil {
		return nil, err
	}
	ex.SetMaxCache(2)
	e.execs[k] = e.lru.PushFront(&execEntry{key: k, exec: ex})
	for e.lru.Len() > e.max {
		old := e.lru.Back()
		ent := old.Value.(*execEntry)
		e.lru.Remove(old)
		delete(e.execs, ent.key)
		ent.exec.Finalize()
	}
	return ex, nil
}

func (e *Engine) drop(k string) {
	if el, ok := e.execs[k]; ok {
		e.lru.Remove(el)
		delete(e.execs, k)
		el.Value.(*execEntry).exec.Finalize()
	}
}

// runStat builds (first time) and runs the graph of s: inputs x [B, M, N]
// (plus gr, gi for the gradient graph).
func (e *Engine) runStat(kind, key string, s stlayer.Stat, x *stlayer.Maps, extra ...*tensors.Tensor) (outs []*tensors.Tensor, err error) {
	base := fmt.Sprintf("%s|%d,%d,%d", key, x.B, x.M, x.N)
	k := kind + "|" + base
	if err := e.checkSameStat(base, key, s, x); err != nil {
		return nil, err
	}
	st := &buildState{}
	var sig *statSig // set when this call builds the graph
	ex, err := e.exec(k, func() (*Exec, error) {
		return NewExec(e.b, func(in []*Node) []*Node {
			// GoMLX recovers panics of this function (runtime errors
			// become "runtime panic: …" without a stack, and nothing says
			// it was the statistic's code), so recover them here first:
			// buildError keeps the stack of the panic and the phase.
			phase := "statistic"
			defer func() {
				if r := recover(); r != nil {
					st.err = buildError(r, phase, key, x)
					panic(st.err)
				}
			}()
			p := newPrim(e, in[0].Graph())
			xf := p.inputField(in[0])
			from := len(in[0].Graph().Nodes())
			y := p.own(s(p, xf))
			sig = sigOf(in[0].Graph(), from, y, statCode(s))
			if kind == "fwd" {
				out := []*Node{y.re}
				if y.im != nil {
					out = append(out, y.im)
				}
				return out
			}
			// Gradient graph: ℒ_lin = Σ Re g·Re c + Im g·Im c.
			gr, gi := in[1], in[2]
			if !dimsEqual(gr, y.re) {
				panic(primError{&stlayer.ErrShape{Msg: fmt.Sprintf("graph: upstream gradient %s for output %s", gr.Shape(), y.re.Shape())}})
			}
			l := ReduceAllSum(Mul(y.re, gr))
			if y.im != nil {
				l = Add(l, ReduceAllSum(Mul(y.im, gi)))
			}
			phase = "gradient"
			return []*Node{Gradient(l, in[0])[0]}
		})
	})
	if err != nil {
		return nil, err
	}
	xt := tensors.FromFlatDataAndDimensions(toF32(x.Data), x.B, x.M, x.N)
	args := []any{xt}
	for _, t := range extra {
		args = append(args, t)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = execPanicError(r)
			}
		}()
		outs, err = ex.Exec(args...)
	}()
	xt.FinalizeAll()
	if err != nil || st.err != nil {
		e.drop(k) // a failed build leaves nothing worth keeping
		if st.err != nil {
			return nil, st.err
		}
		return nil, err
	}
	if el, ok := e.execs[k]; ok && sig != nil && el.Value.(*execEntry).sig == nil {
		el.Value.(*execEntry).sig = sig
	}
	return outs, nil
}

// execPanicError is runStat's error for a value r that a compiled graph's
// Exec panicked with past GoMLX's own recovery: "graph: " and the value. A
// primitive's primError gives its error as it is, and so does an error whose
// message already starts with "graph: "; another error value is wrapped (%w),
// so errors.Is and errors.As reach it (a *stlayer.ErrShape, a
// runtime.Error); anything else is formatted with %v.
func execPanicError(r any) error {
	if pe, ok := r.(primError); ok {
		return pe.err
	}
	if err, ok := r.(error); ok {
		if strings.HasPrefix(err.Error(), "graph: ") {
			return err
		}
		return fmt.Errorf("graph: %w", err)
	}
	return fmt.Errorf("graph: %v", r)
}

func dimsEqual(a, b *Node) bool {
	da, db := a.Shape().Dimensions, b.Shape().Dimensions
	if len(da) != len(db) {
		return false
	}
	for i := range da {
		if da[i] != db[i] {
			return false
		}
	}
	return true
}

func toF32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// Forward evaluates s on x. A panic in the statistic's Go code while its
// graph is built is returned as an error, not propagated: a runtime error
// or a non-error value as an *InternalError (Phase "statistic"), an error
// value (e.g. a *stlayer.ErrShape) as it is. A nil s is refused, and so
// is a batch holding a map whose largest |value| is below MinMapScale
// (checkMapScale).
//
// The graph compiled for (key, x's [B, M, N]) is kept and reused: s is
// called only when that graph is built, so key must identify the
// statistic, configuration included (stlayer.Engine). A statistic made by
// another function than the compiled graph's under the same key and shape
// is traced once and refused with an *stlayer.ErrShape unless it builds
// the same operations (checkSameStat; Forward and LossGrad share the
// check); two closures of one function literal, e.g. two operators of one
// family under one made-up key, are not told apart: the second gets the
// first one's coefficients.
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
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.forward(key, s, x)
}

func (e *Engine) forward(key string, s stlayer.Stat, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	c, bad, err := e.forwardRaw(key, s, x)
	if err != nil || bad < 0 {
		return c, err
	}
	if err := e.checkFloat32Range(key, s, x, c, bad); err != nil {
		return nil, err
	}
	return c, nil
}

// forwardRaw runs the forward graph of s on x; bad is the index of the first
// non-finite coefficient, −1 when all are finite.
func (e *Engine) forwardRaw(key string, s stlayer.Stat, x *stlayer.Maps) (c *stlayer.Coeffs, bad int, err error) {
	outs, err := e.runStat("fwd", key, s, x)
	if err != nil {
		return nil, -1, err
	}
	defer func() {
		for _, t := range outs {
			t.FinalizeAll()
		}
	}()
	dims := outs[0].Shape().Dimensions
	if len(dims) != 4 {
		return nil, -1, fmt.Errorf("graph: statistic returned rank %d", len(dims))
	}
	c = &stlayer.Coeffs{B: dims[0], K: dims[1], H: dims[2], W: dims[3]}
	re := tensors.MustCopyFlatData[float32](outs[0])
	var im []float32
	if len(outs) > 1 {
		im = tensors.MustCopyFlatData[float32](outs[1])
	}
	c.Data = make([]complex128, len(re))
	bad = -1
	for i, r := range re {
		var v float32
		if im != nil {
			v = im[i]
		}
		c.Data[i] = complex(float64(r), float64(v))
		// r−r and v−v are NaN for ±Inf and NaN, 0 otherwise.
		if bad < 0 && (r-r != 0 || v-v != 0) {
			bad = i
		}
	}
	return c, bad, nil
}

// ErrFloat32Range is wrapped by the error Forward and LossGrad return when
// finite maps give non-finite coefficients only because of their scale or
// hold a map too small for float32 (largest |value| below MinMapScale), and
// by the error LossGrad returns when finite coefficients give a loss
// gradient ∂ℒ/∂c beyond float32's range (|value| > ~3.4e38) or a gradient
// ∂ℒ/∂x that is non-finite only because of the scale of the maps or of
// ∂ℒ/∂c: the graph engine computes in float32.
var ErrFloat32Range = errors.New("maps outside the graph engine's float32 range")

// checkFloat32Range is called when the coefficients c of s on x hold a
// non-finite value (index bad). When the maps are finite and not all zero,
// it runs the compiled graph again on the maps divided by their largest
// |value|: if every coefficient is finite then, the Inf/NaN came from the
// float32 range (|z|² overflows above ~3.4e38, i.e. |z| ~ 1.8e19; map
// values beyond ~3.4e38 are ±Inf once rounded to float32; tiny maps
// underflow to 0), not from the statistic (e.g. a log of 0, which the
// float64 engine gives too), and it returns an error saying so; otherwise
// nil (the non-finite coefficients are the statistic's own).
func (e *Engine) checkFloat32Range(key string, s stlayer.Stat, x *stlayer.Maps, c *stlayer.Coeffs, bad int) error {
	amax, ok := mapsMaxAbs(x)
	if !ok || amax == 0 {
		return nil // the maps' own non-finite values (see Maps.CheckFinite), or zero maps
	}
	xs := &stlayer.Maps{B: x.B, M: x.M, N: x.N, Data: make([]float64, len(x.Data))}
	for i, v := range x.Data {
		xs.Data[i] = v / amax
	}
	if _, badScaled, err := e.forwardRaw(key, s, xs); err != nil || badScaled >= 0 {
		return nil
	}
	n := 0
	for _, v := range c.Data {
		if cmplx.IsNaN(v) || cmplx.IsInf(v) {
			n++
		}
	}
	how := "overflow float32 (|z|² of a value |z| above ~1.8e19 is +Inf)"
	switch {
	case amax > math.MaxFloat32:
		how = "overflow float32 (the maps hold values beyond float32's largest, ~3.4e38, which are ±Inf once rounded to float32 on the way in)"
	case amax < 1:
		how = "underflow float32 (values below ~1e-38 become 0)"
	}
	return fmt.Errorf("graph: %w: the maps' largest |value| is %.3g and intermediate values of the statistic %s: %d of %d coefficients are Inf or NaN (the first is coefficient %d of map %d), whereas the maps divided by %.3g give finite ones; rescale the maps (e.g. to unit standard deviation) or use the float64 cpu engine (--engine cpu)",
		ErrFloat32Range, amax, how, n, len(c.Data), bad%c.PerMap(), bad/c.PerMap(), amax)
}

// LossGrad evaluates s on x, calls loss on the coefficients and returns the
// loss and ∂ℒ/∂x (layout of x.Data). The loss runs on the host, in Go; a
// panic in it is returned as an error (callLoss), not propagated. A map
// below MinMapScale is refused before the forward graph runs
// (checkMapScale), as in Forward. ∂ℒ/∂c
// (the loss's gradient) goes to the gradient graph as float32, scaled by
// a power of two (gradScaled): values beyond float32's range are refused, and so is a non-finite ∂ℒ/∂x that
// comes from the float32 range (ErrFloat32Range; checkGradFloat32Range).
// The engine's lock is not held while the loss runs, so the loss may call
// the same engine (e.g. Forward of a reference statistic, or another
// LossGrad); other goroutines' calls may run between the forward graph and
// the gradient graph, which does not change the result.
func (e *Engine) LossGrad(key string, s stlayer.Stat, x *stlayer.Maps, loss stlayer.LossFunc) (float64, []float64, error) {
	if err := checkMaps(x); err != nil {
		return 0, nil, err
	}
	if s == nil {
		return 0, nil, errNilStat
	}
	if loss == nil {
		return 0, nil, errors.New("graph: nil loss function")
	}
	if err := checkMapScale(x); err != nil {
		return 0, nil, err
	}
	c, err := func() (*stlayer.Coeffs, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.forward(key, s, x)
	}()
	if err != nil {
		return 0, nil, err
	}
	// Without the lock: c is the loss's own copy, and a loss that calls
	// back into the engine would deadlock on it (sync.Mutex is not
	// reentrant).
	l, g, err := callLoss(loss, c, x)
	if err != nil {
		return 0, nil, err
	}
	if len(g) != len(c.Data) {
		return 0, nil, fmt.Errorf("graph: loss gradient has %d values, coefficients have %d", len(g), len(c.Data))
	}
	gmax, gfinite := maxAbsComplex(g)
	if gfinite && gmax > math.MaxFloat32 {
		return 0, nil, fmt.Errorf("graph: %w: the loss's gradient with respect to the coefficients, ∂ℒ/∂c (computed by the loss in float64), has largest |value| %.3g, beyond float32's largest value ~3.4e38 (the coefficients themselves fit: their largest |value| is %.3g); rescale the maps (e.g. to unit standard deviation) or the loss so that ∂ℒ/∂c is smaller, or use the float64 cpu engine (--engine cpu)",
			ErrFloat32Range, gmax, maxAbsCoeffs(c))
	}
	grad, err := func() ([]float64, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.gradScaled(key, s, x, c, g, gmax, gfinite)
	}()
	if err != nil {
		return 0, nil, err
	}
	return l, grad, nil
}

// gradRaw runs the gradient graph of s on the maps x/xs with the upstream
// gradient g/gs (g holds one value per coefficient of c, the coefficients
// of s on x); bad is the index of the first non-finite value of ∂ℒ/∂x, −1
// when all are finite. The caller holds e.mu.
func (e *Engine) gradRaw(key string, s stlayer.Stat, x *stlayer.Maps, c *stlayer.Coeffs, g []complex128, xs, gs float64) (d []float32, bad int, err error) {
	if xs != 1 {
		xd := &stlayer.Maps{B: x.B, M: x.M, N: x.N, Data: make([]float64, len(x.Data))}
		for i, v := range x.Data {
			xd.Data[i] = v / xs
		}
		x = xd
	}
	gr, gi := make([]float32, len(g)), make([]float32, len(g))
	for i, v := range g {
		gr[i], gi[i] = float32(real(v)/gs), float32(imag(v)/gs)
	}
	grT := tensors.FromFlatDataAndDimensions(gr, c.B, c.K, c.H, c.W)
	giT := tensors.FromFlatDataAndDimensions(gi, c.B, c.K, c.H, c.W)
	outs, err := e.runStat("grad", key, s, x, grT, giT)
	grT.FinalizeAll()
	giT.FinalizeAll()
	if err != nil {
		return nil, -1, err
	}
	defer func() {
		for _, t := range outs {
			t.FinalizeAll()
		}
	}()
	d = tensors.MustCopyFlatData[float32](outs[0])
	bad = -1
	for i, v := range d {
		if v-v != 0 { // NaN for ±Inf and NaN
			bad = i
			break
		}
	}
	return d, bad, nil
}

// checkGradFloat32Range is called when the gradient d = ∂ℒ/∂x of s on x,
// for the upstream gradient g = ∂ℒ/∂c (largest |Re|, |Im| gmax, gfinite
// when every value is finite), holds a non-finite value (index bad) although
// the coefficients c are finite. The gradient graph is linear in g, so when
// the maps and g are finite and not all zero it runs the gradient graph
// again on g/gmax: if that is finite, ∂ℒ/∂x itself (gmax times it) is
// beyond float32's range, and it returns an error giving its largest
// |value|. Otherwise it runs the graph on the maps divided by their largest
// |value| as well: if that is finite, intermediate values of the gradient
// graph overflow (or underflow) float32 and it returns an error saying so.
// Otherwise nil: the non-finite values are the statistic's own (e.g. the
// gradient of a log at 0), which the float64 engine gives too. Errors wrap
// ErrFloat32Range. The caller holds e.mu.
func (e *Engine) checkGradFloat32Range(key string, s stlayer.Stat, x *stlayer.Maps, c *stlayer.Coeffs, g []complex128, gmax float64, gfinite bool, d []float32, bad int) error {
	if !gfinite || gmax == 0 {
		return nil // the loss's own non-finite values, or 0·(non-finite)
	}
	amax, ok := mapsMaxAbs(x)
	if !ok || amax == 0 {
		return nil // the maps' own non-finite values (see Maps.CheckFinite), or zero maps
	}
	n := 0
	for _, v := range d {
		if v-v != 0 {
			n++
		}
	}
	px := x.M * x.N
	where := fmt.Sprintf("%d of %d values of ∂ℒ/∂x came out Inf or NaN (the first at pixel (%d, %d) of map %d)",
		n, len(d), bad%px/x.N, bad%x.N, bad/px)
	const advice = "rescale the maps (e.g. to unit standard deviation) or use the float64 cpu engine (--engine cpu)"
	if d1, bad1, err := e.gradRaw(key, s, x, c, g, 1, gmax); err == nil && bad1 < 0 {
		dmax := 0.0
		for _, v := range d1 {
			dmax = max(dmax, math.Abs(float64(v)))
		}
		return fmt.Errorf("graph: %w: the gradient of the loss with respect to the maps, ∂ℒ/∂x, has largest |value| ~%.3g, beyond float32's largest value ~3.4e38, so %s; the maps' largest |value| is %.3g and the loss's gradient ∂ℒ/∂c's %.3g; %s",
			ErrFloat32Range, dmax*gmax, where, amax, gmax, advice)
	}
	if _, bad2, err := e.gradRaw(key, s, x, c, g, amax, gmax); err != nil || bad2 >= 0 {
		return nil
	}
	how := "overflow float32 (above ~3.4e38 a value is +Inf)"
	if amax < 1 {
		how = "overflow or underflow float32 (above ~3.4e38 a value is +Inf, below ~1e-38 it loses precision and becomes 0)"
	}
	return fmt.Errorf("graph: %w: intermediate values of the gradient graph %s, so %s, whereas the maps divided by their largest |value| (%.3g) with ∂ℒ/∂c divided by its largest |value| (%.3g) give a finite gradient; %s",
		ErrFloat32Range, how, where, amax, gmax, advice)
}

// maxAbsComplex returns the largest |Re v|, |Im v| of g and whether every
// value is finite.
func maxAbsComplex(g []complex128) (m float64, finite bool) {
	for _, v := range g {
		r, i := real(v), imag(v)
		if math.IsNaN(r) || math.IsInf(r, 0) || math.IsNaN(i) || math.IsInf(i, 0) {
			return m, false
		}
		m = max(m, math.Abs(r), math.Abs(i))
	}
	return m, true
}

// maxAbsCoeffs returns the largest |c| of the coefficients.
func maxAbsCoeffs(c *stlayer.Coeffs) float64 {
	m := 0.0
	for _, v := range c.Data {
		m = max(m, cmplx.Abs(v))
	}
	return m
}

// InternalError is the error Forward and LossGrad return when a panic that
// is not an argument error happened in code the engine runs on the host, as
// the cpu engine's *cpu.InternalError: a runtime error (index out of range,
// nil dereference) or a value that is not an error, in the statistic's own
// Go code or a primitive while the statistic's graph was built (Phase
// "statistic"), while its gradient graph was built (Phase "gradient"), or in
// the loss function (Phase "loss"). It is a defect of that code, not a
// problem with the maps: Error gives the panic value and its stack, to be
// included in a bug report. An error value other than a runtime.Error that
// the statistic or the loss panics with (e.g. a *stlayer.ErrShape) is
// returned as it is.
type InternalError struct {
	// Phase is "statistic" (building the statistic's graph: its own code
	// and the primitives it calls), "gradient" (building the gradient
	// graph by automatic differentiation) or "loss" (the LossFunc).
	Phase string
	// Key is the statistic's key as given to Forward or LossGrad ("" for
	// Phase "loss").
	Key string
	// Op is the stlayer.Prim method of the graph engine that was running
	// in Phase "statistic" ("" when the panic came from the statistic's own
	// code).
	Op string
	// Maps is the input batch's [B, M, N].
	Maps [3]int
	// Value is the value the code panicked with; Stack the stack at the
	// panic.
	Value any
	Stack []byte
}

func (e *InternalError) Error() string {
	var where string
	switch {
	case e.Phase == "loss":
		where = "in the loss function"
	case e.Phase == "gradient":
		where = fmt.Sprintf("while building the gradient graph of statistic %q (automatic differentiation)", e.Key)
	case e.Op != "":
		where = fmt.Sprintf("in the graph engine's %s, called by statistic %q while its graph was built", e.Op, e.Key)
	default:
		where = fmt.Sprintf("in the statistic's own code (statistic %q, while its graph was built)", e.Key)
	}
	return fmt.Sprintf("graph engine: internal error (a defect; please report it with this message) %s on maps [%d, %d, %d]: panic: %v\n%s",
		where, e.Maps[0], e.Maps[1], e.Maps[2], e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error (e.g. a runtime.Error).
func (e *InternalError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// buildError turns the panic value r recovered while a graph of statistic
// key was built on maps x into the error Forward and LossGrad return: a
// primitive's primError gives its error; an error value that is not a
// runtime.Error (the statistic's own, e.g. a *stlayer.ErrShape, or one of
// GoMLX's) is returned as it is; anything else becomes an *InternalError
// of the phase with the value and the stack. It must be called from the
// deferred function that recovered r (it reads the stack, which then still
// holds the panicking frames).
func buildError(r any, phase, key string, x *stlayer.Maps) error {
	if pe, ok := r.(primError); ok {
		return pe.err
	}
	if err, ok := r.(error); ok {
		if _, isRuntime := err.(runtime.Error); !isRuntime {
			return err
		}
	}
	ie := &InternalError{Phase: phase, Key: key, Maps: [3]int{x.B, x.M, x.N}, Value: r, Stack: debug.Stack()}
	if phase == "statistic" {
		ie.Op = primOnStack()
	}
	return ie
}

// primOnStack returns the outermost stlayer.Prim method of the engine on
// the calling goroutine's stack, "" if there is none.
func primOnStack() string { return primstack.Outermost("stlayer/graph.(*prim).") }

// callLoss calls loss on c (the coefficients of maps x), turning a panic
// into an error: an error value that is not a runtime.Error as it is,
// anything else into an *InternalError with the value and the stack.
func callLoss(loss stlayer.LossFunc, c *stlayer.Coeffs, x *stlayer.Maps) (l float64, g []complex128, err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		l, g = 0, nil
		if pe, ok := p.(error); ok {
			if _, isRuntime := pe.(runtime.Error); !isRuntime {
				err = pe
				return
			}
		}
		err = &InternalError{Phase: "loss", Maps: [3]int{x.B, x.M, x.N}, Value: p, Stack: debug.Stack()}
	}()
	return loss(c)
}

// primError is the panic value of primitives for invalid arguments; Forward
// and LossGrad return its error.
type primError struct{ err error }

func shapePanic(format string, a ...any) {
	panic(primError{&stlayer.ErrShape{Msg: "graph: " + fmt.Sprintf(format, a...)}})
}

// IsShapeError reports whether err is a *stlayer.ErrShape.
func IsShapeError(err error) bool {
	var se *stlayer.ErrShape
	return errors.As(err, &se)
}

// mapsMaxAbs returns the largest |pixel| of x, and false when a pixel is
// NaN or ±Inf (the maps' own non-finite values, which the float32 range
// checks leave to the statistic).
func mapsMaxAbs(x *stlayer.Maps) (float64, bool) {
	amax := 0.0
	for _, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		amax = max(amax, math.Abs(v))
	}
	return amax, true
}
