package main

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// synth and sample wrote float32 only: a target of ~1e38 ran the whole
// optimisation and then failed at the write (float32 cannot hold the
// syntheses). --dtype float64 writes float64, and float32 is refused before
// the optimisation when twice the expected largest |pixel| exceeds its range.
func TestSynthDType(t *testing.T) {
	dir := t.TempDir()
	m, err := datasets.ReadMaps(writeTestMap(t, dir, "m.npy", 1))
	if err != nil {
		t.Fatal(err)
	}
	big := maxAbs(m.Data)
	for i := range m.Data {
		m.Data[i] *= 2e38 / big // largest |pixel| 2e38: float32 holds it, not twice it
	}
	target := filepath.Join(dir, "big.npy")
	if err := datasets.WriteMaps(target, m); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.npy")
	code, _, errs := runCLI(t, "synth", "-J", "3", "--steps", "2", "-o", out, target)
	for _, w := range []string{"big.npy: the maps would be written as float32 (--dtype float32, the default), which holds magnitudes up to 3.4028235e+38",
		"the target's largest |pixel| is 2e+38 (map 0 at row", "float32 needs it within half of float32's range (1.701e+38); refused before the optimisation",
		"Give --dtype float64, or rescale the data"} {
		if code != 2 || !strings.Contains(errs, w) {
			t.Errorf("synth float32: exit %d, want 2 and %q in:\n%s", code, w, errs)
		}
	}
	if strings.Contains(errs, "L-BFGS") || strings.Contains(errs, "synth: scov") {
		t.Errorf("synth float32: the optimisation started:\n%s", errs)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("synth float32: %s written (%v)", out, err)
	}

	for _, name := range []string{"s.npy", "s.fits"} {
		out = filepath.Join(dir, name)
		if code, _, errs := runCLI(t, "synth", "-J", "3", "--steps", "2", "--dtype", "float64", "-o", out, target); code != 0 {
			t.Fatalf("synth --dtype float64: exit %d:\n%s", code, errs)
		}
		a, err := datasets.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		if a.DType != "float64" || len(a.Shape) != 3 || a.Shape[0] != 1 {
			t.Errorf("%s: %s %v, want float64 [1 64 64]", name, a.DType, a.Shape)
		}
		if mx := maxAbs(a.Float64); mx < 1e37 || math.IsInf(mx, 0) {
			t.Errorf("%s: largest |pixel| %g, want of the order of the target's 2e38", name, mx)
		}
	}

	// the default stays float32 for a target well within its range
	small := writeTestMap(t, dir, "small.npy", 1)
	out = filepath.Join(dir, "d.npy")
	if code, _, errs := runCLI(t, "synth", "-J", "3", "--steps", "1", "-o", out, small); code != 0 {
		t.Fatalf("synth: exit %d:\n%s", code, errs)
	}
	if a, err := datasets.Read(out); err != nil || a.DType != "float32" {
		t.Errorf("synth default dtype: %v %v, want float32", a, err)
	}

	code, _, errs = runCLI(t, "synth", "--dtype", "float16", "-o", out, small)
	if w := `--dtype "float16": the maps are written as float32 (the default) or float64`; code != 2 || !strings.Contains(errs, w) {
		t.Errorf("synth --dtype float16: exit %d, want 2 and %q in:\n%s", code, w, errs)
	}
}

func TestSampleDType(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	out := filepath.Join(work, "s.npy")
	if code, _, errs := runCLI(t, "sample", filepath.Join(dir, "models"), "--component", "0", "--steps", "2", "--dtype", "float64", "-o", out); code != 0 {
		t.Fatalf("sample --dtype float64: exit %d:\n%s", code, errs)
	}
	if a, err := datasets.Read(out); err != nil || a.DType != "float64" || len(a.Shape) != 3 {
		t.Errorf("sample --dtype float64: %v, want a float64 batch (%v)", a, err)
	}

	// models of pixels with std 2e37: |mean| + 10 std = 2.02e38, twice that
	// is beyond float32
	ms, err := infer.LoadModels(filepath.Join(dir, "models"))
	if err != nil {
		t.Fatal(err)
	}
	ms.Components[0].PixelMoments[0], ms.Components[0].PixelMoments[1] = -2e36, 2e37
	big := filepath.Join(work, "bigmodels")
	if err := ms.Write(big); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(work, "b.npy")
	code, _, errs := runCLI(t, "sample", big, "--component", "0", "--steps", "2", "-o", out)
	for _, w := range []string{"bigmodels: the maps would be written as float32 (--dtype float32, the default)",
		"the training pixels of component 0 have mean -2e+36 and std 2e+37, so the samples' largest |pixel| is about |mean| + 10 std = 2.02e+38",
		"refused before the optimisation", "Give --dtype float64"} {
		if code != 2 || !strings.Contains(errs, w) {
			t.Errorf("sample float32: exit %d, want 2 and %q in:\n%s", code, w, errs)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("sample float32: %s written (%v)", out, err)
	}
	code, _, errs = runCLI(t, "sample", big, "--component", "0", "--dtype", "int16", "-o", out)
	if w := `--dtype "int16": the maps are written as float32 (the default) or float64`; code != 2 || !strings.Contains(errs, w) {
		t.Errorf("sample --dtype int16: exit %d, want 2 and %q in:\n%s", code, w, errs)
	}
}

// A float32 write that fails after all (syntheses beyond the range although
// the input was within half of it) names --dtype float64.
func TestFloat32WriteErrorNamesFlag(t *testing.T) {
	m := &stlayer.Maps{B: 1, M: 1, N: 2, Data: []float64{1, 4e38}}
	base := errors.New("datasets: x.npy: maps written as float32: …")
	if err := float32WriteError("float32", m, base); !errors.Is(err, base) || !strings.Contains(err.Error(), "run again with --dtype float64") {
		t.Errorf("got %v", err)
	}
	if err := float32WriteError("float64", m, base); err != base {
		t.Errorf("float64: got %v", err)
	}
	m.Data[1] = 3e38
	if err := float32WriteError("float32", m, base); err != base {
		t.Errorf("in range: got %v", err)
	}
}
