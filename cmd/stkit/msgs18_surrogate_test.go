package main

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestMsgs18SurrogateFITSCards: surrogate of a FITS map with BUNIT wrote a
// FITS without BUNIT, DATE or ORIGIN (synth writes them). It now keeps the
// unit and the pixel scale every FITS input shares (not the sky position),
// with a plane axis for a cube, and ends with DATE and ORIGIN; an .npy
// among the inputs, or inputs of different units, give no BUNIT.
func TestMsgs18SurrogateFITSCards(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 32, 32)
	for i := range m.Data {
		m.Data[i] = float64((i*7919)%97) / 97
	}
	wcs := []datasets.Card{{Key: "BUNIT", Value: "K_CMB"}, {Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"},
		{Key: "CRPIX1", Value: 16.5}, {Key: "CRVAL1", Value: 120.0}, {Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01}}
	write := func(name string, cards ...datasets.Card) string {
		p := filepath.Join(dir, name)
		if err := datasets.WriteMapsCards(p, m, cards...); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.fits", wcs...)
	b := write("b.fits", append([]datasets.Card{{Key: "BUNIT", Value: "MJy/sr"}}, wcs[1:]...)...)
	npy := write("c.npy")
	date := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`)
	for _, c := range []struct {
		name   string
		args   []string
		want   map[string]any // cards that must be there (DATE: its form)
		absent []string
	}{
		{"one FITS", []string{a}, map[string]any{"BUNIT": "K_CMB", "CDELT1": -0.01, "CDELT2": 0.01, "CUNIT1": "deg", "ORIGIN": "stkit", "DATE": ""}, []string{"CRVAL1", "CRPIX1", "CTYPE1", "CTYPE3"}},
		{"one FITS, -n 2", []string{a, "-n", "2"}, map[string]any{"BUNIT": "K_CMB", "CDELT2": 0.01, "CTYPE3": "PLANE", "CNAME3": "surrogate number", "ORIGIN": "stkit", "DATE": ""}, []string{"CRVAL1"}},
		{"units differ", []string{a, b}, map[string]any{"CDELT2": 0.01, "ORIGIN": "stkit", "DATE": ""}, []string{"BUNIT"}},
		{"an .npy input", []string{a, npy}, map[string]any{"ORIGIN": "stkit", "DATE": ""}, []string{"BUNIT", "CDELT1"}},
	} {
		out := filepath.Join(dir, "out.fits")
		if code, _, errs := runCLI(t, append([]string{"surrogate", "-o", out}, c.args...)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, errs)
		}
		_, cards, err := datasets.ReadMapsHeader(out)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for _, cd := range cards {
			if !cd.Commentary {
				got[cd.Key] = cd.Value
			}
		}
		for k, w := range c.want {
			v, ok := got[k]
			switch {
			case !ok:
				t.Errorf("%s: no %s card (cards %v)", c.name, k, got)
			case k == "DATE":
				if s, _ := v.(string); !date.MatchString(s) {
					t.Errorf("%s: DATE = %v, want the UTC time YYYY-MM-DDThh:mm:ss", c.name, v)
				}
			case v != w:
				t.Errorf("%s: %s = %v (%T), want %v", c.name, k, v, v, w)
			}
		}
		for _, k := range c.absent {
			if v, ok := got[k]; ok {
				t.Errorf("%s: %s = %v written, want none", c.name, k, v)
			}
		}
	}
}
