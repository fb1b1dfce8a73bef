package stlayer

import "fmt"

// Maps is a batch of real maps [B, M, N] on the host, row-major, float64.
type Maps struct {
	B, M, N int
	Data    []float64 // len B*M*N; map b, row i, column j at (b*M+i)*N+j
}

// NewMaps allocates a zero batch.
func NewMaps(b, m, n int) *Maps { return &Maps{B: b, M: m, N: n, Data: make([]float64, b*m*n)} }

// Map returns map b (no copy).
func (x *Maps) Map(b int) []float64 { return x.Data[b*x.M*x.N : (b+1)*x.M*x.N] }

// Coeffs is a host copy of a statistic's output Field [B, K, H, W] (H = W = 1
// for global statistics), complex128, flattened channel-major as Field.
type Coeffs struct {
	B, K, H, W int
	Data       []complex128
}

// PerMap returns the number of complex values per map (K*H*W).
func (c *Coeffs) PerMap() int { return c.K * c.H * c.W }

// Row returns the coefficients of map b (no copy).
func (c *Coeffs) Row(b int) []complex128 { n := c.PerMap(); return c.Data[b*n : (b+1)*n] }

// LossFunc receives the forward coefficients and returns a real loss and its
// upstream gradient g = ∂ℒ/∂Re c + i ∂ℒ/∂Im c (same layout as out.Data).
type LossFunc func(out *Coeffs) (loss float64, g []complex128, err error)

// Engine evaluates statistics written against Prim on host maps. Implementations:
// stlayer/cpu (plain Go, hand-written adjoints on a tape) and stlayer/graph
// (GoMLX graphs; native FFT on XLA, four-step DotGeneral FFT on the pure-Go
// backend). Engines are safe for sequential use; key identifies the statistic
// (configuration included) so that graph engines compile once per (key, shape).
type Engine interface {
	// Name is "cpu" or "graph[:<backend>]".
	Name() string
	// Forward evaluates s on x.
	Forward(key string, s Stat, x *Maps) (*Coeffs, error)
	// LossGrad evaluates s on x, calls loss on the coefficients, and returns the
	// loss and ∂ℒ/∂x (same layout as x.Data).
	LossGrad(key string, s Stat, x *Maps, loss LossFunc) (float64, []float64, error)
}

// ErrShape reports an invalid map size for a configuration.
type ErrShape struct{ Msg string }

func (e *ErrShape) Error() string { return e.Msg }

func shapeErrorf(format string, a ...any) error { return &ErrShape{Msg: fmt.Sprintf(format, a...)} }
