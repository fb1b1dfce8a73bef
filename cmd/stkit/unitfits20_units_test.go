package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// stats and separate warned that maps in "JY/BEAM" and "Jy/beam" (or
// "Jy/Beam") were in different units, and a --imag dashboard dropped its
// unit; they are spellings of one (datasets.SameBUnit). Units that differ
// only in a prefix's case (mJy/beam, Jy/beam; mK, MK) still warn.
func TestUnitfits20Spellings(t *testing.T) {
	dir := t.TempDir()
	data := units19FITS(t, dir, "d.fits", "Jy/beam", 1.0/12, "deg", false, 1, 32, 1)
	n1 := units19FITS(t, dir, "n1.fits", "JY/BEAM", 1.0/12, "deg", false, 2, 32, 2)
	n2 := units19FITS(t, dir, "n2.fits", "Jy/Beam", 1.0/12, "deg", false, 2, 32, 3)
	nm := units19FITS(t, dir, "nm.fits", "mJy/beam", 1.0/12, "deg", false, 2, 32, 4)
	_, cards, err := datasets.ReadMapsHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if got := warnSeparateUnits(&w, data, cards, [2]string{"--noise", n1 + "," + n2}); len(got) != 0 || w.Len() != 0 {
		t.Errorf("Jy/beam DATA, JY/BEAM and Jy/Beam noise: %d warnings %q", len(got), w.String())
	}
	got := warnSeparateUnits(&w, data, cards, [2]string{"--noise", nm})
	if len(got) != 1 || !strings.Contains(w.String(), `DATA `+data+` has BUNIT "Jy/beam", --noise `+nm+` "mJy/beam"`) {
		t.Errorf("mJy/beam noise: %d warnings %q", len(got), w.String())
	}

	// stats MAP --imag and --cross: no unit warning
	jp := filepath.Join(dir, "o.json")
	for _, flag := range []string{"--imag", "--cross"} {
		args := []string{"stats", n1, flag, n2, "-J", "2", "-o", jp}
		if flag == "--imag" {
			args = append(args, "--kind", "wph")
		}
		code, _, errs := runCLI(t, args...)
		if code != 0 || strings.Contains(errs, "warning") {
			t.Errorf("stats JY/BEAM %s Jy/Beam: exit %d, %s", flag, code, errs)
		}
	}
	code, _, errs := runCLI(t, "stats", n1, "--imag", nm, "--kind", "wph", "-J", "2", "-o", jp)
	if code != 0 || !strings.Contains(errs, `has BUNIT "JY/BEAM" but --imag `+nm+` has "mJy/beam"`) {
		t.Errorf("stats JY/BEAM --imag mJy/beam: exit %d, %s", code, errs)
	}

	// dashboard units: one unit, squared; no "units differ" line
	if got, want := crossUnitProduct("JY/BEAM", "Jy/beam"), unitPower("JY/BEAM", 2); got != want {
		t.Errorf("crossUnitProduct: %q, want %q", got, want)
	}
	if got := unitsDifferNote([2]string{"MAP", "JY/BEAM"}, [2]string{"--imag", "Jy/Beam"}); got != "" {
		t.Errorf("unitsDifferNote: %q, want none", got)
	}
	if got := unitsDifferNote([2]string{"MAP", "MJy/sr"}, [2]string{"--imag", "mJy/sr"}); !strings.Contains(got, "units differ") {
		t.Errorf("unitsDifferNote MJy/sr, mJy/sr: %q", got)
	}
}
