package main

import (
	"bytes"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// --crop cuts HEALPix's UNSEEN pixels (-1.6375e30) out as NaN since
// 69f51e2, but --crop valid's refusals still said "no pixel … is finite:
// there is no NaN-free window", "the largest NaN-free rectangle … fill the
// NaN pixels first" when UNSEEN pixels were the reason (a UNSEEN pixel is
// finite), separate --models' --crop help said "without NaN/Inf pixels",
// the refusal of a NaN map pointed to "their largest NaN-free rectangle",
// and patches' grid note counted "NaN-free patches" that also hold no
// UNSEEN. The words now name UNSEEN where it is among the reasons; maps
// with NaN only keep theirs.
func TestMisc3UnseenCropWords(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, rows int, nan bool) string {
		x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows * 32 {
			x[i] = datasets.Unseen
		}
		if nan {
			x[31*32+31] = math.NaN()
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const free = "without NaN, ±Inf or UNSEEN (-1.6375e30) pixels"
	all := write("all.npy", 32, false)
	code, _, errs := runCLI(t, "stats", all, "--kind", "wst", "-J", "2", "--crop", "valid")
	want := "--crop valid: no pixel of the 32×32 maps is finite and not UNSEEN (-1.6375e30) in every map: there is no window " + free + " (leave out the maps that are all UNSEEN first, e.g. stats --skip-nan, or select the planes: FILE.fits[*,*,K])"
	if code != 2 || !strings.Contains(errs, want) {
		t.Errorf("all UNSEEN: exit %d, stderr %q\nwant %q", code, errs, want)
	}
	for _, c := range []struct {
		name string
		nan  bool
		fill string
	}{{"u.npy", false, "UNSEEN"}, {"un.npy", true, "NaN and UNSEEN"}} {
		p := write(c.name, 20, c.nan)
		code, _, errs = runCLI(t, "stats", p, "--kind", "wst", "-J", "4", "--crop", "valid")
		rows := "rows 20–31, columns 0–31, is 12×32"
		if c.nan {
			rows = "rows 20–31, columns 0–30, is 12×31"
		}
		want = "--crop valid: the largest rectangle " + free + " of the 32×32 maps, " + rows + " pixels, and J=4 needs"
		if code != 2 || !strings.Contains(errs, want) || !strings.Contains(errs, ": give a smaller -J, or fill the "+c.fill+" pixels first\n") {
			t.Errorf("%s, J = 4: exit %d, stderr %q\nwant %q … fill the %s pixels first", c.name, code, errs, want, c.fill)
		}
		// separate --models' window (sides ≥ the patch size)
		var errb bytes.Buffer
		g := &globals{stdout: io.Discard, stderr: &errb}
		crop := "valid"
		nm := &nanmaskOpts{cmd: "separate", crop: &crop}
		m, err := datasets.ReadMaps(p)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = nm.cropModelData(g, "DATA "+c.name, m, nil, 16)
		want = "--crop valid: the largest rectangle " + free + " of DATA " + c.name + " (32×32), " + rows + " pixels, smaller than the models' 16² patches: fill the " + c.fill + " pixels first, or use models of smaller patches"
		if err == nil || err.Error() != want {
			t.Errorf("separate --models %s: %v\nwant %q", c.name, err, want)
		}
	}
	var errb bytes.Buffer
	crop := "valid"
	m, err := datasets.ReadMaps(all)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = (&nanmaskOpts{cmd: "separate", crop: &crop}).cropModelData(&globals{stdout: io.Discard, stderr: &errb}, "DATA all.npy", m, nil, 16)
	if want := "--crop valid: no pixel of DATA all.npy (32×32) is finite and not UNSEEN (-1.6375e30): there is no window " + free; err == nil || err.Error() != want {
		t.Errorf("separate --models, all UNSEEN: %v\nwant %q", err, want)
	}
	if !strings.Contains(sepModelCropUsage, "without NaN, ±Inf or HEALPix UNSEEN (-1.6375e30) pixels whose sides") {
		t.Errorf("separate --models' --crop help: %q", sepModelCropUsage)
	}
	// a map with NaN without --crop: the hint's window avoids UNSEEN too
	nanMap := write("n.npy", 0, true)
	if code, _, errs = runCLI(t, "stats", nanMap, "--kind", "wst", "-J", "2"); code != 2 || !strings.Contains(errs, "stats, synth and separate --crop valid cut the maps to their largest rectangle without them (printed), stats --skip-nan leaves out the maps that hold them") {
		t.Errorf("NaN map without --crop: exit %d, stderr %q", code, errs)
	}
	// patches' grid note: nanBorderSource's NaN made UNSEEN
	src := nanBorderSource(t)
	for i, v := range src.Maps.Data {
		if math.IsNaN(v) {
			src.Maps.Data[i] = datasets.Unseen
		}
	}
	errb.Reset()
	g := &globals{stdout: io.Discard, stderr: &errb}
	nanmaskFlags(newFlagSet(g, "patches", "", ""), g, "patches")
	if _, err := nanmaskCutPatches(g, []datasets.Source{src}, datasets.PatchConfig{Size: 16, Stride: 16, SkipNaN: true}); err != nil {
		t.Fatal(err)
	}
	if want := " patches without NaN, ±Inf or UNSEEN (-1.6375e30) pixels instead of "; !strings.Contains(errb.String(), want) {
		t.Errorf("patches' grid note %q lacks %q", errb.String(), want)
	}
}
