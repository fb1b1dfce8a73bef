package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate --models stacks C components on DATA's grid (NAXIS = 3); its FITS
// output kept DATA's 2-axis WCS (WCSAXES = 2) as it was. It now gets the
// plane axis, as plain separate's output does (datasets.PlaneAxisCards).
func TestSeparateModelsFITSWCSThreeAxes(t *testing.T) {
	dir := modelsFixture(t)
	mix, err := datasets.ReadMaps(filepath.Join(dir, "mix.npy"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	fits := filepath.Join(work, "mix.fits")
	wcs := []datasets.Card{
		{Key: "WCSAXES", Value: int64(2)},
		{Key: "CRPIX1", Value: 32.5}, {Key: "CRPIX2", Value: 32.5},
		{Key: "CDELT1", Value: -0.05}, {Key: "CDELT2", Value: 0.05},
		{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"},
		{Key: "BUNIT", Value: "MJy/sr"},
	}
	if err := datasets.WriteMapsCards(fits, mix, wcs...); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(work, "sep.fits")
	if code, _, errs := runModelsCLI(t, "separate", fits, "--models", filepath.Join(dir, "models"), "--components", "0,1", "--steps", "1,1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, c := range a.Header {
		if c.Key != "HISTORY" {
			got[c.Key] = c.Value
		}
	}
	want := map[string]any{
		"NAXIS": int64(3), "NAXIS3": int64(2), "WCSAXES": int64(3), "CTYPE1": "GLON-CAR", "CTYPE2": "GLAT-CAR",
		"CTYPE3": "PLANE", "CRPIX3": 1.0, "CRVAL3": 1.0, "CDELT3": 1.0, "CNAME3": "components 0,1 in order", "BUNIT": "MJy/sr",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// separate --models took a MODELDIR that is missing, a file or a patch
// dataset to infer.LoadModels, which said 'open X/manifest.json: not a
// directory' or 'unsupported per-component model format: format ""' with
// exit 1; it now checks the folder as sample does (checkModelFolder): exit
// 2, the reason, no output.
func TestSeparateModelsFolderErrors(t *testing.T) {
	dir := t.TempDir()
	mix := filepath.Join(dir, "mix.npy")
	if err := datasets.WriteMaps(mix, stlayer.NewMaps(1, 32, 32)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.npy")
	for _, c := range []struct{ models, frag string }{
		{filepath.Join(dir, "none"), "no such file or directory"},
		{file, "is a file, not a model folder"},
		{tinyDataset(t), "holds a patch dataset (stkit patches), not models"},
	} {
		wantBadInput(t, []string{"separate", mix, "--models", c.models, "--components", "0,1", "-o", out}, c.frag, out)
	}
}
