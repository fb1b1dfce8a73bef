package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// A FITS selection or section after a non-FITS file ("g.npy[1:32,1:32]")
// was split at its comma as a list of files: "…g.npy[1:32: no such file or
// directory"; now exit 2 saying sections are read from FITS files only.
// The same section of a FITS file is read as before (32×32).
func TestBadfix20SectionNonFITS(t *testing.T) {
	dir := t.TempDir()
	g := writeTestMap(t, dir, "g.npy", 1)
	m, err := datasets.ReadMaps(g)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "g.fits")
	if err := datasets.WriteMaps(f, m); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{g + "[1:32,1:32]", g + "[2]", g + "[SCI][1:32,1:32]"} {
		code, _, errs := runCLI(t, "stats", arg, "-J", "2", "-o", filepath.Join(dir, "s.json"))
		if code != 2 || !strings.Contains(errs, "is read from FITS files only, and "+g+" is not one") || strings.Contains(errs, "no such file") {
			t.Errorf("%s: exit %d: %s", arg, code, errs)
		}
	}
	code, _, errs := runCLI(t, "stats", f+"[1:32,1:32]", "-J", "2", "-o", filepath.Join(dir, "f.json"))
	if code != 0 || !strings.Contains(errs, "1 map of") {
		t.Errorf("FITS section: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI(t, "stats", filepath.Join(dir, "none.npy[1:32,1:32]"), "-J", "2"); code != 2 || strings.Contains(errs, "FITS files only") {
		t.Errorf("a missing file: exit %d: %s", code, errs)
	}
}
