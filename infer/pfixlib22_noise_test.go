package infer

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestPfixlib22SeparateNoisePatchPrior: SeparateWithModels with the patch
// prior and a white-noise component (NoiseComponent, σ 0.3) besides the
// two learned ones: the old code ran the statistics under "auto" (and
// refused "only": "takes exactly two learned components, got 3"); it now
// runs SeparateWithPatchPriors with NoiseVar σ², its maps in the order of
// the components (noise first here). PatchPriorUnusable says why other
// sets of components cannot use the priors.
func TestPfixlib22SeparateNoisePatchPrior(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 4, Seed: 3, Latent: LatentPosterior}); err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	// hand-made 2×2 priors (K 2) for both components
	rng := rand.New(rand.NewPCG(4, 5))
	prior := func(scale float64) *PatchPrior {
		pp := &PatchPrior{P: 2, K: 2, Weights: []float64{0.4, 0.6}}
		for k := 0; k < 2; k++ {
			pp.Covs = append(pp.Covs, randSPD(rng, 4, scale)...)
			for j := 0; j < 4; j++ {
				pp.Means = append(pp.Means, rng.NormFloat64()/5)
			}
		}
		return pp
	}
	ms.PatchPriors = []*PatchPrior{prior(0.2), prior(0.05)}
	ms.Manifest.PatchPriors = &ModelPatchPriors{Files: []string{"patch_prior_0.npz", "patch_prior_1.npz"}, P: 2, K: 2}
	eng := cpu.New()
	const sigma = 0.3
	noise, err := NoiseComponent(eng, ms, sigma, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := NoiseSigma(noise); !ok || s != sigma {
		t.Fatalf("NoiseSigma: %v %v", s, ok)
	}
	if _, ok := NoiseSigma(ms.Components[0]); ok {
		t.Fatal("NoiseSigma takes a learned component for noise")
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: make([]float64, 1024)}
	for i := range data.Data {
		data.Data[i] = rng.NormFloat64()
	}
	c0, c1 := ms.Components[0], ms.Components[1]
	comps := []SepComponent{{Name: "noise", Model: noise}, {Name: "a", Model: c0}, {Name: "b", Model: c1}}
	if why := PatchPriorUnusable(ms, comps); why != "" {
		t.Fatalf("PatchPriorUnusable: %s", why)
	}
	direct, err := SeparateWithPatchPriors(data, ms.PatchPriors[0], ms.PatchPriors[1], PatchSepOptions{NoiseVar: sigma * sigma})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"auto", "only"} {
		res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{PatchPrior: mode, Steps: 5})
		if err != nil {
			t.Fatal(err)
		}
		if res.Method != MethodPatchPrior || res.Components.B != 3 {
			t.Fatalf("%s: method %q, %d maps", mode, res.Method, res.Components.B)
		}
		if !slices.Equal(res.Components.Map(0), direct.Map(2)) || !slices.Equal(res.Components.Map(1), direct.Map(0)) {
			t.Errorf("%s: noise and a differ from SeparateWithPatchPriors with NoiseVar σ²", mode)
		}
		for i, v := range res.Components.Map(2) {
			if math.Abs(v-direct.Map(1)[i]) > 1e-12 {
				t.Fatalf("%s: b pixel %d: %v, direct %v", mode, i, v, direct.Map(1)[i])
			}
		}
	}
	fake := &ComponentModel{K: -1}
	for _, tc := range []struct {
		comps []SepComponent
		want  string
	}{
		{[]SepComponent{{Name: "a", Model: c0}, {Name: "noise", Model: noise}}, "the patch-prior separation takes two learned components, got 1 and a white-noise component (noise)"},
		{[]SepComponent{{Name: "a", Model: c0}, {Name: "n1", Model: noise}, {Name: "n2", Model: noise}}, "components 1 (n1) and 2 (n2) are both white noise: the patch-prior separation takes at most one"},
		{[]SepComponent{{Name: "a", Model: c0}, {Name: "b", Model: c1}, {Name: "x", Model: fake}}, "component 2 (x) is neither one of the model folder's learned components nor white noise (NoiseComponent): it has no patch prior"},
		{[]SepComponent{{Name: "a", Model: c0}, {Name: "b", Model: c1}, {Name: "c", Model: c0}}, "the patch-prior separation takes two learned components and at most one white-noise component, got 3 learned"},
	} {
		if got := PatchPriorUnusable(ms, tc.comps); got != tc.want {
			t.Errorf("PatchPriorUnusable: %q\nwant %q", got, tc.want)
		}
	}
	_, err = SeparateWithModels(context.Background(), eng, ms, data, comps[:2], ModelSepOptions{PatchPrior: "only"})
	if err == nil || !strings.Contains(err.Error(), "separation with patch priors (only): the patch-prior separation takes two learned components, got 1 and a white-noise component (noise); use the statistics alone") {
		t.Errorf("only with a and noise: err %v", err)
	}
}
