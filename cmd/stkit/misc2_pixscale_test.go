package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// misc2PVFITS writes a 64×64 white-noise position–velocity map (CUNIT1
// 'deg', CUNIT2 'm/s': no single pixel scale) into dir.
func misc2PVFITS(t *testing.T, dir, name string, seed uint64) string {
	t.Helper()
	pv := []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "VRAD"},
		{Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 1000.0},
		{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "m/s"}, {Key: "BUNIT", Value: "K"}}
	x := stlayer.NewMaps(1, 64, 64)
	w, err := datasets.WhiteNoise(64, 64, seed)
	if err != nil {
		t.Fatal(err)
	}
	copy(x.Map(0), w)
	p := filepath.Join(dir, name)
	if err := datasets.WriteMapsCards(p, x, pv...); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMisc2PatchesNoPixelScaleNote: stkit patches of a FITS map whose axes
// have units that differ and are not both angles (CUNIT1 'deg', CUNIT2
// 'm/s') wrote a manifest.json without pixel_scale, without a word, where
// stats and synth --report say why (misc21). It now says so, once per such
// source; a map with one pixel scale gets none.
func TestMisc2PatchesNoPixelScaleNote(t *testing.T) {
	dir := t.TempDir()
	p := misc2PVFITS(t, dir, "pv.fits", 1)
	ds := filepath.Join(dir, "ds")
	code, _, errs := runCLI(t, "patches", p, "--size", "32", "-J", "2", "-o", ds)
	want := "patches: note: " + p + ": no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s' (the axes' units differ and are not both angles): " +
		filepath.Join(ds, "manifest.json") + " has no pixel_scale for it, nor will the models trained on it\n"
	if code != 0 || strings.Count(errs, want) != 1 {
		t.Errorf("patches pv.fits: exit %d, stderr %q; want once %q", code, errs, want)
	}
	b, err := os.ReadFile(filepath.Join(ds, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man map[string]any
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if _, ok := man["pixel_scale"]; ok || man["bunit"] != "K" {
		t.Errorf("manifest: pixel_scale %v, bunit %v; want no pixel_scale and bunit K", man["pixel_scale"], man["bunit"])
	}
	// -q keeps the note (": note: ")
	code, _, errs = runCLI(t, "-q", "patches", p, "--size", "32", "-J", "2", "-o", ds)
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("-q patches pv.fits (reused): exit %d, stderr %q", code, errs)
	}
	// a FITS map with one pixel scale: no note
	_, f := units19Files(t)
	code, _, errs = runCLI(t, "patches", f["a"], "--size", "16", "-J", "2", "-o", filepath.Join(dir, "ds2"))
	if code != 0 || strings.Contains(errs, "no single") {
		t.Errorf("patches a.fits: exit %d, stderr %q", code, errs)
	}
}
