package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestMisc2SeparateNoScaleNoteText pins separate --report's note for such
// a DATA (none without --report, none for a map with one scale).
func TestMisc2SeparateNoScaleNoteText(t *testing.T) {
	pv := []datasets.Card{{Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 1000.0}, {Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "m/s"}}
	want := "separate: note: DATA d.fits: no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s' (the axes' units differ and are not both angles): " +
		"the report's power spectra give k in cycles per map only (a FITS output keeps DATA's WCS, each axis its own unit)\n"
	if got := separateNoScaleNote("d.fits", pv, "rep"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := separateNoScaleNote("d.fits", pv, ""); got != "" {
		t.Errorf("no --report: %q", got)
	}
	one := []datasets.Card{{Key: "CDELT1", Value: -0.025}, {Key: "CDELT2", Value: 90.0}, {Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "arcsec"}}
	if got := separateNoScaleNote("d.fits", one, "rep"); got != "" {
		t.Errorf("one scale: %q", got)
	}
}

// TestMisc2SeparateNoPixelScaleNote: separate --report of a DATA whose
// axes have units that differ and are not both angles gave its report's
// power spectra k in cycles per map (SepReportOptions.PixelScale nil)
// without a word; it says so now, once, and not without --report.
func TestMisc2SeparateNoPixelScaleNote(t *testing.T) {
	dir := t.TempDir()
	data := misc2PVFITS(t, dir, "pv.fits", 1)
	s := stlayer.NewMaps(3, 64, 64)
	for b := range 3 {
		w, err := datasets.WhiteNoise(64, 64, uint64(10+b))
		if err != nil {
			t.Fatal(err)
		}
		copy(s.Map(b), w)
	}
	samples := filepath.Join(dir, "c.npy")
	if err := datasets.WriteMapsCards(samples, s); err != nil {
		t.Fatal(err)
	}
	want := "separate: note: DATA " + data + ": no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s'"
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "2", "--steps", "1,1,1", "-o", filepath.Join(dir, "o.fits"), "--report", filepath.Join(dir, "rep"))
	if code != 0 || strings.Count(errs, want) != 1 {
		t.Errorf("separate pv.fits --report: exit %d, stderr %q; want once %q", code, errs, want)
	}
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "2", "--steps", "1,1,1", "-o", filepath.Join(dir, "o2.fits"))
	if code != 0 || strings.Contains(errs, "no single") {
		t.Errorf("separate pv.fits (no --report): exit %d, stderr %q", code, errs)
	}
}
