package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// writeUnseenFITS writes a 64×64 log-normal map as a FITS image of dtype
// (float32: BITPIX −32) with HEALPix's UNSEEN value at (row 5, column 7) and
// (row 40, column 50).
func writeUnseenFITS(t *testing.T, dir, name, dtype string) string {
	t.Helper()
	x, err := datasets.LogNormalField(64, 64, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	x[5*64+7], x[40*64+50] = -1.6375e30, -1.6375e30
	p := filepath.Join(dir, name)
	if err := datasets.WriteMapsWith(p, &stlayer.Maps{B: 1, M: 64, N: 64, Data: x}, datasets.MapsWriteOptions{DType: dtype}); err != nil {
		t.Fatal(err)
	}
	return p
}

// A FITS map holding HEALPix's UNSEEN value (−1.6375e30, finite) was taken
// as data: stats printed a mean of −3e26 and a variance of 5e56 with exit 0.
// Every command that reads whole maps now refuses it (exit 2), counting the
// pixels and naming the first; patches refuses it unless --skip-nan, which
// leaves out the patches that hold them.
func TestUnseenPixelsRefused(t *testing.T) {
	dir := t.TempDir()
	f32 := writeUnseenFITS(t, dir, "unseen32.fits", "float32")
	f64 := writeUnseenFITS(t, dir, "unseen64.fits", "float64")
	good := writeTestMap(t, dir, "good.npy", 1)
	noise := writeTestMap(t, dir, "noise.npy", 3)
	want := []string{"2 pixels of 4096 hold -1.6375e30, HEALPix's UNSEEN value for missing data",
		"first: map 0 at row 5, column 7; indices count from 0 as in numpy, FITS pixel x=8, y=6"}
	whole := append(want, "fill them first", "stkit patches --skip-nan")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"stats", "-J", "3", f32}, whole},
		{[]string{"stats", "-J", "3", f64}, whole},
		{[]string{"stats", "-J", "3", "--cross", f32, good}, whole},
		{[]string{"synth", "-J", "3", "--steps", "1", "-o", filepath.Join(dir, "s.npy"), f32}, whole},
		{[]string{"separate", "-J", "3", "--noise", noise, "-o", filepath.Join(dir, "sep.fits"), f32}, whole},
		{[]string{"surrogate", "-o", filepath.Join(dir, "g.npy"), f32}, append(want, "fill them first")},
		{[]string{"patches", "--size", "32", "-o", filepath.Join(dir, "ds"), f32}, append(want, "Leave out the patches that hold them with --skip-nan")},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr:\n%s", c.args, code, errs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, errs)
			}
		}
	}
	// patches --skip-nan: 32×32 patches every 16 pixels, 9 of them; (5, 7)
	// is in the patch at (0, 0), (40, 50) in those at (16, 32) and (32, 32).
	ds := filepath.Join(dir, "ds")
	code, _, errs := runCLI(t, "patches", "--size", "32", "-J", "2", "--skip-nan", "-o", ds, f32)
	if code != 0 {
		t.Fatalf("patches --skip-nan: exit %d:\n%s", code, errs)
	}
	for _, w := range []string{"unseen32.fits: 2 pixels hold HEALPix's UNSEEN value -1.6375e30 (missing data): --skip-nan leaves out the patches that hold them",
		"patches: note: 6 patches from 1 source (0 skipped for non-finite pixels, 3 for UNSEEN pixels)"} {
		if !strings.Contains(errs, w) {
			t.Errorf("patches --skip-nan: stderr lacks %q:\n%s", w, errs)
		}
	}
}

// An integer FITS image's BLANK pixels are read as NaN: the non-finite-pixel
// error named "NaN" pixels, which the file does not hold; it now says they
// are the image's blank pixels, with BITPIX and BLANK, and that no option
// masks them but patches --skip-nan.
func TestBlankPixelsNamed(t *testing.T) {
	dir := t.TempDir()
	card := func(s string) string { return fmt.Sprintf("%-80s", s) }
	h := card("SIMPLE  =                    T") + card("BITPIX  =                   16") + card("NAXIS   =                    2") +
		card("NAXIS1  =                   32") + card("NAXIS2  =                   32") + card("BLANK   =               -32768") + card("END")
	h += strings.Repeat(" ", 2880-len(h))
	data := make([]byte, 2*32*32)
	for i := 0; i < 32*32; i++ {
		v := int16(i%97 - 40)
		if i == 3*32+5 {
			v = -32768
		}
		binary.BigEndian.PutUint16(data[2*i:], uint16(v))
	}
	data = append(data, make([]byte, 2880-len(data)%2880)...)
	p := filepath.Join(dir, "blank.fits")
	if err := os.WriteFile(p, append([]byte(h), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "stats", "-J", "2", p)
	if code != 2 {
		t.Fatalf("exit %d, want 2:\n%s", code, errs)
	}
	for _, w := range []string{"1 non-finite pixel (first: NaN in map 0 at row 3, column 5)",
		"the NaN pixels are the blank ones of this integer FITS image (BITPIX 16, BLANK = -32768), which hold no data",
		"No stkit option masks pixels in whole maps; stkit patches --skip-nan leaves out the patches that hold them"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	// a float map with NaN: no BLANK note, the masking hint all the same
	q := writeUnseenFITS(t, dir, "nan.fits", "float32")
	a, err := datasets.ReadMaps(q)
	if err != nil {
		t.Fatal(err)
	}
	a.Data[5*64+7], a.Data[40*64+50] = math.NaN(), 1
	if err := datasets.WriteMaps(q, a); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "stats", "-J", "2", q)
	if code != 2 || strings.Contains(errs, "BLANK") || !strings.Contains(errs, "non-finite pixel") || !strings.Contains(errs, "patches --skip-nan") {
		t.Errorf("float NaN map: exit %d:\n%s", code, errs)
	}
}

// stats -o x.fits was refused as 'unknown output format "fits" (want npy,
// npz or json)', naming neither -o nor why a FITS name is wrong; the errors
// now name the flag given and, for a FITS name, say that stats writes
// coefficients, not images.
func TestStatsOutputFormatNamesFlag(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	fitsMsg := "stats writes coefficient vectors, not maps, so not FITS images: name the output .npy, .npz or .json"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", filepath.Join(dir, "c.fits")}, "-o " + filepath.Join(dir, "c.fits") + ": " + fitsMsg},
		{[]string{"-o", filepath.Join(dir, "c.FITS.gz")}, "-o " + filepath.Join(dir, "c.FITS.gz") + ": " + fitsMsg},
		{[]string{"-o", filepath.Join(dir, "c.npy.gz")}, `-o ` + filepath.Join(dir, "c.npy.gz") + `: unknown output format "gz" (name it .npy, .npz or .json, or pass --format)`},
		{[]string{"-o", filepath.Join(dir, "c.txt")}, `unknown output format "txt" (name it .npy, .npz or .json, or pass --format)`},
		{[]string{"--format", "fits", "-o", filepath.Join(dir, "c.out")}, "--format fits: stats writes coefficient vectors, not FITS images: want npy, npz or json"},
		{[]string{"--format", "csv", "-o", filepath.Join(dir, "c.out")}, "--format csv: unknown output format (want npy, npz or json)"},
	} {
		code, _, errs := runCLI(t, append(append([]string{"stats", "-J", "2"}, c.args...), mp)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q in:\n%s", c.args, code, c.want, errs)
		}
	}
}

// A HEALPix map (Planck's maps: a primary HDU without data and a BINTABLE of
// the sphere's pixels) was refused as "fits: no image: the primary HDU has
// NAXIS = 0 and no IMAGE extension follows", with no word on what to do;
// the error now says that it is a HEALPix map (datasets.HEALPixError: NSIDE,
// ordering) and how to project a patch. A table that is no HEALPix map gets
// no HEALPix advice (the CLI matched the text "fits: no image" and gave it
// to any file without an image).
func TestHEALPixTableHint(t *testing.T) {
	dir := t.TempDir()
	block := func(cards ...string) string {
		var s string
		for _, c := range append(cards, "END") {
			s += fmt.Sprintf("%-80s", c)
		}
		return s + strings.Repeat(" ", (2880-len(s)%2880)%2880)
	}
	file := func(extra ...string) string {
		return block("SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0", "EXTEND  =                    T") +
			block(append([]string{"XTENSION= 'BINTABLE'", "BITPIX  =                    8", "NAXIS   =                    2", "NAXIS1  =                    4",
				"NAXIS2  =                  768", "PCOUNT  =                    0", "GCOUNT  =                    1", "TFIELDS =                    1",
				"TTYPE1  = 'I_STOKES'", "TFORM1  = 'E       '"}, extra...)...) +
			strings.Repeat("\x00", 2880*2)
	}
	f := file("PIXTYPE = 'HEALPIX '", "ORDERING= 'RING    '", "NSIDE   =                    8")
	p := filepath.Join(dir, "HFI_SkyMap.fits")
	if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"stats", p}, {"synth", "-o", filepath.Join(dir, "s.npy"), p}, {"patches", "-o", filepath.Join(dir, "ds"), p}} {
		code, _, errs := runCLI(t, args...)
		for _, w := range []string{"HFI_SkyMap.fits: fits: no image: HDU 1 holds a HEALPix map (NSIDE 8; RING ordering; 768 pixels; column I_STOKES), " +
			"a table of the sphere's pixels, not a flat 2-D image: project a patch onto a flat grid first, e.g. with healpy.gnomview(", "reproject.reproject_from_healpix"} {
			if code != 2 || !strings.Contains(errs, w) {
				t.Errorf("%v: exit %d, want 2 and %q in:\n%s", args, code, w, errs)
			}
		}
	}
	// the same table without PIXTYPE, NSIDE and ORDERING: a table, not a map
	q := filepath.Join(dir, "catalogue.fits")
	if err := os.WriteFile(q, []byte(file("OBJECT  = 'SOURCES '")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "stats", q)
	if w := "catalogue.fits: fits: no image: the primary HDU has NAXIS = 0 and no IMAGE extension follows (HDU 1 is a BINTABLE; tables are not read)"; code != 2 || !strings.Contains(errs, w) || strings.Contains(errs, "HEALPix map") {
		t.Errorf("table: exit %d, want 2 and %q (no HEALPix advice) in:\n%s", code, w, errs)
	}
}

// surrogate's FITS output had the structural cards only; it now has HISTORY
// cards saying what the maps are, of which inputs (a few names for many
// files), and the seeds.
func TestSurrogateFITSHistory(t *testing.T) {
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a.npy", 2)
	b := writeTestMap(t, dir, "b.fits", 1)
	history := func(out string) string {
		t.Helper()
		arr, err := datasets.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		var h []string
		for _, c := range arr.Header {
			if c.Key == "HISTORY" {
				h = append(h, c.Comment)
			}
		}
		return strings.Join(h, " ")
	}
	out := filepath.Join(dir, "g.fits")
	if code, _, errs := runCLI(t, "surrogate", "--seed", "7", "-o", out, a, b); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if h, w := history(out), "stkit surrogate --kind phase: Gaussian random fields with the DFT modulus (phases randomised) of each input map, in input order (a.npy, b.fits), seeds 7 to 9. Not the sky of the inputs: their WCS is not kept."; !strings.HasPrefix(h, w+" stkit ") { // then the provenance (provFITS)
		t.Errorf("HISTORY\n%q, want\n%q", h, w)
	}
	many := filepath.Join(dir, "many")
	if err := os.Mkdir(many, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		writeTestMap(t, many, fmt.Sprintf("m%d.npy", i), 1)
	}
	if code, _, errs := runCLI(t, "surrogate", "--kind", "iso", "-o", out, many); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if h, w := history(out), "with the isotropic power spectrum of each input map, in input order (m0.npy, m1.npy, ..., m4.npy, 5 files), seeds 1 to 5."; !strings.Contains(h, w) {
		t.Errorf("HISTORY %q lacks %q", h, w)
	}
}

// stats' JSON config gave "norm": "none" for scov while the command's line
// said norm=p00, which is what scov does with "none" (stats.Spec.Norm): the
// config now says p00 (p11 and wph's none are written as they are).
func TestStatsJSONNormAsInEffect(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-J", "2"}, "p00"},
		{[]string{"-J", "2", "--norm", "p11"}, "p11"},
		{[]string{"-J", "2", "--kind", "spectra"}, "p00"},
		{[]string{"-J", "2", "--kind", "wph"}, "none"},
	} {
		out := filepath.Join(dir, "c.json")
		code, _, errs := runCLI(t, append(append([]string{"stats", "-o", out}, c.args...), mp)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		var doc struct {
			Config map[string]any `json:"config"`
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Config["norm"] != c.want || !strings.Contains(errs, "norm="+c.want) {
			t.Errorf("%v: config norm %v, want %s (as the line: %s)", c.args, doc.Config["norm"], c.want, errs)
		}
	}
}
