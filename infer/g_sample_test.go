package infer

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestSampleSeedPerMap pins SampleOptions.Seed's doc: map b's starting map
// comes from seed Seed + b·0x9e3779b97f4a7c15 and its target draws from
// streams consumed in map order, so map b is the same whatever N (> b),
// for every draw mode; another Seed gives other maps. (The doc once said
// "map b uses stream b", which holds for neither.)
func TestSampleSeedPerMap(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	k := compOf[0]
	for _, draw := range []DrawMode{DrawDecoded, DrawNoise, DrawMean} {
		run := func(n int, seed uint64) *SampleResult {
			r, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: n, Seed: seed, Draw: draw, Init: InitGRF, SynthConfig: SynthConfig{Steps: 3}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		one, three := run(1, 9), run(3, 9)
		if !slices.Equal(one.Maps.Map(0), three.Maps.Map(0)) || !slices.Equal(one.Targets[0], three.Targets[0]) || !slices.Equal(one.PSTargets[0], three.PSTargets[0]) {
			t.Errorf("%v: map 0 differs between N = 1 and N = 3", draw)
		}
		two := run(2, 9)
		if !slices.Equal(two.Maps.Map(1), three.Maps.Map(1)) || !slices.Equal(two.Targets[1], three.Targets[1]) {
			t.Errorf("%v: map 1 differs between N = 2 and N = 3", draw)
		}
		// Another seed, another map.
		other := run(1, 10)
		if slices.Equal(other.Maps.Map(0), one.Maps.Map(0)) {
			t.Errorf("%v: seeds 9 and 10 give the same map", draw)
		}
	}
	// With a cancelled context every map is its starting map:
	// InitialMaps(Init, reference_b, 1, s_b), s_b = Seed + b·0x9e3779b97f4a7c15,
	// reference_b the component's Gaussian reference map drawn from s_b.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := SampleComponent(ctx, eng, ms, k, SampleOptions{N: 3, Seed: 9, Init: InitGRF})
	if err == nil {
		t.Fatal("cancelled context: no error")
	}
	p := ms.Manifest.PatchSize
	for b := 0; b < 3; b++ {
		sb := 9 + uint64(b)*0x9e3779b97f4a7c15
		x0, err := InitialMaps(InitGRF, componentReferenceMap(ms.Components[k], p, p, sb), 1, sb)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Maps.Map(b), x0.Data) {
			t.Errorf("cancelled: map %d is not InitialMaps with seed Seed + %d·0x9e3779b97f4a7c15", b, b)
		}
	}
}

// TestSampleNoDecodedSamples: DrawDecoded from a component without decoded
// samples was a plain error; it is the model's input (ErrModelInput), and
// the mean draw still works.
func TestSampleNoDecodedSamples(t *testing.T) {
	ms, compOf := tinyModels(t)
	k := compOf[0]
	c := *ms.Components[k]
	c.Samples, c.S, c.Latents = nil, 0, nil
	ms2 := *ms
	ms2.Components = slices.Clone(ms.Components)
	ms2.Components[k] = &c
	eng := cpu.New()
	_, err := SampleComponent(context.Background(), eng, &ms2, k, SampleOptions{SynthConfig: SynthConfig{Steps: 1}})
	if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "no decoded samples") {
		t.Errorf("decoded draw without samples: %v; want an input error", err)
	}
	if _, err := SampleComponent(context.Background(), eng, &ms2, k, SampleOptions{Draw: DrawMean, SynthConfig: SynthConfig{Steps: 1}}); err != nil {
		t.Errorf("mean draw without samples: %v", err)
	}
}

// TestSampleGRFStartsOwnAmplitudes pins SampleOptions.Init's doc: with
// InitGRF each of the N starting maps (returned as they are on a cancelled
// context) takes the Fourier amplitudes of a Gaussian field of its own
// (before, the N maps shared one field's amplitudes, so their spectra were
// one realisation with different phases), and map b's start does not
// depend on N. White-noise starts do not share amplitudes either.
func TestSampleGRFStartsOwnAmplitudes(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := ms.Manifest.PatchSize
	starts := func(init InitKind, n int) *stlayer.Maps {
		r, err := SampleComponent(ctx, eng, ms, compOf[1], SampleOptions{N: n, Seed: 2, Init: init})
		if err == nil {
			t.Fatal("cancelled context: no error")
		}
		return r.Maps
	}
	// the median over k ≠ 0 of |A_b(k) − A_0(k)| / A_0(k)
	ampDiff := func(m *stlayer.Maps, b int) float64 {
		f0, fb := fft2(m.Map(0), p, p), fft2(m.Map(b), p, p)
		var r []float64
		for k := 1; k < p*p; k++ {
			a0 := cmplxAbs(f0[k])
			r = append(r, math.Abs(cmplxAbs(fb[k])-a0)/math.Max(a0, 1e-300))
		}
		slices.Sort(r)
		return r[len(r)/2]
	}
	for _, init := range []InitKind{InitGRF, InitWhiteNoise} {
		m := starts(init, 3)
		for b := 1; b < 3; b++ {
			if d := ampDiff(m, b); !(d > 0.1) {
				t.Errorf("init %d: map %d's Fourier amplitudes differ from map 0's by a median %.3g (relative); want their own", init, b, d)
			}
		}
		one := starts(init, 2)
		if !slices.Equal(one.Map(0), m.Map(0)) || !slices.Equal(one.Map(1), m.Map(1)) {
			t.Errorf("init %d: the starts of maps 0 and 1 depend on N", init)
		}
	}
}

// TestSampleOptionsZeroDefaults pins the zero SampleOptions' stated
// defaults: one map of the patch size (one tile), the power-spectrum term
// on (PSWeight 10: a target per map; negative: none), the weights of
// StdFloor 1e-9 (modelWeights of the component's σ), and Steps 300.
func TestSampleOptionsZeroDefaults(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	k := compOf[1]
	p := ms.Manifest.PatchSize
	r, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Maps.B != 1 || r.Maps.M != p || r.Maps.N != p || r.Tiles != 1 || len(r.PSTargets) != 1 {
		t.Errorf("zero options: %d maps of %d×%d, %d tiles, %d PS targets; want 1 of %d², 1 tile, 1", r.Maps.B, r.Maps.M, r.Maps.N, r.Tiles, len(r.PSTargets), p)
	}
	if !slices.Equal(r.Weight, modelWeights(ms.Components[k].CoeffStd, 1e-9, nil)) {
		t.Error("weights are not those of StdFloor 1e-9")
	}
	if it := r.Results[0].Iters; it > 300 || (it < 300 && r.Results[0].Status == "IterationLimit") {
		t.Errorf("default steps: %d iterations, status %s; want the cap 300", it, r.Results[0].Status)
	}
	n, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{PSWeight: -1, SynthConfig: SynthConfig{Steps: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if n.PSTargets != nil {
		t.Errorf("PSWeight < 0: %d PS targets, want none", len(n.PSTargets))
	}
}
