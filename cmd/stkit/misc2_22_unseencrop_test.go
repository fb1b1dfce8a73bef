package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// Maps holding HEALPix's UNSEEN value (−1.6375e30) were refused on reading,
// before --crop: stats, synth and separate on a 64² map whose two top and
// two bottom rows are UNSEEN exited 2 ("512 pixels of 8192 hold
// -1.6375e30 …") with --crop 8:56,8:56 and --crop valid, where the same
// rows of NaN are cut out. UNSEEN pixels are now cut as NaN is: --crop
// valid's window avoids them, a window given leaves them out, and the
// printed line says how many were cut; a window over them is refused,
// naming the first in the whole map's rows and columns.
func TestMisc2UnseenCrop(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, bad float64, b int) string {
		x := stlayer.NewMaps(b, 64, 64)
		for i := range b {
			w, err := datasets.LogNormalField(64, 64, -2.5, 0.8, uint64(i+1))
			if err != nil {
				t.Fatal(err)
			}
			copy(x.Map(i), w)
			for c := range 64 {
				for _, r := range []int{0, 1, 62, 63} {
					x.Map(i)[r*64+c] = bad
				}
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	u, n := write("u.npy", datasets.Unseen, 2), write("n.npy", math.NaN(), 2)
	const cut = "hold -1.6375e30 (HEALPix's UNSEEN value for missing data) in some map"
	for _, c := range []struct {
		crop, want string
	}{
		{"8:56,8:56", "stats: --crop: MAP " + u + ": kept rows 8–55, columns 8–55 (48×48, 56 % of the map's pixels; numpy x[8:56, 8:56], FITS section [9:56,9:56]); 256 pixels outside it " + cut + ": cut out\n"},
		{"valid", "stats: note: --crop valid: MAP " + u + ": kept rows 2–61, columns 0–63 (60×64, 94 % of the map's pixels; numpy x[2:62, 0:64], FITS section [1:64,3:62]); 256 pixels " + cut + ", all outside it; J=3\n"},
	} {
		code, out, errs := runCLI(t, "stats", u, "--kind", "wst", "-J", "3", "--crop", c.crop)
		if code != 0 || !strings.Contains(errs, c.want) {
			t.Errorf("--crop %s: exit %d, stderr %q\nwant exit 0 and %q", c.crop, code, errs, c.want)
		}
		// the same coefficients as with NaN in those rows
		_, outN, _ := runCLI(t, "stats", n, "--kind", "wst", "-J", "3", "--crop", c.crop)
		if out == "" || out != outN {
			t.Errorf("--crop %s: the coefficients differ from those of the NaN-edged maps (%d and %d bytes)", c.crop, len(out), len(outN))
		}
	}
	code, _, errs := runCLI(t, "stats", u, "--kind", "wst", "-J", "3", "--crop", "0:60,8:56")
	want := "MAP " + u + ": 192 pixels of the --crop window [9:56,1:60] (numpy x[0:60, 8:56]) hold -1.6375e30, HEALPix's UNSEEN value for missing data (first: map 0 at row 0, column 8 of the whole map, counted from 0): the statistics would take them for values; give a window without them (--crop valid finds the largest one without NaN, ±Inf or UNSEEN pixels), or fill them first"
	if code != 2 || !strings.Contains(errs, want) || strings.Contains(errs, "cut out") {
		t.Errorf("a window over UNSEEN rows: exit %d, stderr %q\nwant exit 2 and %q", code, errs, want)
	}
	// without --crop: refused on reading, the hint naming --crop valid
	if code, _, errs = runCLI(t, "stats", u, "--kind", "wst", "-J", "3"); code != 2 || !strings.Contains(errs, "512 pixels of 8192 hold -1.6375e30") || !strings.Contains(errs, "stats, synth and separate --crop valid cut the maps to their largest rectangle without them (printed)") {
		t.Errorf("no --crop: exit %d, stderr %q", code, errs)
	}
	// synth (TARGET) and separate (DATA, the noise samples) share the reader
	if code, _, errs = runCLI(t, "synth", u, "--kind", "wst", "-J", "3", "--crop", "valid", "--steps", "1", "-o", filepath.Join(dir, "s.npy")); code != 0 || !strings.Contains(errs, "synth: note: --crop valid: TARGET "+u+": kept rows 2–61") || !strings.Contains(errs, "256 pixels "+cut+", all outside it") {
		t.Errorf("synth --crop valid: exit %d, stderr %q", code, tail(errs, 800))
	}
	one := write("one.npy", datasets.Unseen, 1)
	if code, _, errs = runCLI(t, "separate", one, "--noise", u, "--crop", "8:56,8:56", "-J", "2", "--steps", "2", "-o", filepath.Join(dir, "sep.npy")); code != 0 || !strings.Contains(errs, "separate: --crop: DATA "+one+": kept rows 8–55") || !strings.Contains(errs, "256 pixels outside it "+cut+": cut out") {
		t.Errorf("separate --crop: exit %d, stderr %q", code, tail(errs, 800))
	}
}
