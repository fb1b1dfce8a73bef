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

// TestModelSepOptionsZeroDefaults pins the stated defaults of the zero
// ModelSepOptions: Tau 2 (StopLevels = 2·w_c·TypicalChi2), Weights entries
// 0 → 1, no amplitude stage and one epoch (one stage run, one L-BFGS
// result), Init "wiener", the Gaussian prior on (one prior term per
// component besides the statistic terms; none with GaussPrior < 0) and
// Steps 300 (all run when the stop is disabled).
func TestModelSepOptionsZeroDefaults(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	a, b := tinyProcess(t, 0, 77001), tinyProcess(t, 1, 77002)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	run := func(o ModelSepOptions) (*ModelSepResult, int) {
		nparts := 0
		o.Progress = func(p Progress) { nparts = len(p.Parts) }
		r, err := SeparateWithModels(context.Background(), eng, ms, data, comps, o)
		if err != nil {
			t.Fatal(err)
		}
		return r, nparts
	}
	r, nparts := run(ModelSepOptions{Steps: 2, Weights: []float64{0, 3}})
	for c, w := range []float64{1, 3} {
		if want := 2 * w * comps[c].Model.TypicalChi2(false); r.StopLevels[c] != want {
			t.Errorf("component %d: stop level %g, want 2·%g·TypicalChi2 = %g", c, r.StopLevels[c], w, want)
		}
	}
	if len(r.StoppedEarly) != 1 || len(r.Epochs) != 1 {
		t.Errorf("stages run %d, epochs %d; want 1 and 1", len(r.StoppedEarly), len(r.Epochs))
	}
	if nparts != 4 {
		t.Errorf("%d loss parts, want 2 statistic terms and 2 Gaussian priors", nparts)
	}
	w, _ := run(ModelSepOptions{Steps: 2, Weights: []float64{0, 3}, Init: "wiener"})
	if !slices.Equal(w.Init.Data, r.Init.Data) {
		t.Error("the default start is not Init \"wiener\"")
	}
	if _, np := run(ModelSepOptions{Steps: 2, GaussPrior: -1}); np != 2 {
		t.Errorf("GaussPrior < 0: %d loss parts, want 2", np)
	}
	full, _ := run(ModelSepOptions{Tau: -1})
	if full.StoppedEarly[0] || full.Epochs[0].Iters != 300 {
		t.Errorf("no stop, default steps: %d iterations (stopped early %v), want 300", full.Epochs[0].Iters, full.StoppedEarly[0])
	}
}

// TestModelSepUnknownInitWithStart pins the doc: an unknown Init is an
// input error without a Start; with one it is a label (stkit separate
// passes "start"), the run going from the Start, and only "wiener-cal"
// changes the Gaussian prior's spectra (the doc listed an unknown Init as
// an error in every case).
func TestModelSepUnknownInitWithStart(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	a, b := tinyProcess(t, 0, 77011), tinyProcess(t, 1, 77012)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Init: "wiener-call", Steps: 1}); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "wiener-call") {
		t.Errorf("unknown Init without a start: %v; want an input error", err)
	}
	start := &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(slices.Clone(a), b...)}
	parts := map[string][]float64{}
	for _, init := range []string{"start", "", "wiener", "equal", "wiener-cal"} {
		var first []float64
		o := ModelSepOptions{Init: init, Start: start, Steps: 1, Progress: func(p Progress) {
			if first == nil {
				first = slices.Clone(p.Parts)
			}
		}}
		r, err := SeparateWithModels(context.Background(), eng, ms, data, comps, o)
		if err != nil {
			t.Fatalf("Init %q with a start: %v", init, err)
		}
		if !slices.Equal(r.Init.Data[:len(a)], a) {
			t.Errorf("Init %q with a start: did not start from it", init)
		}
		parts[init] = first
	}
	// the prior terms (parts 2 and 3): the same for every label but wiener-cal
	for _, init := range []string{"", "wiener", "equal"} {
		if !slices.Equal(parts[init], parts["start"]) {
			t.Errorf("Init %q with a start: first parts %v, Init \"start\" %v", init, parts[init], parts["start"])
		}
	}
	if slices.Equal(parts["wiener-cal"][2:], parts["start"][2:]) {
		t.Errorf("Init wiener-cal with a start: the prior terms %v are those of the mean spectra", parts["wiener-cal"][2:])
	}
}

// TestModelSepPartsWeighted pins ModelSepResult.Parts: component c's part
// is w_c × the mean of (ΔΦ/σ)² over its kept coefficients (the doc left
// out w_c), i.e. w_c·StatChi² of the final component on a one-tile map
// without the MinFraction mask, the prior not included.
func TestModelSepPartsWeighted(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	a, b := tinyProcess(t, 0, 77021), tinyProcess(t, 1, 77022)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "filaments", Model: ms.Components[compOf[1]]}}
	w := []float64{1, 3}
	r, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Weights: w, Steps: 3, MinFraction: -1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Tiles != 1 || len(r.Parts) != 2 {
		t.Fatalf("%d tiles, parts %v", r.Tiles, r.Parts)
	}
	for c := range comps {
		_, chi, err := StatChi(eng, ms, comps[c].Model, &stlayer.Maps{B: 1, M: 32, N: 32, Data: r.Components.Map(c)})
		if err != nil {
			t.Fatal(err)
		}
		if want := w[c] * chi * chi; math.Abs(r.Parts[c]-want) > 1e-9*want {
			t.Errorf("component %d: part %.10g, w·StatChi² = %.10g", c, r.Parts[c], want)
		}
	}
}
