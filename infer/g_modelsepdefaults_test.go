package infer

import (
	"context"
	"errors"
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

// TestModelSepUnknownInitWithStart: an unknown Init is an input error, as
// the doc says, also with a Start (it was then ignored, the Gaussian prior
// silently taking the clusters' mean spectra).
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
	start := &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(slices.Clone(a), b...)}
	for _, o := range []ModelSepOptions{{Init: "wiener-call", Start: start, Steps: 1}, {Init: "wiener-call", Steps: 1}} {
		if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, o); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "wiener-call") {
			t.Errorf("Init %q, start %v: %v; want an input error", o.Init, o.Start != nil, err)
		}
	}
	for _, init := range []string{"", "wiener", "wiener-cal", "equal"} {
		if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Init: init, Start: start, Steps: 1}); err != nil {
			t.Errorf("Init %q with a start: %v", init, err)
		}
	}
}
