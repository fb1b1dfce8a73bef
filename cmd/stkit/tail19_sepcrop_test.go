package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// padNaN returns maps m (B×M×N) inside rows×cols maps of NaN, at row r0 and
// column c0.
func padNaN(m *stlayer.Maps, rows, cols, r0, c0 int) *stlayer.Maps {
	out := stlayer.NewMaps(m.B, rows, cols)
	for i := range out.Data {
		out.Data[i] = math.NaN()
	}
	for b := 0; b < m.B; b++ {
		for r := 0; r < m.M; r++ {
			copy(out.Map(b)[(r0+r)*cols+c0:], m.Map(b)[r*m.N:(r+1)*m.N])
		}
	}
	return out
}

// TestTail19SepModelsCrop: separate --models had no --crop ("flag provided
// but not defined"), while separation with samples has one. Now a 40×44
// FITS DATA holding the fixture's 32² mixture at rows 3–34, columns 5–36
// inside NaN, with --truth and --start padded the same way, separates with
// --crop valid (window printed, exactly the NaN-free 32²) and with --crop
// 3:35,5:37 into the components of the run on the 32² mixture itself
// (same --start, --truth, steps; equal to 1e-9), OUT's CRPIX1, CRPIX2
// shifted by the window's C0, R0; a window smaller than the models'
// patches is refused (exit 2) and so is the NaN DATA without --crop.
func TestTail19SepModelsCrop(t *testing.T) {
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
	const r0, c0 = 3, 5
	wcs := []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"}, {Key: "CRPIX1", Value: 22.5}, {Key: "CRPIX2", Value: 20.5},
		{Key: "CRVAL1", Value: 120.0}, {Key: "CRVAL2", Value: 30.0}, {Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01}}
	data := filepath.Join(work, "data.fits")
	if err := datasets.WriteMapsCards(data, padNaN(mix, 40, 44, r0, c0), wcs...); err != nil {
		t.Fatal(err)
	}
	tp := filepath.Join(work, "truth.npy")
	if err := datasets.WriteMaps(tp, padNaN(truth, 40, 44, r0, c0)); err != nil {
		t.Fatal(err)
	}
	common := []string{"--models", models, "--components", "0,1", "--steps", "0,2", "--log-every", "100", "--seed", "4"}
	ref := filepath.Join(work, "ref.npy")
	if code, _, errs := runCLI(t, append([]string{"separate", filepath.Join(dir, "mix.npy"), "-o", ref, "--truth", filepath.Join(dir, "truth.npy"), "--start", filepath.Join(dir, "truth.npy")}, common...)...); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, tail(errs, 600))
	}
	want, err := readMaps(ref)
	if err != nil {
		t.Fatal(err)
	}
	for i, crop := range []string{"valid", "3:35,5:37"} {
		out := filepath.Join(work, "out"+string(rune('a'+i))+".fits")
		code, _, errs := runCLI(t, append([]string{"separate", data, "-o", out, "--truth", tp, "--start", tp, "--crop", crop}, common...)...)
		if code != 0 {
			t.Fatalf("--crop %s: exit %d: %s", crop, code, tail(errs, 600))
		}
		if !strings.Contains(errs, "separate: --crop") && !strings.Contains(errs, "separate: note: --crop") || !strings.Contains(errs, "kept rows 3–34, columns 5–36 (32×32") { // --crop valid's line is a note since ce160c4
			t.Errorf("--crop %s: no window line for rows 3–34, columns 5–36:\n%s", crop, tail(errs, 800))
		}
		a, err := datasets.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Shape) != 3 || a.Shape[0] != 2 || a.Shape[1] != 32 || a.Shape[2] != 32 {
			t.Fatalf("--crop %s: output shape %v, want [2 32 32]", crop, a.Shape)
		}
		for k, v := range a.Float64 {
			if w := want.Data[k]; math.Abs(v-w) > 1e-9*max(1, math.Abs(w)) {
				t.Fatalf("--crop %s: output[%d] = %g, the run on the 32² mixture %g", crop, k, v, w)
			}
		}
		got := map[string]float64{}
		for _, c := range a.Header {
			if v, ok := c.Value.(float64); ok {
				got[c.Key] = v
			}
		}
		if got["CRPIX1"] != 22.5-c0 || got["CRPIX2"] != 20.5-r0 || got["CRVAL1"] != 120 {
			t.Errorf("--crop %s: output CRPIX1 %g CRPIX2 %g CRVAL1 %g, want %g %g 120", crop, got["CRPIX1"], got["CRPIX2"], got["CRVAL1"], 22.5-c0, 20.5-r0)
		}
	}
	code, _, errs := runCLI(t, append([]string{"separate", data, "-o", filepath.Join(work, "small.npy"), "--crop", "3:30,5:37"}, common...)...)
	if code != 2 || !strings.Contains(errs, "smaller than the models' 32² patches") {
		t.Errorf("--crop 3:30,5:37 (27×32): exit %d, want 2 naming the patch size: %s", code, tail(errs, 400))
	}
	if code, _, errs := runCLI(t, append([]string{"separate", data, "-o", filepath.Join(work, "nan.npy")}, common...)...); code != 2 {
		t.Errorf("NaN DATA without --crop: exit %d, want 2: %s", code, tail(errs, 400))
	}
	_, hout, herr := runCLI(t, "separate", "--models", models, "--help")
	if h := hout + herr; !strings.Contains(h, "-crop") || !strings.Contains(h, "at least the models' patch size") {
		t.Errorf("separate --models --help lacks --crop")
	}
}
