package infer

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// momentEngine is a host-only stlayer.Engine whose "statistic" is the first
// three raw moments of each map, (⟨x⟩, ⟨x²⟩, ⟨x³⟩), with exact gradients. It
// lets the optimiser wiring be tested without an ST engine.
type momentEngine struct{ nanAfter int }

type momentOp struct{}

func (momentOp) Stat() stlayer.Stat      { return nil }
func (momentOp) Key() string             { return "moments" }
func (momentOp) Labels() *stlayer.Labels { return stlayer.NewLabels() }

func (e *momentEngine) Name() string { return "moments" }

func (e *momentEngine) Forward(_ string, _ stlayer.Stat, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	c := &stlayer.Coeffs{B: x.B, K: 3, H: 1, W: 1, Data: make([]complex128, 3*x.B)}
	n := float64(x.M * x.N)
	for b := 0; b < x.B; b++ {
		for _, v := range x.Map(b) {
			c.Data[3*b] += complex(v/n, 0)
			c.Data[3*b+1] += complex(v*v/n, 0)
			c.Data[3*b+2] += complex(v*v*v/n, 0)
		}
	}
	return c, nil
}

func (e *momentEngine) LossGrad(key string, s stlayer.Stat, x *stlayer.Maps, loss stlayer.LossFunc) (float64, []float64, error) {
	c, _ := e.Forward(key, s, x)
	l, g, err := loss(c)
	if err != nil {
		return 0, nil, err
	}
	if e.nanAfter > 0 {
		e.nanAfter--
		if e.nanAfter == 0 {
			return math.NaN(), make([]float64, len(x.Data)), nil
		}
	}
	grad := make([]float64, len(x.Data))
	n := float64(x.M * x.N)
	mn := x.M * x.N
	for b := 0; b < x.B; b++ {
		for i, v := range x.Map(b) {
			grad[b*mn+i] = (real(g[3*b]) + real(g[3*b+1])*2*v + real(g[3*b+2])*3*v*v) / n
		}
	}
	return l, grad, nil
}

func momentTarget(t *testing.T, eng stlayer.Engine) (*Term, *stlayer.Maps) {
	ref := stlayer.NewMaps(1, 8, 8)
	for i := range ref.Data {
		ref.Data[i] = math.Exp(0.5 * math.Sin(float64(i))) // skewed
	}
	term, err := NewTarget("moments", eng, momentOp{}, ref, WeightMean)
	if err != nil {
		t.Fatal(err)
	}
	return term, ref
}

func TestMinimizeMatchesMoments(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	x0, err := InitialMaps(InitWhiteNoise, ref, 3, 42)
	if err != nil {
		t.Fatal(err)
	}
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	iters := 0
	res, err := Minimize(context.Background(), loss, x0, SynthConfig{Steps: 200, Progress: func(Progress) { iters++ }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loss > 1e-10*res.InitialLoss {
		t.Errorf("loss %g from %g: not converged", res.Loss, res.InitialLoss)
	}
	if iters == 0 || iters != res.Iters {
		t.Errorf("progress called %d times for %d iterations", iters, res.Iters)
	}
	c, _ := eng.Forward("", nil, res.Maps)
	for b := 0; b < 3; b++ {
		for k := 0; k < 3; k++ {
			if d := math.Abs(real(c.Row(b)[k] - term.Target[k])); d > 1e-5 {
				t.Errorf("map %d moment %d off by %g", b, k, d)
			}
		}
	}
	// Determinism by seed.
	x1, _ := InitialMaps(InitWhiteNoise, ref, 3, 42)
	res2, _ := Minimize(context.Background(), loss, x1, SynthConfig{Steps: 200})
	for i := range res.Maps.Data {
		if res.Maps.Data[i] != res2.Maps.Data[i] {
			t.Fatal("same seed gave different maps")
		}
	}
	x2, _ := InitialMaps(InitWhiteNoise, ref, 3, 43)
	if x2.Data[0] == x1.Data[0] {
		t.Error("different seeds gave the same start")
	}
}

func TestMinimizeCancelKeepsMaps(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	x0, _ := InitialMaps(InitWhiteNoise, ref, 1, 1)
	ctx, cancel := context.WithCancel(context.Background())
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	res, err := Minimize(ctx, loss, x0, SynthConfig{Steps: 1000, Progress: func(p Progress) {
		if p.Iter == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || res.Maps == nil || res.Iters > 4 || res.Loss >= res.InitialLoss {
		t.Fatalf("cancelled run should return improved maps after ~3 iterations: %+v", res)
	}
}

func TestMinimizeNaNStops(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	x0, _ := InitialMaps(InitWhiteNoise, ref, 1, 1)
	eng.nanAfter = 6
	res, err := Minimize(context.Background(), &Loss{Engine: eng, Terms: []*Term{term}}, x0, SynthConfig{Steps: 100})
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("err = %v, want ErrNonFinite", err)
	}
	for _, v := range res.Maps.Data {
		if math.IsNaN(v) {
			t.Fatal("returned maps contain NaN")
		}
	}
	if res.Loss > res.InitialLoss {
		t.Error("returned maps are worse than the start")
	}
}

func TestInitialMapsConstantTarget(t *testing.T) {
	ref := stlayer.NewMaps(1, 8, 8)
	if _, err := InitialMaps(InitWhiteNoise, ref, 1, 1); err == nil {
		t.Fatal("constant target accepted")
	}
}

// TestInitialGRFKeepsSpectrum: the GRF starts carry the reference's
// isotropic power spectrum in expectation (Gaussian amplitudes since
// session 19, not its exact amplitudes): the two bins holding the
// reference's waves keep its power ratio in the mean of log(P₄/P₃) over
// 1000 starts (each bin one exponential draw, so E log P_b = log P̄_b − γ
// for both, and the rescaling to the reference's std cancels) within 0.2
// (0.06 expected scatter), and the bins without power stay without.
func TestInitialGRFKeepsSpectrum(t *testing.T) {
	ref := stlayer.NewMaps(1, 32, 32)
	for i := range ref.Data {
		r, c := i/32, i%32
		ref.Data[i] = math.Sin(2*math.Pi*3*float64(r)/32) + 0.3*math.Cos(2*math.Pi*5*float64(c)/32)
	}
	const k = 1000
	x, err := InitialMaps(InitGRF, ref, k, 7)
	if err != nil {
		t.Fatal(err)
	}
	p0 := IsoPowerSpectrum(ref.Map(0), 32, 32)
	var full []int
	for b, v := range p0.P {
		if v > 1e-10 {
			full = append(full, b)
		}
	}
	if len(full) != 2 {
		t.Fatalf("the reference has power in bins %v, want 2 bins", full)
	}
	d := 0.0
	for s := 0; s < k; s++ {
		p := IsoPowerSpectrum(x.Map(s), 32, 32).P
		for b, v := range p {
			if p0.P[b] <= 1e-10 && v > 1e-10 {
				t.Fatalf("start %d: power %g in bin %d, where the reference has none", s, v, b)
			}
		}
		d += math.Log(p[full[1]]/p[full[0]]) / k
	}
	want := math.Log(p0.P[full[1]] / p0.P[full[0]])
	t.Logf("mean log(P%d/P%d) over %d starts %.3f, the reference's %.3f", full[1], full[0], k, d, want)
	if math.Abs(d-want) > 0.2 {
		t.Errorf("GRF starts: mean log(P%d/P%d) %.3f, the reference's %.3f", full[1], full[0], d, want)
	}
}

func TestHistogramTermGradient(t *testing.T) {
	h := NewHistogramTerm([]float64{3, 1, 2, 5, 4, 0}, 6, 1)
	x := []float64{0.3, -1, 2.2, 0.9, 4, 1.7}
	g := make([]float64, 6)
	f := h.LossGrad(0, x, g)
	for i := range x {
		const eps = 1e-6
		xp := append([]float64(nil), x...)
		xp[i] += eps
		fp := h.LossGrad(0, xp, make([]float64, 6))
		if d := math.Abs((fp-f)/eps - g[i]); d > 1e-4 {
			t.Errorf("d/dx%d: %g vs finite difference %g", i, g[i], (fp-f)/eps)
		}
	}
}

// TestHistogramTermOtherSize: maps whose pixel count differs from the one the
// term was built for are compared with the target's quantiles resampled to
// their size (no panic): a map holding exactly those quantiles, in any order,
// has loss 0 and zero gradient, and the loss equals that of a term built for
// the map's size.
func TestHistogramTermOtherSize(t *testing.T) {
	target := []float64{3, 1, 2, 5, 4, 0, 9, 7}
	h := NewHistogramTerm(target, 8, 1)
	x := []float64{5, 1, 3, 9} // the quantiles at ranks (i+½)/4 of the target, shuffled
	g := make([]float64, len(x))
	if f := h.LossGrad(0, x, g); f != 0 || slices.ContainsFunc(g, func(v float64) bool { return v != 0 }) {
		t.Errorf("exact quantiles: loss %g gradient %v, want 0", f, g)
	}
	y := []float64{0.3, -1, 2.2, 0.9, 4, 1.7, 8, 2, 6, 1, 3, 5}
	ref := NewHistogramTerm(target, len(y), 1)
	if a, b := h.LossGrad(0, y, make([]float64, len(y))), ref.LossGrad(0, y, make([]float64, len(y))); a != b {
		t.Errorf("12-pixel map: loss %g, a term built for 12 pixels gives %g", a, b)
	}
	if f := h.LossGrad(0, nil, nil); f != 0 {
		t.Errorf("empty map: loss %g", f)
	}
}

// TestArgsortFloats: the histogram term's radix argsort orders values like a
// stable comparison sort (negative values, zeros, ties, huge and tiny
// magnitudes).
func TestArgsortFloats(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	xs := [][]float64{{1}, {2, 1}, {3, -1, 2, -1e-300, 0, -0.5, 7, 2, math.Inf(1), -math.Inf(1), 1e300, -2}}
	r := make([]float64, 5000)
	for i := range r {
		r[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
		if i%7 == 0 {
			r[i] = r[i/2] // ties
		}
	}
	xs = append(xs, r)
	for _, x := range xs {
		got := argsortFloats(x)
		want := make([]int, len(x))
		for i := range want {
			want[i] = i
		}
		sort.SliceStable(want, func(a, b int) bool { return x[want[a]] < x[want[b]] })
		for i := range want {
			if x[got[i]] != x[want[i]] {
				t.Fatalf("n=%d position %d: value %g, want %g", len(x), i, x[got[i]], x[want[i]])
			}
		}
	}
}
