package infer

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestOptimScaleRange pins Minimize's rescaling as its doc states it: maps
// whose largest |pixel| m lies in [2^−21, 2^21) are optimised as they are;
// the others in units of 2^e, the smallest power of two above m (the doc
// once said "outside [2^−20, 2^21]" and "the power of two nearest it").
func TestOptimScaleRange(t *testing.T) {
	for _, c := range []struct {
		m, want float64
	}{
		{0, 1},
		{1, 1},
		{math.Ldexp(1, -21), 1}, // lower end, inside
		{math.Ldexp(0.99, -21), math.Ldexp(1, -21)}, // just below it
		{math.Ldexp(1.5, -30), math.Ldexp(1, -29)},  // 2^−29.4: the power above it
		{math.Nextafter(math.Ldexp(1, 21), 0), 1},   // just below 2^21, inside
		{math.Ldexp(1, 21), math.Ldexp(1, 22)},      // 2^21 itself is outside: the power above it
		{math.Ldexp(1.1, 40), math.Ldexp(1, 41)},    // nearest would be 2^40
		{1e30, math.Ldexp(1, 100)},                  // 1e30 ≈ 2^99.66
		{-3 * math.Ldexp(1, 50), math.Ldexp(1, 52)}, // |x| counts: 1.5·2^51
		{math.Ldexp(1.9, -40), math.Ldexp(1, -39)},  // 2^−39.07: above m
	} {
		got := optimScale([]float64{0.3 * c.m, c.m, 0})
		if got != c.want {
			t.Errorf("largest |pixel| %g: scale %g, want %g", c.m, got, c.want)
		}
		if got != 1 {
			if y := math.Abs(c.m) / got; !(y >= 0.5 && y < 1) {
				t.Errorf("largest |pixel| %g: scaled to %g, want in [1/2, 1)", c.m, y)
			}
		}
	}
}

// quadCancel is Σ (x − 1)² that cancels a context after a number of
// evaluations and records every value it returned.
type quadCancel struct {
	after  int
	cancel context.CancelFunc
	vals   []float64
}

func (q *quadCancel) Eval(x *stlayer.Maps) (float64, []float64, []float64, error) {
	f := 0.0
	g := make([]float64, len(x.Data))
	for i, v := range x.Data {
		d := v - 1 + 0.3*math.Sin(float64(i)*v) // not a pure quadratic: line searches take several points
		f += d * d
		g[i] = 2 * d * (1 + 0.3*math.Cos(float64(i)*v)*float64(i))
	}
	q.vals = append(q.vals, f)
	if len(q.vals) == q.after {
		q.cancel()
	}
	return f, []float64{f}, g, nil
}

// TestMinimizeCancelReturnsBest pins the doc: on a cancellation mid-run
// Minimize returns ctx.Err() with the maps of the lowest loss evaluated so
// far (Result.Maps and Result.Loss), not merely the last iterate.
func TestMinimizeCancelReturnsBest(t *testing.T) {
	for _, after := range []int{3, 6, 11} {
		ctx, cancel := context.WithCancel(context.Background())
		q := &quadCancel{after: after, cancel: cancel}
		x0 := stlayer.NewMaps(1, 4, 4)
		for i := range x0.Data {
			x0.Data[i] = 0.1 * float64(i%5)
		}
		res, err := Minimize(ctx, q, x0, SynthConfig{Steps: 100})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("after %d evaluations: err %v, want context.Canceled", after, err)
		}
		best := math.Inf(1)
		for _, v := range q.vals {
			best = math.Min(best, v)
		}
		if res.Loss != best {
			t.Errorf("after %d evaluations: Result.Loss %.6g, lowest evaluated %.6g (values %v)", after, res.Loss, best, q.vals)
		}
		n := len(q.vals)
		f, _, _, _ := q.Eval(res.Maps)
		if f != res.Loss {
			t.Errorf("after %d evaluations: the returned maps have loss %.6g, Result.Loss %.6g", after, f, res.Loss)
		}
		if res.Status != "interrupted" {
			t.Errorf("after %d evaluations: status %q", after, res.Status)
		}
		t.Logf("cancel after %d evaluations: %d evaluations, %d iterations, best %.4g (initial %.4g)", after, n, res.Iters, res.Loss, res.InitialLoss)
	}
}

// TestInitGRFAmplitudes pins InitGRF's doc: every starting map has the
// pixel mean and std of the whole reference, no power where the
// reference maps' mean spectrum (meanPowerSpectrum2D) has none, and
// elsewhere Gaussian amplitudes about its square root, not the first
// reference map's exact amplitudes (before session 19: one ratio at every
// mode): the ratio |FFT(x)(k)|/√P(k) varies over the modes with the
// Rayleigh law's coefficient of variation √(4/π − 1) ≈ 0.52.
func TestInitGRFAmplitudes(t *testing.T) {
	const m, n = 16, 24
	ref := stlayer.NewMaps(2, m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			ref.Data[i*n+j] = 3 + math.Sin(2*math.Pi*float64(i)/m)*math.Cos(2*math.Pi*3*float64(j)/n) + 0.2*math.Sin(float64(i*j))
		}
	}
	copy(ref.Map(1), gNoise(m, n, 5))
	x, err := InitialMaps(InitGRF, ref, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	mu, sd, _, _ := Moments(ref.Data)
	p := meanPowerSpectrum2D(ref, false)
	for b := 0; b < 3; b++ {
		xm, xs, _, _ := Moments(x.Map(b))
		if math.Abs(xm-mu) > 1e-12*math.Abs(mu) || math.Abs(xs-sd) > 1e-12*sd {
			t.Errorf("map %d: mean %g, std %g; reference %g, %g", b, xm, xs, mu, sd)
		}
		fx := fft2(x.Map(b), m, n)
		var ratios []float64
		for k := 1; k < m*n; k++ {
			a := cmplxAbs(fx[k])
			if p[k] < 1e-18 {
				if a > 1e-9*sd*float64(m*n) {
					t.Errorf("map %d, mode %d: amplitude %g where the reference has none", b, k, a)
				}
				continue
			}
			ratios = append(ratios, a/math.Sqrt(p[k]))
		}
		rm, rs, _, _ := Moments(ratios)
		if cv := rs / rm; cv < 0.4 || cv > 0.65 {
			t.Errorf("map %d: amplitude / √P varies with a coefficient of variation %.3f over %d modes, want ≈ 0.52 (Rayleigh)", b, cv, len(ratios))
		}
	}
}

func cmplxAbs(v complex128) float64 { return math.Hypot(real(v), imag(v)) }
