package infer

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestFfiltExportSeparate: a scaled-down export with patch priors and a
// feature filter for the pair 0,1 records feature_filters in the manifest
// and writes feature_filter_0_1.npz; SeparateWithModels (defaults) then runs
// "patch prior + feature filter", whose maps are FeatureFilter.Apply of the
// patch-prior estimate (FeatureFilter "off"), in either component order; a
// written copy keeps the filter; a damaged file, an unknown mode and a
// filter without priors are refused.
func TestFfiltExportSeparate(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	var stages []string
	fo := FeatureFilterOptions{Mixtures: 8, Features: "d,pp,du", Stride: 3, J: 2,
		Progress: func(s FeatureFilterStep) {
			if s.Pair != [2]int{0, 1} {
				t.Errorf("progress pair %v", s.Pair)
			}
			if len(stages) == 0 || stages[len(stages)-1] != s.Stage {
				stages = append(stages, s.Stage)
			}
		}}
	_, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior,
		PatchPrior: &PatchPriorOptions{K: 3, MaxRows: 1500, Iters: 15}, FeatureFilter: [][2]int{{0, 1}}, FeatureFilterOptions: fo})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stages, ";") != "half priors;training estimates;filter" {
		t.Errorf("progress stages %q", stages)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	recs := ms.Manifest.FeatureFilters
	if len(recs) != 1 || recs[0].File != "feature_filter_0_1.npz" || recs[0].A != 0 || recs[0].B != 1 || strings.Join(recs[0].Features, ",") != "d,pp,du" ||
		recs[0].Channels != 4 || recs[0].P != 32 || recs[0].Mixtures != 8 || recs[0].Seed != 22 || len(recs[0].HeldAside) != 2 || recs[0].Members["weights"] == "" {
		t.Fatalf("manifest feature_filters %+v", recs)
	}
	copyDir := filepath.Join(t.TempDir(), "copy")
	if err := ms.Write(copyDir); err != nil {
		t.Fatal(err)
	}
	if cp, err := LoadModels(copyDir); err != nil {
		t.Fatal(err)
	} else if f, err := cp.FeatureFilterFor(1, 0); err != nil || f == nil || f.A != 0 || f.P != 32 {
		t.Fatalf("written copy: filter %v, %v", f, err)
	}
	a, b := tinyProcess(t, 0, 90001), tinyProcess(t, 1, 90078)
	d := make([]float64, len(a))
	for i := range d {
		d[i] = a[i] + b[i]
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}
	eng := cpu.New()
	f, err := ms.FeatureFilterFor(0, 1)
	if err != nil || f == nil {
		t.Fatalf("FeatureFilterFor: %v, %v", f, err)
	}
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		comps := []SepComponent{{Name: "x", Model: ms.Components[order[0]]}, {Name: "y", Model: ms.Components[order[1]]}}
		off, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Steps: 10, FeatureFilter: "off"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Steps: 10})
		if err != nil {
			t.Fatal(err)
		}
		if off.Method != MethodPatchPrior || res.Method != "patch prior + feature filter" || len(res.StageEnds) != 0 {
			t.Fatalf("order %v: methods %q (off), %q (auto), stage ends %v", order, off.Method, res.Method, res.StageEnds)
		}
		ia := 0 // index of component 0 (the filter's A) in comps
		if order[0] != 0 {
			ia = 1
		}
		want, err := f.Apply(data, &stlayer.Maps{B: 1, M: 32, N: 32, Data: off.Components.Map(ia)})
		if err != nil {
			t.Fatal(err)
		}
		for i := range d {
			if math.Abs(res.Components.Map(ia)[i]-want.Data[i]) > 1e-12 || math.Abs(res.Components.Map(1 - ia)[i]-want.Data[1024+i]) > 1e-12 {
				t.Fatalf("order %v pixel %d: %v, %v; want %v, %v", order, i, res.Components.Map(ia)[i], res.Components.Map(1 - ia)[i], want.Data[i], want.Data[1024+i])
			}
		}
	}
	comps := []SepComponent{{Name: "x", Model: ms.Components[0]}, {Name: "y", Model: ms.Components[1]}}
	// with a white-noise component the filter (trained without noise) is not used
	noise, err := NoiseComponent(eng, ms, 0.1, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := SeparateWithModels(context.Background(), eng, ms, data, append(slices.Clone(comps), SepComponent{Name: "noise", Model: noise}), ModelSepOptions{Steps: 10}); err != nil || res.Method != MethodPatchPrior {
		t.Errorf("with noise: %v, method %v", err, res)
	}
	if _, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Steps: 10, FeatureFilter: "on"}); err == nil ||
		err.Error() != `separation: feature-filter mode "on" (ModelSepOptions.FeatureFilter, --feature-filter): want auto or off` {
		t.Errorf("mode on: %v", err)
	}
	// a damaged filter file
	if err := os.WriteFile(filepath.Join(copyDir, "feature_filter_0_1.npz"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	cp, err := LoadModels(copyDir)
	if err != nil {
		t.Fatal(err)
	}
	comps = []SepComponent{{Name: "x", Model: cp.Components[0]}, {Name: "y", Model: cp.Components[1]}}
	if _, err := SeparateWithModels(context.Background(), eng, cp, data, comps, ModelSepOptions{Steps: 10}); err == nil || !errors.Is(err, ErrModelInput) ||
		!strings.Contains(err.Error(), "feature_filter_0_1.npz") || !strings.Contains(err.Error(), "separate with --feature-filter off") {
		t.Errorf("damaged filter: %v", err)
	}
	if res, err := SeparateWithModels(context.Background(), eng, cp, data, comps, ModelSepOptions{Steps: 10, FeatureFilter: "off"}); err != nil || res.Method != MethodPatchPrior {
		t.Errorf("damaged filter, off: %v", err)
	}
	if _, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior, FeatureFilter: [][2]int{{0, 1}}}); err == nil ||
		!strings.Contains(err.Error(), "they need ExportOptions.PatchPrior (--patch-prior)") {
		t.Errorf("filter without priors: %v", err)
	}
	if p, err := ParseFeatureFilterPairs("0,1;2,0"); err != nil || len(p) != 2 || p[1] != [2]int{2, 0} {
		t.Errorf("ParseFeatureFilterPairs: %v, %v", p, err)
	}
	if _, err := ParseFeatureFilterPairs("1,1"); err == nil || !strings.Contains(err.Error(), `feature filter pair "1,1": want a,b`) {
		t.Errorf("pair 1,1: %v", err)
	}
}

// TestFfiltOldFolder: a folder exported without feature filters has no
// feature_filters key in its manifest, loads with none and separates with
// the patch prior alone, as before.
func TestFfiltOldFolder(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior,
		PatchPrior: &PatchPriorOptions{K: 3, MaxRows: 1500, Iters: 15}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ModelManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "feature_filter") {
		t.Errorf("manifest without filters mentions them")
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := ms.FeatureFilterFor(0, 1); f != nil || err != nil {
		t.Errorf("FeatureFilterFor: %v, %v", f, err)
	}
	data := &stlayer.Maps{B: 1, M: 32, N: 32, Data: tinyProcess(t, 0, 90001)}
	comps := []SepComponent{{Name: "x", Model: ms.Components[0]}, {Name: "y", Model: ms.Components[1]}}
	res, err := SeparateWithModels(context.Background(), cpu.New(), ms, data, comps, ModelSepOptions{Steps: 10})
	if err != nil || res.Method != MethodPatchPrior {
		t.Errorf("separate: %v, method %v", err, res)
	}
}
