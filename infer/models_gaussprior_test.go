package infer

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// GaussPriorOp: Φ² = G on the engine equals the host G; E[G] = 1 for Gaussian
// fields of the op's spectrum; the gradient of G matches finite differences.
func TestGaussPriorOp(t *testing.T) {
	const m, n = 32, 32
	pg := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := math.Hypot(float64(freq(i, m)), float64(freq(j, n)))
			pg[i*n+j] = 1 / (1 + k*k)
		}
	}
	op, err := NewGaussPriorOp(pg, m, n)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	const draws = 24
	x := stlayer.NewMaps(draws, m, n)
	for b := 0; b < draws; b++ {
		copy(x.Map(b), fieldWithSpectrum(pg, m, n, 3, 0, 11, uint64(b)))
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for b := 0; b < draws; b++ {
		g := op.G(x.Map(b))
		if v := real(c.Row(b)[0]); math.Abs(v*v-g) > 1e-9*g {
			t.Errorf("map %d: Φ² %g, host G %g", b, v*v, g)
		}
		mean += g / draws
	}
	// G of one map: a mean of K/2 independent χ²₂/2 terms (Hermitian pairs),
	// relative std √(2/K) ≈ 0.044; over 24 maps ≈ 0.009.
	if math.Abs(mean-1) > 0.04 {
		t.Errorf("mean G of Gaussian fields with the prior's spectrum %.4f, want ≈ 1", mean)
	}
	one := &stlayer.Maps{B: 1, M: m, N: n, Data: fieldWithSpectrum(pg, m, n, 0.5, 0, 12, 0)}
	_, g, err := eng.LossGrad(op.Key(), op.Stat(), one, func(out *stlayer.Coeffs) (float64, []complex128, error) {
		v := real(out.Data[0])
		return v * v, []complex128{complex(2*v, 0)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 77, 600, 1023} {
		const h = 1e-4
		p := append([]float64(nil), one.Data...)
		q := append([]float64(nil), one.Data...)
		p[i] += h
		q[i] -= h
		fd := (op.G(p) - op.G(q)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: grad %g vs FD %g", i, g[i], fd)
		}
	}
	if _, err := NewGaussPriorOp(make([]float64, m*n), m, n); err == nil {
		t.Error("a spectrum without power: no error")
	}
	if _, err := NewGaussPriorOp(pg[:10], m, n); err == nil {
		t.Error("a spectrum of the wrong length: no error")
	}
}

// The Gaussian prior term's minimum is the Wiener split: with an overwhelming
// weight the separation stays at its (Wiener) start; with a moderate one it
// still reaches the discrepancy stop.
func TestSeparateWithModelsGaussPrior(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	a, b := tinyProcess(t, 0, 90011), tinyProcess(t, 1, 90088)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 20, Steps: 60, GaussPrior: 1e7})
	if err != nil {
		t.Fatal(err)
	}
	dev, ref := 0.0, 0.0
	for i, v := range res.Components.Data {
		dev = math.Max(dev, math.Abs(v-res.Init.Data[i]))
		ref = math.Max(ref, math.Abs(res.Init.Data[i]))
	}
	if dev > 1e-3*ref {
		t.Errorf("weight 1e7: the components moved %g from the Wiener start (max |start| %g)", dev, ref)
	}
	res, err = SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 30, Steps: 150, GaussPrior: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Parts) != 2 || !res.StoppedEarly[len(res.StoppedEarly)-1] {
		t.Errorf("weight 1: parts %v (want the two component terms), stopped early %v", res.Parts, res.StoppedEarly)
	}
	if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{GaussPrior: math.NaN()}); err == nil {
		t.Error("NaN Gaussian prior weight: no error")
	}
}
