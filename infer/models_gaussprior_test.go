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
// weight the separation stays at its (Wiener) start; with a small one it
// still reaches the discrepancy stop; with the recommended weight it
// separates the tiny models' mixtures better than without (mean pixel
// correlation with the truth).
func TestSeparateWithModelsGaussPrior(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	data, _ := tinyMixture(t, 90011, 90088)
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 20, Steps: 60, GaussPrior: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	dev, ref := 0.0, 0.0
	for i, v := range res.Components.Data {
		dev = math.Max(dev, math.Abs(v-res.Init.Data[i]))
		ref = math.Max(ref, math.Abs(res.Init.Data[i]))
	}
	if dev > 1e-3*ref {
		t.Errorf("weight 1e6: the components moved %g from the Wiener start (max |start| %g)", dev, ref)
	}
	res, err = SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 30, Steps: 150, GaussPrior: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Parts) != 2 || !res.StoppedEarly[len(res.StoppedEarly)-1] {
		t.Errorf("weight 1: parts %v (want the two component terms), stopped early %v", res.Parts, res.StoppedEarly)
	}
	// With a Start (no Init spectra) the prior takes the clusters' mean spectra.
	if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 5, Steps: 5, GaussPrior: 30, Init: "start", Start: res.Components}); err != nil {
		t.Errorf("prior with a Start: %v", err)
	}
	if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 20, Steps: 60, GaussPrior: -1}); err != nil {
		t.Errorf("no prior (negative weight): %v", err)
	}
	var with, without float64
	names := []string{"grf", "filaments"}
	for _, seed := range []uint64{90001, 90002, 90003} {
		data, truth := tinyMixture(t, seed, seed+77)
		for _, gp := range []float64{-1, 0} { // none, the default (30)
			r, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: 30, Steps: 150, GaussPrior: gp})
			if err != nil {
				t.Fatal(err)
			}
			m, _ := EvaluateModelSeparation(r.Components, truth, names)
			pc := (m[0].PixelCorr + m[1].PixelCorr) / 6
			if gp == 0 {
				with += pc
			} else {
				without += pc
			}
		}
	}
	t.Logf("mean pixel correlation with the truth: %.3f with the default prior (30), %.3f without", with, without)
	if !(with > without+0.02) {
		t.Errorf("mean pixel correlation %.3f with the prior, %.3f without", with, without)
	}
	if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{GaussPrior: math.NaN()}); err == nil {
		t.Error("NaN Gaussian prior weight: no error")
	}
}

// tinyMixture returns d = a + b (one 32² map) and the truth [a, b] for
// tinyProcess 0 (seed sa) and 1 (seed sb).
func tinyMixture(t *testing.T, sa, sb uint64) (data, truth *stlayer.Maps) {
	t.Helper()
	a, b := tinyProcess(t, 0, sa), tinyProcess(t, 1, sb)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	return &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}, &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(append([]float64(nil), a...), b...)}
}
