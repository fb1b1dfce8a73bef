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
// FFTs are unnormalised forward / 1/(HW)-normalised inverse DFTs over (H, W);
// power-of-two lengths use this package's own radix-2/4 FFT, other lengths use
// gonum's dsp/fourier CmplxFFT. Work is spread over a pool of goroutines sized
// by runtime.GOMAXPROCS (see WithWorkers).
package cpu

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/stkit-org/stkit/stlayer"
)

// Engine is the plain-Go CPU engine. It is safe for sequential use (one
// Forward/LossGrad at a time); the primitives themselves run in parallel.
type Engine struct {
	workers int

	poolMu sync.Mutex
	pools  map[int]*sync.Pool // free buffers keyed by length

	planMu sync.Mutex
	plans  map[int]*sync.Pool // gonum CmplxFFT plans keyed by length
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

// New returns a CPU engine.
func New(opts ...Option) *Engine {
	e := &Engine{
		workers: runtime.GOMAXPROCS(0),
		pools:   map[int]*sync.Pool{},
		plans:   map[int]*sync.Pool{},
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

// Forward evaluates s on x without recording a tape. The key is ignored (the CPU
// engine compiles nothing). Intermediate buffers are not retained: each is
// freed by the garbage collector as soon as its handle is unreachable (they may
// come from, but never go back to, the pool that LossGrad recycles).
func (e *Engine) Forward(key string, s stlayer.Stat, x *stlayer.Maps) (out *stlayer.Coeffs, err error) {
	if err := checkMaps(x); err != nil {
		return nil, err
	}
	r := &run{e: e}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, asError(p)
		}
	}()
	xf := r.inputField(x)
	y := r.own(s(r, xf))
	return r.coeffs(y), nil
}

// LossGrad evaluates s on x recording the tape, calls loss on the output
// coefficients, runs the tape backward from the returned upstream gradient and
// returns the loss and ∂ℒ/∂x (layout of x.Data). All buffers are returned to
// the engine's pool before it returns.
func (e *Engine) LossGrad(key string, s stlayer.Stat, x *stlayer.Maps, loss stlayer.LossFunc) (l float64, grad []float64, err error) {
	if err := checkMaps(x); err != nil {
		return 0, nil, err
	}
	r := &run{e: e, record: true}
	defer r.release()
	defer func() {
		if p := recover(); p != nil {
			l, grad, err = 0, nil, asError(p)
		}
	}()
	xf := r.inputField(x)
	y := r.own(s(r, xf))
	c := r.coeffs(y)
	l, g, err := loss(c)
	if err != nil {
		return 0, nil, err
	}
	if len(g) != len(c.Data) {
		return 0, nil, fmt.Errorf("cpu: loss gradient has %d values, coefficients have %d", len(g), len(c.Data))
	}
	y.grad = r.e.get(len(g))
	copy(y.grad, g)
	r.backward()
	grad = make([]float64, len(x.Data))
	if xf.grad != nil {
		for i, v := range xf.grad {
			grad[i] = real(v)
		}
	}
	return l, grad, nil
}

func checkMaps(x *stlayer.Maps) error {
	if x == nil {
		return &stlayer.ErrShape{Msg: "cpu: nil maps"}
	}
	if x.B < 1 || x.M < 1 || x.N < 1 || len(x.Data) != x.B*x.M*x.N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("cpu: maps [%d,%d,%d] with %d values", x.B, x.M, x.N, len(x.Data))}
	}
	return nil
}

// primError is the panic value used by primitives for invalid arguments; it is
// turned into an error by Forward and LossGrad.
type primError struct{ err error }

func shapePanic(format string, a ...any) {
	panic(primError{&stlayer.ErrShape{Msg: "cpu: " + fmt.Sprintf(format, a...)}})
}

func asError(p any) error {
	if pe, ok := p.(primError); ok {
		return pe.err
	}
	panic(p)
}
