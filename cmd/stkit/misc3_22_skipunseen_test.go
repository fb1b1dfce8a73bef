package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --skip-nan without --crop refused a batch whose map 1 holds
// HEALPix's UNSEEN value (−1.6375e30, missing data) on reading (exit 2,
// '10 pixels of 3072 hold -1.6375e30 …'), where the same map with NaN is
// left out. --skip-nan now leaves out maps holding UNSEEN too, naming them
// with their count, and the coefficients are those of the other maps; with
// --crop valid a map more than half UNSEEN is left out like one more than
// half NaN.
func TestMisc3SkipNaNUnseen(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(3, 32, 32)
	for b := range 3 {
		x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, uint64(b+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(b), x)
	}
	clean := filepath.Join(dir, "clean.npy")
	if err := datasets.WriteMaps(clean, keepMaps(m, 0, 2)); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		m.Map(1)[i] = datasets.Unseen
	}
	u := filepath.Join(dir, "u.npy")
	if err := datasets.WriteMaps(u, m); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	code, _, errs := runCLI(t, "stats", u, "-J", "2", "--skip-nan", "-o", a)
	want := "stats: note: --skip-nan: left out 1 of the 3 maps of MAP " + u + ", holding NaN, ±Inf or UNSEEN (-1.6375e30): u.npy map 1: 10 pixels hold -1.6375e30 (HEALPix's UNSEEN value); 2 maps kept\n"
	if code != 0 || !strings.Contains(errs, want) {
		t.Fatalf("--skip-nan with UNSEEN: exit %d, stderr %q\nwant exit 0 and %q", code, errs, want)
	}
	if code, _, errs := runCLI(t, "stats", clean, "-J", "2", "-o", b); code != 0 {
		t.Fatalf("clean maps: exit %d: %s", code, errs)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ba) == 0 || !bytes.Equal(ba, bb) {
		t.Errorf("--skip-nan's coefficients differ from those of the 2 maps without UNSEEN")
	}
	// NaN and UNSEEN in one map; every map bad: refused, naming both
	all := keepMaps(m, 1)
	all.Map(0)[20] = 0
	all.Map(0)[20] = all.Map(0)[20] / all.Map(0)[20] // NaN
	one := filepath.Join(dir, "one.npy")
	if err := datasets.WriteMaps(one, all); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "stats", one, "-J", "2", "--skip-nan")
	want = "--skip-nan: the map of MAP " + one + " holds NaN, ±Inf or UNSEEN (-1.6375e30) (one.npy: 1 pixel non-finite, 10 hold -1.6375e30 (HEALPix's UNSEEN value)); 0 would be left, and the statistics need at least 1 map"
	if code != 2 || !strings.Contains(errs, want) {
		t.Errorf("one map with NaN and UNSEEN: exit %d, stderr %q\nwant %q", code, errs, want)
	}
	// --crop valid: a map more than half UNSEEN is left out, the others cut
	for i := range 600 {
		m.Map(1)[i] = datasets.Unseen
	}
	for i := range 32 {
		m.Map(0)[i*32+31] = datasets.Unseen // the last column of map 0
	}
	half := filepath.Join(dir, "half.npy")
	if err := datasets.WriteMaps(half, m); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "stats", half, "-J", "2", "--skip-nan", "--crop", "valid", "-o", filepath.Join(dir, "h.npy"))
	if code != 0 || !strings.Contains(errs, "left out 1 of the 3 maps of MAP "+half+", more than half NaN, ±Inf or UNSEEN (-1.6375e30) (--crop valid cuts the others): half.npy map 1: 600 pixels hold -1.6375e30 (HEALPix's UNSEEN value); 2 maps kept") ||
		!strings.Contains(errs, "kept rows 0–31, columns 0–29") {
		t.Errorf("--skip-nan --crop valid with UNSEEN: exit %d, stderr %q", code, errs)
	}
}
