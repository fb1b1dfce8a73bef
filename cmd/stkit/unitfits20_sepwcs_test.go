package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// separate of a radio map whose header has degenerate FREQ and STOKES axes
// (CTYPE3, CTYPE4) and no WCSAXES wrote them as axes 4 and 5 beside the
// plane axis with no WCSAXES card, in a file of NAXIS = 3. It now writes
// WCSAXES = 5 before the WCS cards (datasets.PlaneAxisCards). Checked on
// the file read back.
func TestUnitfits20SeparateWCSAXES(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	d, err := datasets.ReadMaps(data)
	if err != nil {
		t.Fatal(err)
	}
	fits := filepath.Join(dir, "radio.fits")
	if err := datasets.WriteMapsCards(fits, d,
		datasets.Card{Key: "CTYPE1", Value: "RA---SIN"}, datasets.Card{Key: "CTYPE2", Value: "DEC--SIN"},
		datasets.Card{Key: "CTYPE3", Value: "FREQ"}, datasets.Card{Key: "CTYPE4", Value: "STOKES"},
		datasets.Card{Key: "CDELT1", Value: -1e-3}, datasets.Card{Key: "CDELT2", Value: 1e-3},
		datasets.Card{Key: "CRVAL3", Value: 1.4e9}, datasets.Card{Key: "CRVAL4", Value: 1.0}, datasets.Card{Key: "BUNIT", Value: "JY/BEAM"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.fits")
	if code, _, errs := runCLI(t, "separate", fits, "--contaminant", samples, "-J", "3", "--steps", "1,1,1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	got := map[string]any{}
	for _, c := range a.Header {
		if strings.HasPrefix(c.Key, "WCSAXES") || strings.HasPrefix(c.Key, "CTYPE") || strings.HasPrefix(c.Key, "CRVAL") || c.Key == "NAXIS" {
			keys = append(keys, c.Key)
			got[c.Key] = c.Value
		}
	}
	if want := "NAXIS WCSAXES CTYPE1 CTYPE2 CTYPE4 CTYPE5 CRVAL4 CRVAL5 CTYPE3 CRVAL3"; strings.Join(keys, " ") != want {
		t.Errorf("cards %s, want %s", strings.Join(keys, " "), want)
	}
	for k, v := range map[string]any{"NAXIS": int64(3), "WCSAXES": int64(5), "CTYPE4": "FREQ", "CTYPE5": "STOKES", "CRVAL4": 1.4e9, "CTYPE3": "PLANE"} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
