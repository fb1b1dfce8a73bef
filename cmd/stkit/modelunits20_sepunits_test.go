package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
)

// separate --models found the training units only in the manifest of the
// models' dataset: a model folder moved away from its dataset (or whose
// dataset was removed) got no unit check, and DATA in mJy/beam at 5′ was
// fitted to models of Jy/beam patches at 3′ without a word. The model
// manifest now records them (source.bunit, source.pixel_scale, written by
// export) and separate --models reads them there first; a folder exported
// before it did, whose dataset is gone, still loads and runs (no units to
// compare: no warning).
func TestModelunits20SeparateMovedModels(t *testing.T) {
	fx := modelsFixture(t)
	work := t.TempDir()
	models, old := filepath.Join(work, "moved"), filepath.Join(work, "old")
	copyTree(t, filepath.Join(fx, "models"), models)
	copyTree(t, filepath.Join(fx, "models"), old)
	gone := filepath.Join(work, "no-such-dataset")
	testutil.EditJSON(t, filepath.Join(models, "manifest.json"), func(m map[string]any) {
		src := m["source"].(map[string]any)
		src["dataset"] = gone
		src["bunit"] = "Jy/beam"
		src["pixel_scale"] = map[string]any{"x": 0.05, "y": 0.05, "unit": "deg"}
	})
	testutil.EditJSON(t, filepath.Join(old, "manifest.json"), func(m map[string]any) {
		m["source"].(map[string]any)["dataset"] = gone
	})
	mix, err := datasets.ReadMaps(filepath.Join(fx, "mix.npy"))
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(work, "mjy.fits")
	cards := []datasets.Card{{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"},
		{Key: "CDELT1", Value: -1.0 / 12}, {Key: "CDELT2", Value: 1.0 / 12}, {Key: "BUNIT", Value: "mJy/beam"}}
	if err := datasets.WriteMapsCards(data, mix, cards...); err != nil {
		t.Fatal(err)
	}
	run := func(name, dir string) (string, map[string]any) {
		t.Helper()
		rep := filepath.Join(work, "rep-"+name)
		code, _, errs := runModelsCLI(t, "separate", data, "--models", dir, "--components", "0,1", "--steps", "0,1",
			"-o", filepath.Join(work, "s-"+name+".npy"), "--report", rep, "--log-every", "100")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, tail(errs, 600))
		}
		return errs, readSepMetrics(t, rep)
	}
	errs, met := run("moved", models)
	// named: the manifest the units were read from, not the dataset's
	// stale path (fixunits)
	want := fmt.Sprintf(`separate: warning: DATA %s has BUNIT "mJy/beam" and 5 arcmin pixels, the models' training patches (as %s records them) "Jy/beam" and 3 arcmin pixels: `,
		data, filepath.Join(models, "manifest.json"))
	if !strings.Contains(errs, want) || strings.Contains(errs, gone) {
		t.Errorf("moved models, dataset gone: stderr lacks %q (or names %s):\n%s", want, gone, errs)
	}
	if !strings.Contains(fmt.Sprint(met), `"Jy/beam" and 3 arcmin pixels`) {
		t.Errorf("moved models: the report's warnings lack it: %v", met["settings"])
	}
	// a model folder written before the manifest recorded units, its
	// dataset gone: it loads, separates, and has nothing to compare
	if errs, _ = run("old", old); strings.Contains(errs, "training patches") {
		t.Errorf("old folder: %s", errs)
	}
}
