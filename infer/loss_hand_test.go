package infer

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// toyComplexOp is a 3-coefficient statistic on the real engine: Φ = (mean
// x, mean x², X(0, 1)/(M N)), the last one complex (the DFT at one cycle
// per map along the columns).
type toyComplexOp struct{ m, n int }

func (o toyComplexOp) Key() string { return "toy complex" }
func (o toyComplexOp) Labels() *stlayer.Labels {
	l := stlayer.NewLabels("i")
	for i := 0; i < 3; i++ {
		l.Add("toy", map[string]int{"i": i})
	}
	return l
}
func (o toyComplexOp) Stat() stlayer.Stat {
	w := make([]float64, o.m*o.n)
	w[1] = 1 / float64(o.m*o.n)
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.Concat(p.Mean(x), p.Mean(p.Pow(x, 2)), p.WeightedMean(p.FFT2(x), w))
	}
}

// toyPhi computes toyComplexOp's Φ on the host.
func toyPhi(x []float64, m, n int) []complex128 {
	var mean, sq float64
	var f complex128
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			v := x[i*n+j]
			mean += v
			sq += v * v
			f += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(j)/float64(n)))
		}
	}
	mn := float64(m * n)
	return []complex128{complex(mean/mn, 0), complex(sq/mn, 0), f / complex(mn, 0)}
}

// TestNewTargetStdWeightsByHand: NewTarget's WeightStd weights are
// 1/(K σ_k²), K the number of coefficients per map (masked ones included),
// σ_k² = Σ_b |Φ_k(x_b) − mean_k|²/(B − 1) (unbiased; for a complex
// coefficient the variances of its real and imaginary parts summed), and a
// coefficient equal over the maps up to rounding (here the pixel mean: the
// maps are centred and shifted by the same 0.5) is masked (weight 0). The
// loss of a map is then Σ_k W_k |Φ_k(x) − mean_k|², recomputed here, with
// the terms' parts, and zero at a target map (one target map, WeightMean).
func TestNewTargetStdWeightsByHand(t *testing.T) {
	const m, n, nb = 6, 5, 4
	eng := cpu.New()
	op := toyComplexOp{m, n}
	maps := randMaps(nb, m, n, 31, 1, 0)
	for b := 0; b < nb; b++ {
		x := maps.Map(b)
		mu, _, _, _ := Moments(x)
		for i := range x {
			x[i] += 0.5 - mu
		}
	}
	term, err := NewTarget("toy", eng, op, maps, WeightStd)
	if err != nil {
		t.Fatal(err)
	}
	phis := make([][]complex128, nb)
	for b := range phis {
		phis[b] = toyPhi(maps.Map(b), m, n)
	}
	const k = 3
	for i := 0; i < k; i++ {
		var mean complex128
		for b := range phis {
			mean += phis[b][i] / nb
		}
		vr := 0.0
		for b := range phis {
			d := phis[b][i] - mean
			vr += (real(d)*real(d) + imag(d)*imag(d)) / (nb - 1)
		}
		want := 1 / (k * vr)
		if i == 0 {
			want = 0 // the pixel mean does not vary over the maps: masked
		}
		if cmplx.Abs(term.Target[i]-mean) > 1e-12 {
			t.Errorf("coefficient %d: target %v, by hand %v", i, term.Target[i], mean)
		}
		if math.Abs(term.Weight[i]-want) > 1e-9*want {
			t.Errorf("coefficient %d: weight %.10g, by hand %.10g (σ² %.4g)", i, term.Weight[i], want, vr)
		}
	}
	// The loss of a batch of two maps, by hand.
	x := randMaps(2, m, n, 32, 1.3, 0.2)
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	total, parts, _, err := loss.Eval(x)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for b := 0; b < 2; b++ {
		phi := toyPhi(x.Map(b), m, n)
		for i := range phi {
			d := phi[i] - term.Target[i]
			want += term.Weight[i] * (real(d)*real(d) + imag(d)*imag(d))
		}
	}
	if math.Abs(total-want) > 1e-10*want || len(parts) != 1 || parts[0] != total {
		t.Errorf("loss %.12g (parts %v), by hand %.12g", total, parts, want)
	}
	// Zero at the target map.
	one := &stlayer.Maps{B: 1, M: m, N: n, Data: append([]float64(nil), maps.Map(2)...)}
	tm, err := NewTarget("toy", eng, op, one, WeightMean)
	if err != nil {
		t.Fatal(err)
	}
	if l, _, _, err := (&Loss{Engine: eng, Terms: []*Term{tm}}).Eval(one); err != nil || l > 1e-28 {
		t.Errorf("loss at the target map %g (%v), want 0", l, err)
	}
	// Identical maps: no coefficient varies, std weights are undefined.
	same := &stlayer.Maps{B: 2, M: m, N: n, Data: append(append([]float64(nil), one.Data...), one.Data...)}
	if _, err := NewTarget("toy", eng, op, same, WeightStd); !errors.Is(err, ErrModelInput) {
		t.Errorf("identical maps: %v, want an input error", err)
	}
}

// TestLossEvalGradientComplexFD: ∂ℒ/∂x of Loss.Eval for a term with a
// complex coefficient, per-coefficient weights and a Scale, plus a
// histogram term, matches central finite differences.
func TestLossEvalGradientComplexFD(t *testing.T) {
	const m, n = 6, 5
	eng := cpu.New()
	op := toyComplexOp{m, n}
	term := &Term{Name: "toy", Op: op, Target: []complex128{0.1, 1.2, complex(0.05, -0.1)}, Weight: []float64{0.5, 2, 7}, Scale: 1.7}
	hist := NewHistogramTerm(randMaps(1, 9, 9, 41, 1, 0).Data, m*n, 0.3)
	loss := &Loss{Engine: eng, Terms: []*Term{term}, Pixel: []PixelTerm{hist}}
	x := randMaps(2, m, n, 42, 1, 0.1)
	_, _, g, err := loss.Eval(x)
	if err != nil {
		t.Fatal(err)
	}
	f := func(y *stlayer.Maps) float64 {
		l, _, _, err := loss.Eval(y)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, i := range []int{0, 7, 29, 30, 47, 59} {
		const h = 1e-6
		p := &stlayer.Maps{B: 2, M: m, N: n, Data: append([]float64(nil), x.Data...)}
		q := &stlayer.Maps{B: 2, M: m, N: n, Data: append([]float64(nil), x.Data...)}
		p.Data[i] += h
		q.Data[i] -= h
		fd := (f(p) - f(q)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: gradient %.9g, finite differences %.9g", i, g[i], fd)
		}
	}
}
