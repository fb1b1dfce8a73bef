package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// stkit separate's FITS output stacks s̃ and d − s̃ (NAXIS = 3) but carried
// DATA's 2-axis WCS as it was (astropy's WCSAXES = 2, CTYPE1/2 only), a
// header whose WCS disagrees with its data. The output's WCS now has the
// plane axis: WCSAXES = 3, CTYPE3 = 'PLANE' with plane number = world
// coordinate (CRPIX3 = CRVAL3 = CDELT3 = 1) and CNAME3 naming the planes;
// the celestial axes are kept. Checked on the file read back.
func TestSeparateFITSWCSThreeAxes(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	d, err := datasets.ReadMaps(data)
	if err != nil {
		t.Fatal(err)
	}
	fits := filepath.Join(dir, "data.fits")
	wcs := []datasets.Card{
		{Key: "WCSAXES", Value: int64(2), Comment: "Number of coordinate axes"},
		{Key: "CRPIX1", Value: 16.5}, {Key: "CRPIX2", Value: 16.5},
		{Key: "CDELT1", Value: -0.05}, {Key: "CDELT2", Value: 0.05},
		{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"},
		{Key: "CRVAL1", Value: 120.0}, {Key: "CRVAL2", Value: 30.0},
		{Key: "BUNIT", Value: "MJy/sr"},
	}
	if err := datasets.WriteMapsCards(fits, d, wcs...); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.fits")
	if code, _, errs := runCLI(t, "separate", fits, "--contaminant", samples, "-J", "3", "--steps", "2,2,1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	var order []string
	for _, c := range a.Header {
		if c.Key != "HISTORY" {
			got[c.Key] = c.Value
			order = append(order, c.Key)
		}
	}
	if len(a.Shape) != 3 || a.Shape[0] != 2 || got["NAXIS"] != int64(3) || got["NAXIS3"] != int64(2) {
		t.Fatalf("output shape %v, NAXIS %v, NAXIS3 %v", a.Shape, got["NAXIS"], got["NAXIS3"])
	}
	want := map[string]any{
		"WCSAXES": int64(3), "CTYPE1": "GLON-CAR", "CTYPE2": "GLAT-CAR", "CDELT1": -0.05, "CRPIX2": 16.5,
		"CTYPE3": "PLANE", "CRPIX3": 1.0, "CRVAL3": 1.0, "CDELT3": 1.0, "CNAME3": "1 = separated component s, 2 = DATA - s",
		"BUNIT": "MJy/sr",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// WCSAXES precedes the other WCS keywords (FITS WCS Paper I)
	for i, k := range order {
		if k == "WCSAXES" {
			for _, before := range order[:i] {
				if before[0] == 'C' {
					t.Errorf("WCSAXES after %s: %v", before, order)
				}
			}
		}
	}
}
