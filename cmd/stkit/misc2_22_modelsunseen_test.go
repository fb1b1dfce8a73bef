package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestMisc2ModelsUnseenCrop pins separate --models --crop on maps whose
// edges hold HEALPix's UNSEEN value (-1.6375e30), which its reader refused
// before --crop until 749a925 (exit 2, where NaN edges were cut). DATA is
// the fixture's 32² mixture at rows 3–34, columns 5–36 of a 40×44 map whose
// other 736 pixels are UNSEEN; --truth and --start are padded alike. With
// --crop valid and with --crop 3:35,5:37 the run exits 0, prints the
// window (rows 3–34, columns 5–36, 32×32) and says that the 736 UNSEEN
// pixels lie outside it (valid: '736 pixels hold -1.6375e30 (HEALPix's
// UNSEEN value for missing data) in some map, all outside it'; a window
// given: '736 pixels outside it hold -1.6375e30 … in some map: cut out'),
// and its separated maps equal, bit for bit, those of the same run on the
// map with NaN edges (--crop valid), whose note speaks of NaN only: the
// cut inputs are the same 32² maps.
func TestMisc2ModelsUnseenCrop(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	models := filepath.Join(dir, "models")
	mix, err := readMaps(filepath.Join(dir, "mix.npy"))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := readMaps(filepath.Join(dir, "truth.npy"))
	if err != nil {
		t.Fatal(err)
	}
	// write pads m into 40×44 at rows 3–34, columns 5–36, the rest NaN or
	// (unseen) UNSEEN.
	write := func(name string, m *stlayer.Maps, unseen bool) string {
		p := padNaN(m, 40, 44, 3, 5)
		if unseen {
			for i, v := range p.Data {
				if math.IsNaN(v) {
					p.Data[i] = datasets.Unseen
				}
			}
		}
		path := filepath.Join(work, name)
		if err := datasets.WriteMaps(path, p); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dn, tn := write("dnan.npy", mix, false), write("tnan.npy", truth, false)
	du, tu := write("d.npy", mix, true), write("t.npy", truth, true)
	common := []string{"--models", models, "--components", "0,1", "--steps", "0,2", "--log-every", "100", "--seed", "4"}
	run := func(d, tr, crop, out string) (string, *stlayer.Maps) {
		t.Helper()
		o := filepath.Join(work, out)
		code, _, errs := runCLI(t, append([]string{"separate", d, "-o", o, "--truth", tr, "--start", tr, "--crop", crop}, common...)...)
		if code != 0 {
			t.Fatalf("%s --crop %s: exit %d: %s", filepath.Base(d), crop, code, tail(errs, 700))
		}
		m, err := readMaps(o)
		if err != nil {
			t.Fatal(err)
		}
		return errs, m
	}
	const window = "kept rows 3–34, columns 5–36 (32×32, 58 % of the map's pixels; numpy x[3:35, 5:37], FITS section [6:37,4:35])"
	errs, want := run(dn, tn, "valid", "nan.npy")
	if note := "separate: note: --crop valid: DATA " + dn + ": " + window + "; 736 pixels NaN or ±Inf, all outside it; sides ≥ the models' 32² patches\n"; !strings.Contains(errs, note) {
		t.Errorf("NaN edges, --crop valid: want the note %q in:\n%s", note, tail(errs, 900))
	}
	for _, c := range []struct{ crop, note string }{
		{"valid", "separate: note: --crop valid: DATA " + du + ": " + window + "; 736 pixels hold -1.6375e30 (HEALPix's UNSEEN value for missing data) in some map, all outside it; sides ≥ the models' 32² patches\n"},
		{"3:35,5:37", "separate: --crop: DATA " + du + ": " + window + "; 736 pixels outside it hold -1.6375e30 (HEALPix's UNSEEN value for missing data) in some map: cut out\n"},
	} {
		errs, got := run(du, tu, c.crop, "o.npy")
		if !strings.Contains(errs, c.note) {
			t.Errorf("UNSEEN edges, --crop %s: want the note %q in:\n%s", c.crop, c.note, tail(errs, 900))
		}
		if got.B != want.B || got.M != 32 || got.N != 32 || len(got.Data) != len(want.Data) {
			t.Fatalf("UNSEEN edges, --crop %s: output %d×%d×%d, NaN edges' %d×%d×%d", c.crop, got.B, got.M, got.N, want.B, want.M, want.N)
		}
		for i, v := range got.Data {
			if v != want.Data[i] {
				t.Errorf("UNSEEN edges, --crop %s: output[%d] = %v, NaN edges' %v", c.crop, i, v, want.Data[i])
				break
			}
		}
	}
}
