package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth --dtype float32 (the default) on a target within half of float32's
// range passes the up-front check, but the syntheses can still go beyond it
// (here a ±1.7e38 sign field, white-noise start: pixels up to ~5.8e38), and
// the final write failed: the run was lost. The maps are now written as
// float64 beside the output (s.float64.npy; FITS with BITPIX −64), stderr
// says where, the exit status is 1 and the float32 output is not written. A
// fallback file already there is not replaced.
func TestSynthFloat32OverflowWritesFloat64(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 32, 32)
	x, err := datasets.WhiteNoise(32, 32, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Data {
		m.Data[i] = math.Copysign(1.7e38, x[i])
	}
	target := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(target, m); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ out, alt string }{
		{"s.npy", "s.float64.npy"},
		{"s.fits", "s.float64.fits"},
		{"s.npy", "s.float64-2.npy"}, // s.float64.npy is the first run's
	} {
		out, alt := filepath.Join(dir, c.out), filepath.Join(dir, c.alt)
		code, _, errs := runCLI(t, "synth", "-J", "2", "--steps", "1", "--init", "white", "-o", out, target)
		want := "wrote them as float64 to " + alt + " instead of " + out + " (--dtype float32); give --dtype float64 next time"
		if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "the maps went beyond float32's range (largest |pixel| ") {
			t.Fatalf("-o %s: exit %d, want 1 and %q in\n%s", c.out, code, want, errs)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("-o %s: the float32 output exists (%v)", c.out, err)
		}
		a, err := datasets.Read(alt)
		if err != nil {
			t.Fatalf("%s: %v", c.alt, err)
		}
		if a.DType != "float64" || len(a.Shape) != 3 || a.Shape[0] != 1 || a.Shape[1] != 32 {
			t.Errorf("%s: %s %v, want float64 [1 32 32]", c.alt, a.DType, a.Shape)
		}
		if mx := maxAbs(a.Float64); mx <= math.MaxFloat32 || math.IsInf(mx, 0) {
			t.Errorf("%s: largest |pixel| %g, want finite beyond float32's 3.4e38", c.alt, mx)
		}
		if strings.HasSuffix(alt, ".fits") {
			b, _ := os.ReadFile(alt)
			if !bytes.Contains(b, []byte("BITPIX  =                  -64")) {
				t.Errorf("%s: no BITPIX -64 card", c.alt)
			}
		}
	}
	// Interrupted at iteration 1 of 3: the stop is described with the file
	// written (the partial file's float64 sibling: OUT is written only by a
	// run that finishes, synthout20).
	out, alt := filepath.Join(dir, "i.npy"), filepath.Join(dir, "i.partial.float64.npy")
	code, errs := runCancelled(t, "synth: iteration 1 ", "synth", "-J", "2", "--steps", "3", "--init", "white", "--log-every", "1", "-o", out, target)
	want := "synth: interrupted at iteration 1 of 3: wrote map 0 to " + alt + " (unfinished)"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "wrote them as float64 to "+alt+" instead of "+filepath.Join(dir, "i.partial.npy")) {
		t.Errorf("interrupted: exit %d, want 1 and %q in\n%s", code, want, errs)
	}
}

// writeResultMaps (synth's and sample's output): a tiny result beyond
// float32 goes to the float64 file beside the output, an .npz member to the
// same member of a.float64.npz; maps float32 holds are written as asked;
// another write error is returned as it is, with nothing written elsewhere.
func TestWriteResultMapsFallback(t *testing.T) {
	dir := t.TempDir()
	big := &stlayer.Maps{B: 1, M: 1, N: 2, Data: []float64{1, -4e38}}
	f32 := datasets.MapsWriteOptions{DType: "float32", Batch: true}
	written, err := writeResultMaps(filepath.Join(dir, "a.npz:maps"), big, f32)
	alt := filepath.Join(dir, "a.float64.npz:maps")
	if err == nil || !strings.Contains(err.Error(), "largest |pixel| 4e+38, map 0 at row 0, column 1") || !strings.Contains(err.Error(), "float64 to "+alt+" instead") {
		t.Fatalf("got %v", err)
	}
	if written != alt {
		t.Errorf("written %q, want %q", written, alt)
	}
	a, err := datasets.Read(alt)
	if err != nil || a.DType != "float64" || a.Float64[1] != -4e38 {
		t.Fatalf("%s: %v %v", alt, a, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.npz")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a.npz written (%v)", err)
	}
	small := &stlayer.Maps{B: 1, M: 1, N: 2, Data: []float64{1, 3e38}}
	if w, err := writeResultMaps(filepath.Join(dir, "b.npy"), small, f32); err != nil || w != filepath.Join(dir, "b.npy") {
		t.Fatal(w, err)
	}
	if a, err := datasets.Read(filepath.Join(dir, "b.npy")); err != nil || a.DType != "float32" {
		t.Errorf("b.npy: %v %v, want float32", a, err)
	}
	missing := filepath.Join(dir, "no", "c.npy")
	if w, err := writeResultMaps(missing, small, f32); w != "" || err == nil || strings.Contains(err.Error(), "float64") {
		t.Errorf("write into a missing folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder created (%v)", err)
	}
}
