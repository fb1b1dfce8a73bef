package datasets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// The largest float64 that float32 rounds to MaxFloat32 rather than +Inf:
// the half-way point 2^128 − 2^103 rounds to even (+Inf), the value just
// below it down.
var f32Edge = math.Nextafter(math.Ldexp(1, 128)-math.Ldexp(1, 103), 0)

// Finite values that float32 cannot hold (they would round to ±Inf) are
// refused by every float32 write path, naming the value, where it is, and
// what to do; values float32 does hold (up to the rounding edge), NaN, ±Inf
// and tiny values (which go to subnormals or 0) are written as before.
func TestFloat32OverflowRefused(t *testing.T) {
	if float32(f32Edge) != math.MaxFloat32 || !math.IsInf(float64(float32(math.Nextafter(f32Edge, math.Inf(1)))), 1) {
		t.Fatal("test edge is not float32's rounding edge")
	}
	dir := t.TempDir()

	// A 3-D float32 array with two values out of range.
	data := make([]float64, 2*3*4)
	data[1*12+2*4+3] = -1e40 // index (1, 2, 3), flat 23
	data[5] = 2e39           // index (0, 1, 1), flat 5: the first
	a := &Array{DType: "float32", Shape: []int{2, 3, 4}, Float64: data}
	want := []string{"float32 array of shape (2, 3, 4)", "index (0, 1, 1) (flat index 5)", "holds 2e+39",
		"largest magnitude 3.4028235e+38", "written as +Inf", "2 values are out of range, the largest magnitude is 1e+40",
		"rescale the data", `Array.DType "float64"`}
	testutil.Refused(t, "EncodeNPY", func() error { _, err := EncodeNPY(a, NPYOptions{}); return err }, want...)
	testutil.Refused(t, "EncodeFITS", func() error { _, err := EncodeFITS(a); return err }, want...)
	testutil.Refused(t, "EncodeNPZ", func() error { _, err := EncodeNPZ([]NamedArray{{Name: "x", Array: a}}, false); return err },
		append(want, `member "x"`)...)
	for _, name := range []string{"a.npy", "a.fits"} {
		p := filepath.Join(dir, name)
		write := WriteNPY
		if name == "a.fits" {
			write = func(p string, a *Array) error { return WriteFITS(p, a) }
		}
		testutil.Refused(t, name, func() error { return write(p, a) }, append(want, "writing "+p)...)
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a refused write left a file (%v)", name, err)
		}
	}

	// complex64: either part; the wider type named is complex128.
	c := &Array{DType: "complex64", Shape: []int{3}, Complex128: []complex128{1, complex(0, -5e38), 2}}
	testutil.Refused(t, "complex64", func() error { _, err := EncodeNPY(c, NPYOptions{}); return err },
		"complex64 array of shape (3,)", "the imaginary part of the value at index (1,)", "holds -5e+38", "written as -Inf", `Array.DType "complex128"`)

	// Maps written as float32 (stkit synth and sample): map, row, column.
	m := &stlayer.Maps{B: 2, M: 4, N: 4, Data: make([]float64, 32)}
	m.Data[16+2*4+1] = 7e38 // map 1, row 2, column 1
	p := filepath.Join(dir, "maps.npy")
	testutil.Refused(t, "WriteMapsWith float32", func() error {
		return WriteMapsWith(p, m, MapsWriteOptions{DType: "float32", Batch: true})
	}, "datasets: "+p+": maps written as float32: pixel (row 2, column 1) of map 1 holds 7e+38", "written as +Inf",
		"rescale the maps", `MapsWriteOptions.DType "float64"`)
	one := &stlayer.Maps{B: 1, M: 4, N: 4, Data: m.Data[16:]}
	testutil.Refused(t, "WriteMapsWith float32, one map", func() error {
		return WriteMapsWith(filepath.Join(dir, "one.fits"), one, MapsWriteOptions{DType: "float32"})
	}, "maps written as float32: pixel (row 2, column 1) holds 7e+38")
	if err := WriteMaps(p, m); err != nil { // float64 holds it
		t.Fatalf("WriteMaps (float64): %v", err)
	}

	// What float32 holds or keeps as it is still passes, with the values
	// float32 gives them.
	ok := []float64{f32Edge, -f32Edge, math.Inf(1), math.Inf(-1), math.NaN(), 1e-46, -7e-46, 1e-40, 0, 1}
	okA := &Array{DType: "float32", Shape: []int{len(ok)}, Float64: ok}
	for _, name := range []string{"ok.npy", "ok.fits"} {
		p := filepath.Join(dir, name)
		var err error
		if name == "ok.npy" {
			err = WriteNPY(p, okA)
		} else {
			err = WriteFITS(p, okA)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range ok {
			if w := float64(float32(x)); !sameFloat(back.Float64[i], w) {
				t.Errorf("%s[%d]: wrote %g, read %g, want %g", name, i, x, back.Float64[i], w)
			}
		}
	}
	if got := float32(1e-46); got != 0 {
		t.Errorf("1e-46 as float32 = %g, want 0", got)
	}
}

// BuildFeatures stores patch pixels as float32 (patches.npy): a patch set
// with a pixel float32 cannot hold is refused before anything is written,
// naming the patch, its source and position.
func TestBuildFeaturesFloat32Overflow(t *testing.T) {
	ms := mustWhite(t, 32)
	ms.Data[20*32+5] = 3e40 // row 20, column 5
	cfg := PatchConfig{Size: 16, Stride: 16}
	ps, err := CutPatches([]Source{{Name: "cgs.fits", Maps: ms}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ds")
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 4}
	want := []string{"patch pixels are stored as float32 (patches.npy)",
		"pixel (row 4, column 5) of patch 2 (cgs.fits, map 0, corner at row 16, column 0) holds 3e+40",
		"written as +Inf", "rescale the maps"}
	testutil.Refused(t, "CheckBuild", func() error { return CheckBuild(dir, ps, cfg, spec) }, want...)
	testutil.Refused(t, "BuildFeatures", func() error {
		_, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 0, nil)
		return err
	}, want...)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused build wrote %s (%v)", dir, err)
	}
}
