package datasets

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestIsUnseen(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want bool
	}{
		{-1.6375e30, true},
		{float64(float32(-1.6375e30)), true}, // a BITPIX −32 image
		{-1.63751e30, true},                  // healpy's mask_bad tolerance, 1e-5
		{-1.6e30, false},
		{1.6375e30, false},
		{0, false},
		{math.NaN(), false},
		{math.Inf(-1), false},
	} {
		if got := IsUnseen(c.x); got != c.want {
			t.Errorf("IsUnseen(%g) = %v, want %v", c.x, got, c.want)
		}
	}
}

// HEALPix's UNSEEN value (−1.6375e30, missing data) is finite, so
// ValidateMaps let it through and only stkit's command line refused it;
// library users computed statistics on it (means of −3e26). ValidateMaps
// now refuses it with CheckUnseen's error, whose Hint a program may replace.
func TestCheckUnseen(t *testing.T) {
	m := testMaps(2, 16, 16)
	if err := CheckUnseen(m); err != nil {
		t.Fatalf("clean maps: %v", err)
	}
	if n, first := CountUnseen(m); n != 0 || first != -1 {
		t.Errorf("CountUnseen of clean maps = %d, %d", n, first)
	}
	m.Data[256+3*16+5] = Unseen
	m.Data[256+9*16+2] = float64(float32(Unseen))
	if n, first := CountUnseen(m); n != 2 || first != 256+3*16+5 {
		t.Errorf("CountUnseen = %d, %d, want 2, %d", n, first, 256+3*16+5)
	}
	want := "datasets: 2 pixels of 512 hold -1.6375e30, HEALPix's UNSEEN value for missing data " +
		"(first: map 1 at row 3, column 5; indices count from 0 as in numpy, FITS pixel x=6, y=4 of plane 2); " +
		"the statistics would take them for values. Fill them first (e.g. by inpainting) or cut out a region without them; " +
		"CutPatches with PatchConfig.SkipNaN leaves out the patches that hold them"
	for _, f := range []func() error{func() error { return CheckUnseen(m) }, func() error { return ValidateMaps(m, 2) }} {
		err := f()
		var ve *ValidationError
		if !errors.As(err, &ve) || err.Error() != want || ve.Unseen != 2 || ve.Hint == "" || strings.Contains(ve.Msg, ve.Hint) {
			t.Errorf("got %v (%+v), want\n%s", err, ve, want)
		}
	}
	one := testMaps(1, 8, 8)
	one.Data[10] = Unseen
	if err := ValidateMaps(one, 1); err == nil || !strings.Contains(err.Error(), "1 pixel of 64 holds -1.6375e30") ||
		!strings.Contains(err.Error(), "(first: map 0 at row 1, column 2; indices count from 0 as in numpy, FITS pixel x=3, y=2)") {
		t.Errorf("one pixel: %v", err)
	}
	// a non-finite pixel is reported first, as before
	one.Data[20] = math.NaN()
	var ve *ValidationError
	if err := ValidateMaps(one, 1); !errors.As(err, &ve) || ve.Unseen != 0 || !strings.Contains(err.Error(), "1 non-finite pixel") {
		t.Errorf("NaN and UNSEEN: %v", err)
	}
}

// CutPatches with SkipNaN took UNSEEN pixels for values (stkit patches
// turned them into NaN first; library users got patches of −1.6375e30).
// They are missing data now: SkipNaN leaves out the patches holding them,
// and without it CutPatches refuses them.
func TestCutPatchesUnseen(t *testing.T) {
	m := testMaps(1, 64, 64)
	m.Data[5*64+7] = Unseen                     // patch at (0, 0)
	m.Data[40*64+50] = float64(float32(Unseen)) // patches at (16, 32) and (32, 32)
	srcs := []Source{{Name: "planck.fits", Maps: m}}
	ps, err := CutPatches(srcs, PatchConfig{Size: 32, Stride: 16, SkipNaN: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) != 6 || ps.Skipped != 3 {
		t.Errorf("%d patches, %d skipped; want 6 and 3", len(ps.Patches), ps.Skipped)
	}
	for i, v := range ps.Data {
		if IsUnseen(v) {
			t.Fatalf("patch pixel %d is UNSEEN", i)
		}
	}
	for _, p := range ps.Patches {
		if (p.Row == 0 && p.Col == 0) || (p.Col == 32 && (p.Row == 16 || p.Row == 32)) {
			t.Errorf("kept the patch at (%d, %d), which holds an UNSEEN pixel", p.Row, p.Col)
		}
	}
	_, err = CutPatches(srcs, PatchConfig{Size: 32, Stride: 16})
	if w := "planck.fits: patch at map 0, row 0, column 0 has pixels holding HEALPix's UNSEEN value -1.6375e30 (missing data) (set PatchConfig.SkipNaN to drop such patches)"; err == nil || err.Error() != w {
		t.Errorf("without SkipNaN: got %v, want %q", err, w)
	}
	m.Data[3] = math.NaN()
	_, err = CutPatches(srcs, PatchConfig{Size: 32, Stride: 16})
	if w := "has non-finite pixels and pixels holding HEALPix's UNSEEN value"; err == nil || !strings.Contains(err.Error(), w) {
		t.Errorf("NaN and UNSEEN: got %v, want %q", err, w)
	}
}
