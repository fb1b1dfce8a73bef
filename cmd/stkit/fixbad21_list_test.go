package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// A list item with a bracketed section holding a comma was split at that
// comma: "x.fits[1:32,1:32],b.npy" read the files "x.fits[1:32" and
// "1:32]" ("stkit: x.fits[1:16: no such file or directory"), and
// "g.npy[:, 0:64],b.npy" said "g.npy[:: no such file or directory". Lists
// are now split at top-level commas only; a section after a non-FITS file
// in a list is refused as such (as it was for a single file, 04f3a7c).
func TestFixbad21ListBrackets(t *testing.T) {
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
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{f + "[1:32,1:32]," + g, []string{f + "[1:32,1:32]", g}},
		{g + "," + f + "[1:32, 33:64] , " + f + "[0][*,*]", []string{g, f + "[1:32, 33:64]", f + "[0][*,*]"}},
		{filepath.Join(dir, "none.fits[1:2,3:4]") + "," + g, []string{filepath.Join(dir, "none.fits[1:2,3:4]"), g}},
		{filepath.Join(dir, "a[1") + "," + g, []string{filepath.Join(dir, "a[1"), g}}, // unpaired: every comma
	} {
		got, err := mapList(tc.spec)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("mapList(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
	// Two windows of one FITS file: 2 maps of 32×32.
	out := filepath.Join(dir, "f.json")
	code, _, errs := runCLI(t, "stats", f+"[1:32,1:32],"+f+"[33:64,33:64]", "-J", "2", "-o", out)
	if code != 0 {
		t.Fatalf("two FITS sections: exit %d: %s", code, errs)
	}
	var rec struct {
		Config struct {
			Inputs   []string `json:"inputs"`
			MapShape []int    `json:"map_shape"`
		} `json:"config"`
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.Config.MapShape, []int{2, 32, 32}) || len(rec.Config.Inputs) != 2 {
		t.Errorf("two FITS sections: map_shape %v, inputs %q; want [2 32 32] and 2 inputs", rec.Config.MapShape, rec.Config.Inputs)
	}
	for _, arg := range []string{g + "[1:32,1:32]," + f, f + "," + g + "[:, 0:64]", g + "[1:2]," + f} {
		code, _, errs := runCLI(t, "stats", arg, "-J", "2", "-o", filepath.Join(dir, "s.json"))
		if code != 2 || !strings.Contains(errs, "is read from FITS files only, and "+g+" is not one") || strings.Contains(errs, "no such file") {
			t.Errorf("%s: exit %d: %s", arg, code, errs)
		}
	}
	code, _, errs = runCLI(t, "stats", filepath.Join(dir, "none.fits[1:16,1:16]")+","+g, "-J", "2")
	if code != 2 || !strings.Contains(errs, filepath.Join(dir, "none.fits")+": no such file") || strings.Contains(errs, "[1:16:") {
		t.Errorf("a missing FITS file: exit %d: %s", code, errs)
	}
}
