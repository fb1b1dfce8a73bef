package infer

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// A ModelSet with Dir "" whose manifest records patch priors it never
// loaded (ModelSet.PatchPriors nil) was written without them, silently:
// the new folder's manifest had no patch_priors record and no prior file,
// and with feature filters Write blamed 'Manifest.PatchPriors nil' though
// the caller's manifest had them. Write now refuses such a set, naming the
// priors (ErrModelInput), and nothing is installed; the manifest naming
// no file, priors set in ModelSet.PatchPriors, or Manifest.PatchPriors set
// to nil are written as before.
func TestFixb23WriteUnloadedPriors(t *testing.T) {
	fx := tinyRun(t)
	src := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, src, ExportOptions{Samples: 4, Seed: 3, Latent: LatentPosterior}); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadModels(src)
	if err != nil {
		t.Fatal(err)
	}
	mem := func(rec *ModelPatchPriors) *ModelSet {
		man := *loaded.Manifest
		man.PatchPriors = rec
		return &ModelSet{Manifest: &man, Components: loaded.Components}
	}
	rec := &ModelPatchPriors{Files: []string{"patch_prior_0.npz", "patch_prior_1.npz"}, P: 2, K: 2}
	out := filepath.Join(t.TempDir(), "out")
	err = mem(rec).Write(out)
	want := `model set: Manifest.PatchPriors records patch_prior_0.npz, patch_prior_1.npz, but the set holds no patch priors (ModelSet.PatchPriors nil) and has no folder to read them from (Dir ""): set ModelSet.PatchPriors, or set Manifest.PatchPriors to nil to write the models without them`
	if err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("unloaded priors: Write error %v, want %q", err, want)
	}
	if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("unloaded priors: %s written (%v)", out, serr)
	}
	// with feature filters recorded too, the priors are named, not 'nil'
	withFilter := mem(rec)
	withFilter.Manifest.FeatureFilters = []ModelFeatureFilter{{File: "feature_filter_0_1.npz", A: 0, B: 1}}
	if err := withFilter.Write(out); err == nil || err.Error() != want {
		t.Errorf("unloaded priors and a filter: Write error %v, want %q", err, want)
	}
	// the priors given: written, the record kept
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
	given := mem(rec)
	given.PatchPriors = []*PatchPrior{prior(0.2), prior(0.05)}
	if err := given.Write(out); err != nil {
		t.Fatalf("priors given: %v", err)
	}
	back, err := LoadModels(out)
	if err != nil {
		t.Fatal(err)
	}
	pps, err := back.LoadPatchPriors()
	if err != nil || len(pps) != 2 || pps[0] == nil || pps[1] == nil || pps[1].Weights[1] != 0.6 {
		t.Errorf("priors given: read back %v, %v", pps, err)
	}
	// a record naming no file, or none: written without a record
	for name, r := range map[string]*ModelPatchPriors{"no file named": {Files: []string{"", ""}, P: 2, K: 2}, "nil": nil} {
		o := filepath.Join(t.TempDir(), "o")
		if err := mem(r).Write(o); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if b, err := LoadModels(o); err != nil || b.Manifest.PatchPriors != nil {
			t.Errorf("%s: loaded %v, record %+v", name, err, b.Manifest.PatchPriors)
		}
	}
}
