package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestMisc21NoPixelScaleNote: a FITS map whose axes have units that differ
// and are not both angles (CUNIT1 'deg', CUNIT2 'm/s') has no one pixel
// scale (datasets.PixelScaleOf nil), and stats printed no "# pixel scale"
// line, its -o file no pixel_scale, synth's report a k axis in pixels,
// without a word. Each now says why, once.
func TestMisc21NoPixelScaleNote(t *testing.T) {
	pv := []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "VRAD"},
		{Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 1000.0},
		{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "m/s"}, {Key: "BUNIT", Value: "K"}}
	const want = "no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s' (the axes' units differ and are not both angles)"
	rot := []datasets.Card{{Key: "CD1_1", Value: -0.025}, {Key: "CD1_2", Value: 0.001}, {Key: "CD2_1", Value: 10.0}, {Key: "CD2_2", Value: 1000.0},
		{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "m/s"}}
	for _, c := range []struct {
		name  string
		cards []datasets.Card
		want  string
	}{
		{"deg and m/s", pv, want},
		{"deg and m/s, CD matrix with rotation terms", rot, want},
		{"deg and arcsec (one scale)", []datasets.Card{{Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 90.0},
			{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "arcsec"}}, ""},
		{"celestial axes, no CUNIT", []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
			{Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 0.025}}, ""},
		{"no WCS", []datasets.Card{{Key: "BUNIT", Value: "K"}}, ""},
		{"units but no scale", []datasets.Card{{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "m/s"}}, ""},
	} {
		if got := noPixelScaleNote(c.cards); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}

	dir := t.TempDir()
	x := stlayer.NewMaps(1, 32, 32)
	w, err := datasets.WhiteNoise(32, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	copy(x.Map(0), w)
	p := filepath.Join(dir, "pv.fits")
	if err := datasets.WriteMapsCards(p, x, pv...); err != nil {
		t.Fatal(err)
	}
	line := want + ": the central wavelengths of the scales j are in pixels only"
	code, out, errs := runCLI(t, "stats", p, "-J", "2")
	if code != 0 || !strings.HasPrefix(out, "# "+line+"\n") || strings.Contains(errs, "no single") {
		t.Errorf("stats pv.fits: exit %d, stdout begins %q, stderr %q; want the table to begin %q", code, out[:min(len(out), 200)], errs, "# "+line)
	}
	jp := filepath.Join(dir, "pv.json")
	code, _, errs = runCLI(t, "stats", p, "-J", "2", "-o", jp)
	if code != 0 || !strings.Contains(errs, "stats: note: "+line+", and "+jp+" has no pixel scale\n") {
		t.Errorf("stats pv.fits -o pv.json: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCLI(t, "synth", p, "-n", "1", "--steps", "3", "-J", "2", "-o", filepath.Join(dir, "s.fits"), "--report", filepath.Join(dir, "rep"))
	if code != 0 || !strings.Contains(errs, "synth: note: TARGET "+p+": "+want+": the report's power spectrum gives k in cycles per map only (the output's CDELT1/2 and CUNIT1/2 keep each axis's own)\n") {
		t.Errorf("synth pv.fits --report: exit %d, stderr %q", code, errs)
	}
	// without --report: nothing lost, no note
	code, _, errs = runCLI(t, "synth", p, "-n", "1", "--steps", "3", "-J", "2", "-o", filepath.Join(dir, "s2.fits"))
	if code != 0 || strings.Contains(errs, "no single") {
		t.Errorf("synth pv.fits (no --report): exit %d, stderr %q", code, errs)
	}
	// a map with one pixel scale: the scale's line, no note
	_, f := units19Files(t)
	code, out, errs = runCLI(t, "stats", f["a"], "-J", "2")
	if code != 0 || !strings.HasPrefix(out, "# pixel scale: 0.025 deg (1.5 arcmin)") || strings.Contains(out+errs, "no single") {
		t.Errorf("stats a.fits: exit %d, stdout begins %q, stderr %q", code, out[:min(len(out), 200)], errs)
	}
}
