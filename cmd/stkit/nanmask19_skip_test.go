package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// keepMaps returns the maps of m whose index is in keep.
func keepMaps(m *stlayer.Maps, keep ...int) *stlayer.Maps {
	out := stlayer.NewMaps(len(keep), m.M, m.N)
	for i, b := range keep {
		copy(out.Map(i), m.Map(b))
	}
	return out
}

// stats --skip-nan on a FITS cube with a flagged plane: the plane is named
// with its FITS section, the others kept, the coefficients those of the
// cube without it; with --crop valid only planes more than half NaN are
// left out and the others cut to their NaN-free window. --compare needs 2
// maps per set left; --cross leaves out the pairs.
func TestNanmask19SkipNaN(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(4, 32, 32)
	for b := 0; b < 4; b++ {
		x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, uint64(b+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(b), x)
	}
	for i := range m.Map(2) {
		m.Map(2)[i] = math.NaN() // a flagged channel
	}
	cube := filepath.Join(dir, "cube.fits")
	if err := datasets.WriteMaps(cube, m); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(dir, "clean.npy")
	if err := datasets.WriteMaps(clean, keepMaps(m, 0, 1, 3)); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	code, _, errs := runCLI(t, "stats", cube, "-J", "2", "--skip-nan", "-o", a)
	if code != 0 {
		t.Fatalf("--skip-nan: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "left out 1 of the 4 maps") || !strings.Contains(errs, "cube.fits plane 2 ([*,*,3]): 1024 pixels non-finite") || !strings.Contains(errs, "3 maps kept") {
		t.Errorf("--skip-nan line:\n%s", errs)
	}
	if code, _, errs := runCLI(t, "stats", clean, "-J", "2", "-o", b); code != 0 {
		t.Fatalf("clean maps: exit %d: %s", code, errs)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ba) == 0 || !bytes.Equal(ba, bb) {
		t.Errorf("--skip-nan's coefficients differ from those of the 3 clean maps")
	}
	// with --crop valid: plane 2 (all NaN) left out, the others' NaN edge cut
	m2 := keepMaps(m, 0, 1, 2, 3)
	for _, b := range []int{0, 1, 3} {
		for r := 0; r < 32; r++ {
			m2.Map(b)[r*32+31] = math.NaN() // the last column
		}
	}
	m2.Map(1)[5] = math.Inf(1) // a few bad pixels: cut, not left out
	edge := filepath.Join(dir, "edge.npy")
	if err := datasets.WriteMaps(edge, m2); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "stats", edge, "-J", "2", "--skip-nan", "--crop", "valid", "-o", filepath.Join(dir, "e.json"))
	if code != 0 {
		t.Fatalf("--skip-nan --crop valid: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "left out 1 of the 4 maps") || !strings.Contains(errs, "edge.npy map 2: 1024 pixels") || !strings.Contains(errs, "--crop valid: MAP") {
		t.Errorf("--skip-nan --crop valid:\n%s", errs)
	}
	w := printedWindow(t, errs)
	if w.C1 > 31 || w.R0 <= 0 && w.R1 > 0 && w.C0 <= 5 && w.C1 > 5 {
		t.Errorf("window %+v holds NaN/Inf pixels", w)
	}
	// --compare: a set left with one map is refused, naming the maps
	if code, _, errs := runCLI(t, "stats", cube, "--cross", clean, "-J", "2", "--skip-nan"); code != 2 || !strings.Contains(errs, "paired one by one") {
		t.Errorf("--cross of 3 maps for 4: exit %d: %s", code, errs)
	}
	one := filepath.Join(dir, "one.npy") // maps 0 and 2 (NaN): with clean.npy, 5 maps
	if err := datasets.WriteMaps(one, keepMaps(m, 0, 2)); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "stats", clean, "--compare", one, "-J", "2", "--skip-nan")
	if code != 2 || !strings.Contains(errs, "1 would be left") || !strings.Contains(errs, "2 maps per set") || !strings.Contains(errs, "one.npy map 1") {
		t.Errorf("--compare with 1 map left: exit %d: %s", code, errs)
	}
	// --cross: map 2 of MAP and map 3 of --cross hold NaN: both pairs left out
	if err := datasets.WriteMaps(one, keepMaps(m, 2)); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "stats", cube, "--cross", clean+","+one, "-J", "2", "--skip-nan", "-o", filepath.Join(dir, "x.npy"))
	if code != 0 || !strings.Contains(errs, "left out 2 of the 4 maps of MAP") || !strings.Contains(errs, "--cross one.npy: 1024 pixels") {
		t.Errorf("--cross pairs: exit %d: %s", code, errs)
	}
	// every map holding NaN: refused
	code, _, errs = runCLI(t, "stats", edge, "-J", "2", "--skip-nan")
	if code != 2 || !strings.Contains(errs, "0 would be left") {
		t.Errorf("all maps NaN: exit %d: %s", code, errs)
	}
}

// synth --crop valid: the target's NaN edge is cut, the line printed, and
// the syntheses have the window's size.
func TestNanmask19SynthCrop(t *testing.T) {
	dir := t.TempDir()
	m := nanEdgeMaps(t, 1, 36, 40, 2, 3)
	in := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(in, m); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.npy")
	code, _, errs := runCLI(t, "synth", in, "--crop", "valid", "-J", "2", "--steps", "1", "--kind", "wph", "-o", out)
	if code != 0 {
		t.Fatalf("synth --crop valid: exit %d: %s", code, errs)
	}
	w := printedWindow(t, errs)
	if !strings.Contains(errs, "synth: note: --crop valid: TARGET "+in) {
		t.Errorf("no --crop line:\n%s", errs)
	}
	s, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	if s.M != w.rows() || s.N != w.cols() || w.R0 < 2 || w.C1 > 37 {
		t.Errorf("synthesis %d×%d, window %+v", s.M, s.N, w)
	}
}

// nanmaskRuns forgets a run once its inputs are read: stats with and
// without --crop, and patches, leave no entry behind.
func TestNanmask19RunsForgotten(t *testing.T) {
	count := func() int {
		n := 0
		nanmaskRuns.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(in, nanEdgeMaps(t, 2, 32, 32, 2, 1)); err != nil {
		t.Fatal(err)
	}
	before := count()
	for _, args := range [][]string{
		{"stats", in, "-J", "2", "--crop", "valid"},
		{"stats", in, "-J", "2", "--crop", "valid", "--cross", in},
		{"patches", in, "--size", "16", "-J", "2", "--skip-nan", "-o", filepath.Join(dir, "ds")},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	if after := count(); after != before {
		t.Errorf("nanmaskRuns holds %d runs after, %d before", after, before)
	}
}
