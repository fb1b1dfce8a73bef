package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestSynthReferenceSetAndPresets runs the default (quality) preset with a
// reference set given as a directory, and the cheng preset as one batch,
// and checks what metrics.json records.
func TestSynthReferenceSetAndPresets(t *testing.T) {
	dir := t.TempDir()
	target := writeTestMap(t, dir, "target.npy", 1)
	refDir := filepath.Join(dir, "refs")
	if err := os.Mkdir(refDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestMap(t, refDir, "a.npy", 1)
	writeTestMap(t, refDir, "b.npy", 2) // a batch of 2: 3 maps in all
	rep := filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "synth", target, "-J", "3", "-n", "2", "--steps", "4", "-o", filepath.Join(dir, "s.npy"), "--report", rep, "--reference-set", refDir, "--log-every", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var vm struct {
		SpreadMaps int            `json:"spread_maps"`
		W1Ref      float64        `json:"w1_between_targets"`
		MFSpread   [3][]float64   `json:"mf_spread_std"`
		Evals      int            `json:"evaluations"`
		Settings   map[string]any `json:"settings"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatal(err)
	}
	if vm.SpreadMaps != 3 || vm.W1Ref <= 0 || len(vm.MFSpread[0]) == 0 || vm.Evals == 0 {
		t.Errorf("metrics: %d spread maps, W1 ref %g, MF spread %v, %d evaluations", vm.SpreadMaps, vm.W1Ref, vm.MFSpread[0], vm.Evals)
	}
	if vm.Settings["preset"] != "quality" || vm.Settings["init"] != "grf" || vm.Settings["independent"] != true || vm.Settings["ps_weight"] != 1.0 {
		t.Errorf("settings %v", vm.Settings)
	}

	// cheng preset, overriding one setting; a comma-separated reference list.
	rep2 := filepath.Join(dir, "rep2")
	refs := filepath.Join(refDir, "a.npy") + "," + filepath.Join(refDir, "b.npy")
	code, _, errs = runCLI(t, "synth", target, "-J", "3", "-n", "2", "--steps", "3", "--preset", "cheng", "--ps", "0.5", "-o", filepath.Join(dir, "c.npy"), "--report", rep2, "--reference-set", refs)
	if code != 0 {
		t.Fatalf("cheng preset: exit %d: %s", code, errs)
	}
	b, _ = os.ReadFile(filepath.Join(rep2, "metrics.json"))
	vm.Settings = nil
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatal(err)
	}
	if vm.Settings["preset"] != "cheng" || vm.Settings["init"] != "white" || vm.Settings["independent"] != false || vm.Settings["ps_weight"] != 0.5 || vm.SpreadMaps != 3 {
		t.Errorf("cheng settings %v, %d spread maps", vm.Settings, vm.SpreadMaps)
	}

	// bad input: reference maps of another size, unknown preset
	small := stlayer.NewMaps(2, 32, 32)
	for i := range small.Data {
		small.Data[i] = float64(i % 7)
	}
	sp := filepath.Join(dir, "small.npy")
	if err := datasets.WriteMaps(sp, small); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCLI(t, "synth", target, "-J", "4", "-o", filepath.Join(dir, "x.npy"), "--reference-set", sp); code != 2 {
		t.Errorf("reference set of another size: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "synth", target, "-J", "4", "-o", filepath.Join(dir, "x.npy"), "--preset", "fast"); code != 2 {
		t.Errorf("unknown preset: exit %d, want 2", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.npy")); err == nil {
		t.Error("an output was written despite bad input")
	}
}

// synth writes FITS (BITPIX −32) and .npz as well as .npy, always as a
// [K, M, N] float32 batch, one map included.
func TestSynthOutputFormats(t *testing.T) {
	dir := t.TempDir()
	target := writeTestMap(t, dir, "target.npy", 1)
	for _, name := range []string{"s.fits", "s.npz"} {
		out := filepath.Join(dir, name)
		if code, _, errs := runCLI(t, "synth", target, "-J", "3", "-n", "1", "--steps", "2", "-o", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, tail(errs, 400))
		}
		a, err := datasets.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		if a.DType != "float32" || len(a.Shape) != 3 || a.Shape[0] != 1 || a.Shape[1] != 64 || a.Shape[2] != 64 {
			t.Errorf("%s: %s %v, want float32 [1 64 64]", name, a.DType, a.Shape)
		}
	}
}

// The default statistic of synth is the isotropic synthesis vector; naming
// --synthesis alone keeps it isotropic (it used to switch --iso off),
// --synthesis=false gives the raw, anisotropic coefficients, --iso=false the
// anisotropic synthesis vector.
func TestSynthSynthesisIsoDefaults(t *testing.T) {
	dir := t.TempDir()
	target := writeTestMap(t, dir, "target.npy", 1)
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{nil, "scov J=3 L=4 iso synthesis "},
		{[]string{"--synthesis"}, "scov J=3 L=4 iso synthesis "},
		{[]string{"--synthesis=false"}, "scov J=3 L=4 wavelet"},
		{[]string{"--iso=false"}, "scov J=3 L=4 synthesis "},
	} {
		args := append([]string{"synth", target, "-J", "3", "--steps", "1", "-o", filepath.Join(dir, "s.npy")}, c.flags...)
		code, _, errs := runCLI(t, args...)
		if code != 0 || !strings.Contains(errs, "synth: "+c.want) {
			t.Errorf("%v: exit %d, want %q in\n%s", c.flags, code, c.want, tail(errs, 600))
		}
	}
}

// A FITS target's unit cards (BUNIT, BTYPE) are carried to a FITS output,
// which also gets HISTORY cards saying what synth did; the target's WCS and
// OBJECT, which describe its sky, are not (the header had no card at all).
func TestSynthFITSHeader(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 1)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target.fits")
	in := []datasets.Card{{Key: "BUNIT", Value: "MJy/sr"}, {Key: "BTYPE", Value: "Intensity"}, {Key: "OBJECT", Value: "dust"},
		{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CTYPE2", Value: "GLAT-CAR"}, {Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 0.01}}
	if err := datasets.WriteMapsCards(target, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}, in...); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.fits")
	if code, _, errs := runCLI(t, "synth", target, "-J", "2", "-n", "2", "--steps", "1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	var keys, history []string
	for _, c := range datasets.FITSUserCards(a.Header) {
		keys = append(keys, c.Key)
		switch c.Key {
		case "BUNIT":
			if c.Value != "MJy/sr" {
				t.Errorf("BUNIT = %v, want MJy/sr", c.Value)
			}
		case "BTYPE":
			if c.Value != "Intensity" {
				t.Errorf("BTYPE = %v, want Intensity", c.Value)
			}
		case "HISTORY":
			history = append(history, c.Comment)
		}
	}
	// the pixel scale is kept (linear axes: no CTYPE1/2, no position), with
	// the plane axis of the [K, M, N] cube (datasets.PixelScaleCards)
	if k := strings.Join(keys, " "); !strings.HasPrefix(k, "BUNIT BTYPE CDELT1 CDELT2 CUNIT1 CUNIT2 CTYPE3 CRPIX3 CRVAL3 CDELT3 CNAME3 HISTORY") ||
		strings.Contains(k, "CTYPE1") || strings.Contains(k, "CTYPE2") || strings.Contains(k, "CRVAL1") || strings.Contains(k, "OBJECT") {
		t.Errorf("output cards %s, want BUNIT BTYPE, the pixel scale, the plane axis, HISTORY…, no sky position, no OBJECT", k)
	}
	h := strings.Join(history, " ")
	for _, w := range []string{"stkit synth: 2 maps synthesised to match the statistics of target.fits (scov J=2 L=4 iso synthesis",
		"preset quality, init grf, ps 1, hist 10, --steps 1, seed 1", "its WCS is not kept"} {
		if !strings.Contains(h, w) {
			t.Errorf("HISTORY lacks %q: %s", w, h)
		}
	}
}

// --reference-set DIR read only the .npy files of DIR ("DIR: no .npy files"
// for a folder of FITS maps); it now reads .npy, .npz and FITS files, as
// patches reads a folder.
func TestSynthReferenceSetFITSFolder(t *testing.T) {
	dir := t.TempDir()
	target := writeTestMap(t, dir, "target.npy", 1)
	refDir := filepath.Join(dir, "refs")
	if err := os.Mkdir(refDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestMap(t, refDir, "a.fits", 1)
	writeTestMap(t, refDir, "b.FITS", 2)
	if err := os.WriteFile(filepath.Join(refDir, "notes.txt"), []byte("not a map"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := readMapSet(refDir)
	if err != nil || m.B != 3 || m.M != 64 || m.N != 64 {
		t.Fatalf("readMapSet(folder of FITS): %v, %v", m, err)
	}
	rep := filepath.Join(dir, "rep")
	if code, _, errs := runCLI(t, "synth", target, "-J", "3", "--steps", "1", "-o", filepath.Join(dir, "s.npy"), "--report", rep, "--reference-set", refDir); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "synth", target, "-J", "3", "--steps", "1", "-o", filepath.Join(dir, "s.npy"), "--reference-set", empty)
	if want := empty + ": the folder holds no map files (.npy, .npz, .fits, .fit, .fts, or those with .gz)"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("empty folder: exit %d, want 2 and %q:\n%s", code, want, errs)
	}
}
