package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate --crop valid: DATA's NaN edge is cut, the noise samples are cut
// to the same window, and the output FITS keeps DATA's WCS: CRPIX1 less
// the window's first column, CRPIX2 less its first row, the size the
// window's.
func TestNanmask19SeparateCropWCS(t *testing.T) {
	dir := t.TempDir()
	d := nanEdgeMaps(t, 1, 40, 44, 3, 2)
	wcs := []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"}, {Key: "CRPIX1", Value: 22.5}, {Key: "CRPIX2", Value: 20.5},
		{Key: "CRVAL1", Value: 120.0}, {Key: "CRVAL2", Value: 30.0}, {Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 0.025}, {Key: "BUNIT", Value: "K"}}
	in := filepath.Join(dir, "d.fits")
	if err := datasets.WriteMapsCards(in, d, wcs...); err != nil {
		t.Fatal(err)
	}
	noise := stlayer.NewMaps(3, 40, 44)
	for b := 0; b < 3; b++ {
		x, err := datasets.LogNormalField(40, 44, -3, 0.3, uint64(b+30))
		if err != nil {
			t.Fatal(err)
		}
		copy(noise.Map(b), x)
	}
	np := filepath.Join(dir, "n.npy")
	if err := datasets.WriteMaps(np, noise); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.fits")
	code, _, errs := runCLI(t, "separate", in, "--noise", np, "--crop", "valid", "-J", "2", "--steps", "1,1,1", "-o", out)
	if code != 0 {
		t.Fatalf("separate --crop valid: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "separate: note: --crop valid: DATA "+in) {
		t.Errorf("no --crop line:\n%s", errs)
	}
	w := printedWindow(t, errs)
	if w.R0 < 3 || w.C1 > 42 {
		t.Errorf("window %+v holds the NaN edge", w)
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.Shape); n < 2 || a.Shape[n-2] != w.rows() || a.Shape[n-1] != w.cols() {
		t.Errorf("output shape %v, window %d×%d", a.Shape, w.rows(), w.cols())
	}
	got := map[string]float64{}
	for _, c := range a.Header {
		if v, ok := c.Value.(float64); ok {
			got[c.Key] = v
		}
	}
	if got["CRPIX1"] != 22.5-float64(w.C0) || got["CRPIX2"] != 20.5-float64(w.R0) || got["CRVAL1"] != 120 {
		t.Errorf("output CRPIX1 %g CRPIX2 %g CRVAL1 %g, want %g %g 120", got["CRPIX1"], got["CRPIX2"], got["CRVAL1"], 22.5-float64(w.C0), 20.5-float64(w.R0))
	}
}
