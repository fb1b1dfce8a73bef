package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// demoMapVar is the variance of a map about its own mean.
func demoMapVar(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x))
}

// TestDemoHeldOutCutLikeTraining: the demo's held-out maps (separation,
// step 7) were generated at the patch size, each standardised to variance
// 1 and periodic, while the training patches are cut out of maps of twice
// the side: another distribution. A held-out map is now the corner of a
// map of twice the side, as the patches are cut. Checked per process: the
// corner to the last bit; for the Gaussian field (P ∝ k⁻³, 32² out of 64²,
// 64 seeds) the mean variance of the held-out maps is that of the patches
// step 2 cuts from the training maps (CutPatches, stride 16), within 8 %
// (measured: patches 0.808, held-out 0.847), and maps generated at the patch size have
// variance 1, ≥ 1.12 × the patches'.
func TestDemoHeldOutCutLikeTraining(t *testing.T) {
	const size = 32
	for _, p := range demoProcesses {
		x, err := demoHeldOut(p, size, 7)
		if err != nil {
			t.Fatal(err)
		}
		big, err := p.gen(2*size, 7)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < size; i++ {
			for j := 0; j < size; j++ {
				if x[i*size+j] != big[i*2*size+j] {
					t.Fatalf("%s: held-out pixel (%d, %d) = %g, the corner of the %d² map has %g", p.name, i, j, x[i*size+j], 2*size, big[i*2*size+j])
				}
			}
		}
	}
	gauss := demoProcesses[0]
	const n = 64
	train := stlayer.NewMaps(n, 2*size, 2*size)
	var held, whole float64
	for b := 0; b < n; b++ {
		x, err := gauss.gen(2*size, uint64(100+b))
		if err != nil {
			t.Fatal(err)
		}
		copy(train.Map(b), x)
		h, err := demoHeldOut(gauss, size, uint64(900+b))
		if err != nil {
			t.Fatal(err)
		}
		held += demoMapVar(h) / n
		w, err := gauss.gen(size, uint64(900+b))
		if err != nil {
			t.Fatal(err)
		}
		whole += demoMapVar(w) / n
	}
	ps, err := datasets.CutPatches([]datasets.Source{{Name: "gaussian", Maps: train}}, datasets.PatchConfig{Size: size, Stride: size / 2})
	if err != nil {
		t.Fatal(err)
	}
	cut := 0.0
	for i := range ps.Patches {
		cut += demoMapVar(ps.Patch(i)) / float64(len(ps.Patches))
	}
	t.Logf("gaussian mean map variance: training patches %.3f (%d), held-out %.3f, generated at the patch size %.3f", cut, len(ps.Patches), held, whole)
	if math.Abs(held/cut-1) > 0.08 {
		t.Errorf("held-out maps have mean variance %.3f, the training patches %.3f: not the training distribution", held, cut)
	}
	if whole < 0.999 || whole < 1.12*cut {
		t.Errorf("maps generated at the patch size have variance %.3f, cut patches %.3f: want 1 and well below (the test no longer tells the two apart)", whole, cut)
	}
}

// TestDemoSeparationLossTerms: the demo's summary gave the separation's
// pixel correlations only, and its loss.png reads "188.6 → 187.3" (0.7 %)
// while stkit separate's terms ended at [1.08, 2.48]: most of the loss is
// the Gaussian-field prior, which nothing said; separate's 'stopped early,
// per stage: [false]' read as a contradiction. The summary breaks the
// loss into its terms by part, names the prior and its weight as the rest,
// and says in words whether each stage stopped early.
func TestDemoSeparationLossTerms(t *testing.T) {
	dir := t.TempDir()
	write := func(js string) string {
		p := filepath.Join(dir, "metrics.json")
		if err := os.WriteFile(p, []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	names := []string{"lognormal", "filaments"}
	got, err := demoSeparationLoss(write(`{"final_term_values": [1.0768998, 2.4784444], "iterations": 187, "settings": {"gauss_prior": 30, "stopped_early": [false]}}`), names)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"lognormal  statistic term 1.08 (mean (ΔΦ/σ)² against its model; ≈ 1: within the model's spread)\n",
		"filaments  statistic term 2.48 (",
		"Gaussian-field prior (weight 30, stkit separate --gauss-prior): the rest of the loss plotted in loss.png\n",
		"\n187 L-BFGS iterations; stopped early on the discrepancy stop: no",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("loss summary lacks %q:\n%s", want, got)
		}
	}
	got, err = demoSeparationLoss(write(`{"final_term_values": [0.9, 1.1], "iterations": 40, "settings": {"gauss_prior": 5, "stopped_early": [true, false]}}`), names)
	if err != nil || !strings.HasSuffix(got, "40 L-BFGS iterations; stopped early on the discrepancy stop: amplitude stage yes, full stage no") || strings.Contains(got, "[") {
		t.Errorf("two stages: %q (%v)", got, err)
	}
	if _, err := demoSeparationLoss(write(`{"final_term_values": [1], "settings": {}}`), names); err == nil {
		t.Errorf("one term value for two parts was taken")
	}
}
