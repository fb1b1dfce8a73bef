package main

import (
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// dguardDemoSep runs the learned-model separation path of stkit demo
// (steps 1, 2, 5 and 7) without the VAE and the ST features: the
// processes' maps of step 1 (demoProcessMaps), the patches of step 2
// (demoPatchConfig, stored as float32 as patches.npy stores them), each
// process's patch prior fitted as step 5's export fits it (--patch-prior-k
// demoPatchPriorK, --patch-prior-rows demoPatchPriorRows), and the mixture
// of step 7 (the first held-out lognormal + filaments corners) separated
// as step 7's separate --models does with priors (SeparateWithPatchPriors
// at the default stride), scored against the truth as its --truth report
// scores it (EvaluateModelSeparation). The priors are fitted on each
// process's own patches where the demo fits them on the VAE's clusters
// (at the default settings best-match accuracy 0.998: the lognormal
// cluster holds 199 of the 200 lognormal patches, the gaussian cluster the
// 200th; the VAE is too slow for a test).
func dguardDemoSep(t *testing.T, o demoOpts) (kept [2]int, m []infer.SepComponentMetrics) {
	t.Helper()
	var srcs []datasets.Source
	var held []*stlayer.Maps
	for pi, p := range demoProcesses {
		train, h, err := demoProcessMaps(o, pi)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, datasets.Source{Name: p.name, Maps: train})
		held = append(held, h)
	}
	ps, err := datasets.CutPatches(srcs, demoPatchConfig(o))
	if err != nil {
		t.Fatal(err)
	}
	var pp [2]*infer.PatchPrior
	for i, pi := range []int{1, 2} { // lognormal, filaments
		var rows []int
		for j, pt := range ps.Patches {
			if pt.Source == pi {
				rows = append(rows, j)
			}
		}
		maps := stlayer.NewMaps(len(rows), ps.Size, ps.Size)
		for j, r := range rows {
			for q, v := range ps.Patch(r) {
				maps.Map(j)[q] = float64(float32(v)) // patches.npy is float32
			}
		}
		pp[i], err = infer.FitPatchPrior(maps, infer.PatchPriorOptions{K: demoPatchPriorK, MaxRows: demoPatchPriorRows})
		if err != nil {
			t.Fatal(err)
		}
		kept[i] = pp[i].K
	}
	a, b := held[1], held[2]
	d := stlayer.NewMaps(1, a.M, a.N)
	truth := stlayer.NewMaps(2, a.M, a.N)
	for i := range d.Data {
		d.Data[i] = a.Map(0)[i] + b.Map(0)[i]
	}
	copy(truth.Map(0), a.Map(0))
	copy(truth.Map(1), b.Map(0))
	est, err := infer.SeparateWithPatchPriors(d, pp[0], pp[1], infer.PatchSepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err = infer.EvaluateModelSeparation(est, truth, []string{demoProcesses[1].name, demoProcesses[2].name})
	if err != nil {
		t.Fatal(err)
	}
	return kept, m
}

// TestDguard25DemoSeparation pins the quality of the demo's learned-model
// separation (step 7: lognormal + filaments, patch priors alone) at its
// default settings and seed (dguardDemoSep, about 2 s of CPU). Session 22's
// 45599d0 (dead components reseeded where they died again) left the demo's
// priors with 3 of 5 Gaussians and its separation at 0.862 / 0.980 for two
// sessions with no test failing; 56537c2 (split EM) restored 5 of 5 and
// 0.916 / 0.987.
//
// Measured (pixel correlation lognormal / filaments; worst-bin r: min r(k)
// over the bins where the part holds ≥ 30 % of the power,
// infer.DominantFraction; Gaussians kept of 5): this path at seed 1 0.927 /
// 0.987, 0.927 / 0.922, 5 and 5; on 56537c2^ 0.866 / 0.980, 0.887 / 0.896,
// 2 and 3; on 45599d0^ (before the reseeding) 0.913 / 0.986, 0.921 /
// 0.917, 5 and 5. With the demo run's own clusters (one lognormal patch of
// 200 in the gaussian cluster) in place of the processes, the same calls
// give the demo's priors exactly (stkit demo -o DIR: means identical to
// DIR/models/patch_prior_k.npz) and its 0.916 / 0.987, 0.918 / 0.916.
// Seeds 2–8 (other mixtures, demoOpts.seed): pixel correlation 0.907–0.983
// / 0.858–0.990, worst-bin r 0.848–0.991 / 0.821–0.949, 5 and 5 kept at
// every seed (56537c2^: 2–3 and 2–5, never both 5); the spread between
// mixtures is larger than the regression, so the thresholds are seed 1's
// own, with a margin of about 0.02: 5 and 5 kept, pixel correlation ≥ 0.90
// / 0.975, worst-bin r ≥ 0.90 / 0.90.
func TestDguard25DemoSeparation(t *testing.T) {
	o := demoOpts{size: demoDefaultSize, patches: demoDefaultPatches, epochs: demoDefaultEpochs, steps: demoDefaultSteps, seed: 1, kind: "scov"}
	kept, m := dguardDemoSep(t, o)
	t.Logf("kept %d and %d of %d; pixel correlation %.4f / %.4f, worst-bin r %.4f / %.4f, relative error %.4f / %.4f",
		kept[0], kept[1], demoPatchPriorK, m[0].PixelCorr, m[1].PixelCorr, m[0].RMinDominant, m[1].RMinDominant, m[0].RelError, m[1].RelError)
	names := []string{demoProcesses[1].name, demoProcesses[2].name}
	for i, k := range kept {
		if k != demoPatchPriorK {
			t.Errorf("%s patch prior keeps %d of %d Gaussians (measured 5; 2 and 3 before 56537c2)", names[i], k, demoPatchPriorK)
		}
	}
	for i, lim := range []struct{ pixel, r float64 }{{0.90, 0.90}, {0.975, 0.90}} {
		if !(m[i].PixelCorr >= lim.pixel) {
			t.Errorf("%s: pixel correlation %.4f < %.3f (measured 0.927 / 0.987; 0.866 / 0.980 before 56537c2)", names[i], m[i].PixelCorr, lim.pixel)
		}
		if !(m[i].RMinDominant >= lim.r) {
			t.Errorf("%s: worst-bin r %.4f < %.3f (measured 0.927 / 0.922; 0.887 / 0.896 before 56537c2)", names[i], m[i].RMinDominant, lim.r)
		}
	}
}
