package graph

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Sqrt of a negative real part (outside stlayer.Prim's contract) gave 0 in
// the graph engine and NaN in the cpu engine (math.Sqrt), so a variance
// rounded below 0 normalised to Inf on one engine and NaN on the other; a NaN
// input gave 0 on the graph engine. Both now give NaN (IEEE sqrt) for
// Re z < 0 or NaN, 0 at Re z = 0, and the gradient Re(g)/(2·sqrt(Re z)) for
// Re z > 0, 0 elsewhere (no NaN enters ∂ℒ/∂x from the masked points).
func TestSqrtNegativeEnginesAgree(t *testing.T) {
	ge := New(gomlxtest.Backend(t))
	defer ge.Finalize()
	ce := cpu.New()
	vals := []float64{4, 0.25, 0, -1, 9, -1e-7, 2, 1e-6, -3, 16, 0, 0.5, -0.5, 1, 100, -100}
	x := &stlayer.Maps{B: 1, M: 4, N: 4, Data: vals}
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Sqrt(x) }
	// The loss Σ Re c over the finite coefficients, with ∂ℒ/∂c = 1 at every
	// coefficient (NaN ones included), so the gradient at a negative input
	// is the engine's, not the loss's.
	loss := func(c *stlayer.Coeffs) (float64, []complex128, error) {
		l, g := 0.0, make([]complex128, len(c.Data))
		for i, v := range c.Data {
			if !math.IsNaN(real(v)) {
				l += real(v)
			}
			g[i] = 1
		}
		return l, g, nil
	}
	for _, eng := range []struct {
		name string
		e    stlayer.Engine
		tol  float64
	}{{"cpu", ce, 1e-15}, {"graph", ge, 1e-6}} {
		c, err := eng.e.Forward("sqrt", stat, x)
		if err != nil {
			t.Fatalf("%s Forward: %v", eng.name, err)
		}
		_, grad, err := eng.e.LossGrad("sqrt", stat, x, loss)
		if err != nil {
			t.Fatalf("%s LossGrad: %v", eng.name, err)
		}
		for i, v := range vals {
			got, dg := c.Data[i], grad[i]
			switch {
			case v < 0:
				if !math.IsNaN(real(got)) || dg != 0 {
					t.Errorf("%s: sqrt(%g) = %v, gradient %g; want NaN and 0", eng.name, v, got, dg)
				}
			case v == 0:
				if got != 0 || dg != 0 {
					t.Errorf("%s: sqrt(0) = %v, gradient %g; want 0 and 0", eng.name, got, dg)
				}
			default:
				w, wg := math.Sqrt(v), 1/(2*math.Sqrt(v))
				if math.Abs(real(got)-w) > eng.tol*w || imag(got) != 0 || math.Abs(dg-wg) > eng.tol*wg {
					t.Errorf("%s: sqrt(%g) = %v, gradient %g; want %g and %g", eng.name, v, got, dg, w, wg)
				}
			}
		}
	}
	// A NaN reaching Sqrt (from Sqrt(−1) inside the statistic: the engines
	// refuse NaN maps, stlayer.ErrNonFinite): NaN on both engines.
	nx := &stlayer.Maps{B: 1, M: 1, N: 2, Data: []float64{-1, 1}}
	sqrt2 := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Sqrt(p.Sqrt(x)) }
	for _, e := range []stlayer.Engine{ce, ge} {
		c, err := e.Forward("sqrtnan", sqrt2, nx)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(real(c.Data[0])) || real(c.Data[1]) != 1 {
			t.Errorf("%T: sqrt(sqrt([-1 1])) = %v, want [NaN 1]", e, c.Data)
		}
		nx.Data[0] = math.NaN()
		if _, err := e.Forward("sqrtnan", stat, nx); !errors.Is(err, stlayer.ErrNonFinite) {
			t.Errorf("%T: NaN map: error %v, want stlayer.ErrNonFinite", e, err)
		}
		nx.Data[0] = -1
	}
}
