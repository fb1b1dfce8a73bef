package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// Mean is the correctly rounded float32 of the exact mean to about an ulp,
// for maps whose mean dominates (a sum of n float32 values added in order
// drifts by ~√n ulp: 4.8e-6 relative for 256², 40 ulp), on the two-stage
// path (n with a divisor ≥ 8) and the float64 path (prime n), and its
// gradient is exactly 1/n.
func TestMeanAccuracy(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	r := rand.New(rand.NewPCG(7, 8))
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	worst := 0.0
	for _, sz := range [][3]int{{2, 256, 256}, {1, 250, 250}, {1, 1, 65521}, {1, 3, 5}} {
		x := stlayer.NewMaps(sz[0], sz[1], sz[2])
		for i := range x.Data {
			x.Data[i] = float64(float32(1 + 0.05*r.NormFloat64())) // exact in float32
		}
		key := fmt.Sprintf("mean %v", sz)
		c, err := e.Forward(key, mean, x)
		if err != nil {
			t.Fatal(err)
		}
		n := sz[1] * sz[2]
		for b := 0; b < x.B; b++ {
			var s float64
			for _, v := range x.Map(b) {
				s += v
			}
			want := s / float64(n)
			ulp := float64(math.Nextafter32(float32(want), 2)) - float64(float32(want))
			d := math.Abs(real(c.Data[b]) - want)
			worst = max(worst, d/ulp)
			if d > ulp {
				t.Errorf("%v map %d: mean %.9g, exact %.9g: off by %.2f float32 ulp (want ≤ 1)", sz, b, real(c.Data[b]), want, d/ulp)
			}
		}
		_, g, err := e.LossGrad(key, mean, x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
			g := make([]complex128, len(c.Data))
			for i := range g {
				g[i] = 1
			}
			return 0, g, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range g {
			if want := float64(float32(1 / float64(n))); math.Abs(v-want) > 1e-6*want {
				t.Fatalf("%v: ∂mean/∂x[%d] = %g, want 1/n = %g", sz, i, v, want)
			}
		}
	}
	t.Logf("worst mean error %.2f float32 ulp", worst)
}

// The WPH gradient of the graph engine (float32) matches the CPU engine
// (complex128) on a natural map: PyWPH's default model, J = 5, L = 4, on the
// top-left 128² crop of dust256, ∂Σ|c|²/∂x. Before the means were summed in
// two stages (meanTwoStage) the error was 9.7e-4 (relative L2): the mean of
// the map was off by ~1e-6 relative, which flips the sign of the gradient of
// ⟨|x_c⋆φ_{−1}|⟩ at a pixel where x_c⋆φ_{−1} is that close to 0. Now 3.3e-7.
func TestWPHGradMatchesCPU(t *testing.T) {
	d := testutil.Dust256(t)
	const n = 128
	x := stlayer.NewMaps(1, n, n)
	for i := 0; i < n; i++ {
		copy(x.Data[i*n:(i+1)*n], d.Data[i*d.N:i*d.N+n])
	}
	cfg := wph.DefaultConfig()
	cfg.J, cfg.L = 5, 4
	op, err := wph.New(cfg, n, n)
	if err != nil {
		t.Fatal(err)
	}
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	l1, g1, err := cpu.New().LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	l2, g2, err := e.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	var dd, nn float64
	for i := range g1 {
		dd += (g2[i] - g1[i]) * (g2[i] - g1[i])
		nn += g1[i] * g1[i]
	}
	rel := math.Sqrt(dd / nn)
	t.Logf("loss: cpu %.9g graph %.9g; gradient relative L2 error %.2e", l1, l2, rel)
	if math.Abs(l2-l1) > 1e-5*l1 {
		t.Errorf("loss %.9g, cpu %.9g", l2, l1)
	}
	if rel > 1e-5 {
		t.Errorf("gradient relative L2 error %.2e against the CPU engine, want ≤ 1e-5", rel)
	}
}
