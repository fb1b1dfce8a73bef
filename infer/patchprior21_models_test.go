package infer

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestPatchPrior21ExportSeparate: a scaled-down export with patch priors
// (K 3, ≤ 1500 rows) of the tiny fixture writes patch_prior_<k>.npz and
// records them; SeparateWithModels (PatchPrior "", auto) then runs the
// patch-prior method (no L-BFGS stage), "start" the statistics from it; a
// folder without priors keeps the statistics under "auto" and refuses
// "only"; a third learned component is refused, a white noise enters.
func TestPatchPrior21ExportSeparate(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	var steps int
	_, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior,
		PatchPrior:         &PatchPriorOptions{K: 3, MaxRows: 1500, Iters: 15},
		PatchPriorProgress: func(PatchPriorStep) { steps++ }})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := ms.Manifest.PatchPriors
	if rec == nil || !slices.Equal(rec.Files, []string{"patch_prior_0.npz", "patch_prior_1.npz"}) || rec.K != 3 || rec.P != 6 || rec.MaxRows != 1500 || steps == 0 {
		t.Fatalf("manifest patch_priors %+v, %d progress calls", rec, steps)
	}
	// a loaded folder written elsewhere keeps its priors
	copyDir := filepath.Join(t.TempDir(), "copy")
	if err := ms.Write(copyDir); err != nil {
		t.Fatal(err)
	}
	if cp, err := LoadModels(copyDir); err != nil || !cp.HasPatchPriors(0, 1) {
		t.Fatalf("written copy: %v, priors %v", err, cp != nil && cp.HasPatchPriors(0, 1))
	} else if _, err := cp.LoadPatchPriors(); err != nil {
		t.Fatal(err)
	}
	pps, err := ms.LoadPatchPriors()
	if err != nil || len(pps) != 2 || pps[0].K != 3 || pps[1].P != 6 {
		t.Fatalf("LoadPatchPriors: %v, %v", pps, err)
	}
	// which component is which process
	var compOf [2]int
	for k, c := range ms.Components {
		n1 := 0
		for _, i := range c.PatchIndex {
			n1 += fx.truth[i]
		}
		compOf[boolInt(2*n1 > len(c.PatchIndex))] = k
	}
	a, b := tinyProcess(t, 0, 90001), tinyProcess(t, 1, 90078)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	eng := cpu.New()
	res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Steps: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != MethodPatchPrior || len(res.StageEnds) != 0 || len(res.Parts) != 2 {
		t.Errorf("auto with priors: method %q, stage ends %v, parts %v", res.Method, res.StageEnds, res.Parts)
	}
	for i := range d {
		if e := res.Components.Data[i] + res.Components.Data[1024+i] - d[i]; math.Abs(e) > 1e-12 {
			t.Fatalf("pixel %d: components sum to data %+g", i, e)
		}
	}
	direct, err := SeparateWithPatchPriors(data, pps[compOf[0]], pps[compOf[1]], PatchSepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(direct.Data, res.Components.Data) {
		t.Error("the patch-prior method differs from SeparateWithPatchPriors")
	}
	t.Logf("grf pixel corr %.3f (patch prior)", pearson(res.Components.Map(0), a))
	res2, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{PatchPrior: "start", Steps: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Method != MethodPatchPriorStatistics || len(res2.StageEnds) != 1 || !slices.Equal(res2.Init.Data, direct.Data) {
		t.Errorf("start: method %q, stage ends %v, init from the prior %v", res2.Method, res2.StageEnds, slices.Equal(res2.Init.Data, direct.Data))
	}
	// a Start given: auto keeps the statistics from it, only refuses it
	res4, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Start: direct, Steps: 10})
	if err != nil || res4.Method != MethodStatistics {
		t.Errorf("auto with a Start: %v, method %q", err, res4.Method)
	}
	_, err = SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Start: direct, PatchPrior: "only"})
	if err == nil || !strings.Contains(err.Error(), `patch-prior mode "only" sets the starting point; it contradicts Start (--start)`) {
		t.Errorf("only with a Start: err %v", err)
	}
	// three components: a white noise enters the patch-prior separation
	// (NoiseVar σ²; TestPfixlib22SeparateNoisePatchPrior), a third learned
	// one is refused
	noise, err := NoiseComponent(eng, ms, 0.1, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	res5, err := SeparateWithModels(context.Background(), eng, ms, data, append(comps, SepComponent{Name: "noise", Model: noise}), ModelSepOptions{PatchPrior: "only", Steps: 10})
	if err != nil || res5.Method != MethodPatchPrior || res5.Components.B != 3 {
		t.Errorf("three components with a noise: %v", err)
	}
	_, err = SeparateWithModels(context.Background(), eng, ms, data, append(comps, comps[0]), ModelSepOptions{PatchPrior: "only", Steps: 10})
	if err == nil || !strings.Contains(err.Error(), "the patch-prior separation takes two learned components and at most one white-noise component, got 3 learned") {
		t.Errorf("three learned components: err %v", err)
	}
	// a folder without priors: the statistics under "auto", "only" refused
	os.Remove(filepath.Join(dir, "patch_prior_0.npz"))
	ms.Manifest.PatchPriors, ms.PatchPriors = nil, nil
	res3, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{PatchPrior: "auto", Steps: 10})
	if err != nil || res3.Method != MethodStatistics || len(res3.StageEnds) != 1 {
		t.Errorf("no priors, auto: %v, method %q", err, res3.Method)
	}
	_, err = SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{PatchPrior: "only"})
	if err == nil || !strings.Contains(err.Error(), "has no patch priors for components") || !strings.Contains(err.Error(), "--patch-prior off") {
		t.Errorf("no priors, only: err %v", err)
	}
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i] / float64(len(x))
		my += y[i] / float64(len(y))
	}
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}
