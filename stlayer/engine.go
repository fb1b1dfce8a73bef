package stlayer

import (
	"fmt"
	"math"
)

// Maps is a batch of real maps [B, M, N] on the host, row-major, float64.
type Maps struct {
	B, M, N int
	Data    []float64 // len B*M*N; map b, row i, column j at (b*M+i)*N+j
}

// NewMaps allocates a zero batch. Like make, it panics for negative sizes
// (any of b, m, n; zero sizes give an empty batch, which Check refuses).
func NewMaps(b, m, n int) *Maps {
	if b < 0 || m < 0 || n < 0 {
		panic(fmt.Sprintf("stlayer.NewMaps: negative size [%d, %d, %d]", b, m, n))
	}
	return &Maps{B: b, M: m, N: n, Data: make([]float64, b*m*n)}
}

// Map returns map b (no copy); b must be in [0, B).
func (x *Maps) Map(b int) []float64 { return x.Data[b*x.M*x.N : (b+1)*x.M*x.N] }

// Check returns an *ErrShape error naming the problem unless x is a usable
// batch: not nil, B, M, N ≥ 1 and len(Data) = B·M·N (the error matches
// ErrSize). It does not look at the values (see CheckFinite).
func (x *Maps) Check() error {
	if x == nil {
		return sizeErrorf("stlayer: nil maps")
	}
	if !fits(len(x.Data), x.B, x.M, x.N) {
		return sizeErrorf("stlayer: maps [%d, %d, %d] with %d values (need B, M, N ≥ 1 and B·M·N values)", x.B, x.M, x.N, len(x.Data))
	}
	return nil
}

// CheckFinite returns an error naming the first NaN or ±Inf value of x (map,
// row, column), matching ErrNonFinite; nil when every value is finite. x
// must pass Check.
func (x *Maps) CheckFinite() error {
	for i, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return NonFiniteError("stlayer: ", x, i)
		}
	}
	return nil
}

// fits reports whether n is the product of dims (each ≥ 1), without
// overflow.
func fits(n int, dims ...int) bool {
	p := 1
	for _, d := range dims {
		if d < 1 || d > n/p {
			return false
		}
		p *= d
	}
	return p == n
}

// Coeffs is a host copy of a statistic's output Field [B, K, H, W] (H = W = 1
// for global statistics), complex128, flattened channel-major as Field.
type Coeffs struct {
	B, K, H, W int
	Data       []complex128
}

// PerMap returns the number of complex values per map (K*H*W).
func (c *Coeffs) PerMap() int { return c.K * c.H * c.W }

// Check returns an *ErrShape error naming the problem unless c is a usable
// coefficient batch: not nil, B, K, H, W ≥ 1 and len(Data) = B·K·H·W.
func (c *Coeffs) Check() error {
	if c == nil {
		return shapeErrorf("stlayer: nil coefficients")
	}
	if !fits(len(c.Data), c.B, c.K, c.H, c.W) {
		return shapeErrorf("stlayer: coefficients [%d, %d, %d, %d] with %d values (need B, K, H, W ≥ 1 and B·K·H·W values)", c.B, c.K, c.H, c.W, len(c.Data))
	}
	return nil
}

// Row returns the coefficients of map b (no copy).
func (c *Coeffs) Row(b int) []complex128 { n := c.PerMap(); return c.Data[b*n : (b+1)*n] }

// LossFunc receives the forward coefficients and returns a real loss and its
// upstream gradient g = ∂ℒ/∂Re c + i ∂ℒ/∂Im c (same layout as out.Data).
type LossFunc func(out *Coeffs) (loss float64, g []complex128, err error)

// SumAbs2 is the LossFunc ℒ = Σ_k |c_k|² over every coefficient of every
// map, with g = 2c (PyWPH's Σ|coeffs|², Kymatio's ΣS²: the losses of the
// peers' gradient fixtures).
func SumAbs2(c *Coeffs) (float64, []complex128, error) {
	g := make([]complex128, len(c.Data))
	l := 0.0
	for i, v := range c.Data {
		l += real(v)*real(v) + imag(v)*imag(v)
		g[i] = 2 * v
	}
	return l, g, nil
}

// SumRe2 is the LossFunc ℒ = Σ_k (Re c_k)² with g = 2 Re c (Cheng's
// Σ(for_synthesis_iso)² of a real vector, the loss of his gradient fixture).
func SumRe2(c *Coeffs) (float64, []complex128, error) {
	g := make([]complex128, len(c.Data))
	l := 0.0
	for i, v := range c.Data {
		l += real(v) * real(v)
		g[i] = complex(2*real(v), 0)
	}
	return l, g, nil
}

// Engine evaluates statistics written against Prim on host maps. Implementations:
// stlayer/cpu (plain Go, hand-written adjoints on a tape) and stlayer/graph
// (GoMLX graphs; native FFT on XLA, four-step DotGeneral FFT on the pure-Go
// backend). Both engines are safe for concurrent use: several goroutines may
// call Forward and LossGrad on one engine at once (the cpu engine locks its
// shared state, the graph engine serialises its graph runs) and get what
// calls made one at a time give, bit for bit (TestLibdoc19EnginesConcurrent;
// with -race: 4 goroutines × 3 stats.Forward and 3 syntheses at once on
// either engine). key identifies the statistic (configuration included) so
// that graph engines compile once per (key, shape). Engines need no closing:
// the cpu engine's buffer pool goes with the engine (cpu.Engine.FreePool
// drops it at once), the graph engine's compiled graphs are released by
// graph.Engine.Finalize and its GoMLX backend by the backend's owner.
// Both refuse a batch holding a map whose largest |value| is positive and so
// small that its degree-2 moments would underflow the engine's floating-point
// type (graph.MinMapScale ≈ 1.08e-15 for float32, cpu.MinMapScale ≈ 1.49e-150
// for float64): the caller multiplies such maps by a constant first. Both
// refuse a batch holding a NaN or ±Inf with an error matching ErrNonFinite
// (naming the first: map, row, column) and a nil batch or one whose Data is
// not B·M·N values with an *ErrShape matching ErrSize.
type Engine interface {
	// Name is "cpu" or "graph[:<backend>]".
	Name() string
	// Forward evaluates s on x.
	Forward(key string, s Stat, x *Maps) (*Coeffs, error)
	// LossGrad evaluates s on x, calls loss on the coefficients, and returns the
	// loss and ∂ℒ/∂x (same layout as x.Data).
	LossGrad(key string, s Stat, x *Maps, loss LossFunc) (float64, []float64, error)
}

// ErrShape reports invalid input shapes or arguments: a map size a
// configuration cannot use, maps or coefficients that fail Check, and an
// invalid primitive argument met by an engine (both engines return it from
// Forward and LossGrad instead of panicking). Kind, when set, is the
// sentinel it matches (errors.Is): ErrSize for maps whose shape cannot be
// used, ErrScales for J, L or DN out of range; Kind is nil for an invalid
// primitive argument or coefficients that fail Check.
type ErrShape struct {
	Msg  string
	Kind error
}

func (e *ErrShape) Error() string { return e.Msg }

func shapeErrorf(format string, a ...any) error { return &ErrShape{Msg: fmt.Sprintf(format, a...)} }

func sizeErrorf(format string, a ...any) error {
	return &ErrShape{Msg: fmt.Sprintf(format, a...), Kind: ErrSize}
}
