package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
)

// separate --models compared DATA's BUNIT and pixel scale with nothing: a
// FITS DATA in mJy/beam at 5′ pixels was separated with models trained on
// patches in Jy/beam at 3′ without a word. The models' dataset manifest
// records the training units (bunit, pixel_scale); DATA is now warned of
// when it differs (on stderr and in the report's "warnings"), and not when
// its BUNIT is another spelling of the same unit at the same scale.
func TestUnitfits20SeparateModelsUnits(t *testing.T) {
	fx := modelsFixture(t)
	work := t.TempDir()
	ds, models := filepath.Join(work, "ds"), filepath.Join(work, "models")
	copyTree(t, filepath.Join(fx, "ds"), ds)
	copyTree(t, filepath.Join(fx, "models"), models)
	edit := func(p string, f func(m map[string]any)) { t.Helper(); testutil.EditJSON(t, p, f) }
	// the training patches: Jy/beam at 3′ (as patches records FITS sources')
	edit(filepath.Join(ds, "manifest.json"), func(m map[string]any) {
		m["bunit"] = "Jy/beam"
		m["pixel_scale"] = map[string]any{"x": 0.05, "y": 0.05, "unit": "deg"}
	})
	edit(filepath.Join(models, "manifest.json"), func(m map[string]any) {
		m["source"].(map[string]any)["dataset"] = ds
	})
	mix, err := datasets.ReadMaps(filepath.Join(fx, "mix.npy"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(name, bunit string, deg float64) (string, map[string]any) {
		t.Helper()
		data := filepath.Join(work, name)
		cards := []datasets.Card{{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"},
			{Key: "CDELT1", Value: -deg}, {Key: "CDELT2", Value: deg}, {Key: "BUNIT", Value: bunit}}
		if err := datasets.WriteMapsCards(data, mix, cards...); err != nil {
			t.Fatal(err)
		}
		rep := filepath.Join(work, "rep-"+name)
		code, _, errs := runModelsCLI(t, "separate", data, "--models", models, "--components", "0,1", "--steps", "0,1",
			"-o", filepath.Join(work, "s-"+name+".npy"), "--report", rep, "--log-every", "100")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, tail(errs, 600))
		}
		return errs, readSepMetrics(t, rep)
	}
	errs, met := run("mjy.fits", "mJy/beam", 1.0/12)
	want := fmt.Sprintf(`separate: warning: DATA %s has BUNIT "mJy/beam" and 5 arcmin pixels, the models' training patches (as their dataset's %s records them) "Jy/beam" and 3 arcmin pixels: `,
		filepath.Join(work, "mjy.fits"), filepath.Join(ds, "manifest.json"))
	if !strings.Contains(errs, want) {
		t.Errorf("mJy/beam at 5′: stderr lacks %q:\n%s", want, errs)
	}
	if !strings.Contains(fmt.Sprint(met), `models' training patches`) {
		t.Errorf("mJy/beam at 5′: the report's warnings lack it: %v", met["settings"])
	}
	// another spelling of the unit, at the same scale: no warning
	if errs, _ = run("jy.fits", "JY/BEAM", 0.05); strings.Contains(errs, "training patches") {
		t.Errorf("JY/BEAM at 3′: %s", errs)
	}
}
