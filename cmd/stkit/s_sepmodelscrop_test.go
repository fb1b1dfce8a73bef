package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate --models with models of a --pad crop statistic says which
// window of each tile the statistics constrain (as synth and separate with
// samples do), and which bands a stride larger than the tile less twice the
// cut leaves in no window.
func TestSeparateModelsPadCropNote(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b, n int, gen func(seed uint64) ([]float64, error)) string {
		m := stlayer.NewMaps(b, n, n)
		for i := 0; i < b; i++ {
			x, err := gen(uint64(40 + i))
			if err != nil {
				t.Fatal(err)
			}
			copy(m.Map(i), x)
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise := write("noise.npy", 3, 64, func(s uint64) ([]float64, error) { return datasets.WhiteNoise(64, 64, s) })
	smooth := write("smooth.npy", 3, 64, func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(64, 64, -3, s) })
	models := filepath.Join(dir, "models")
	for _, args := range [][]string{
		{"patches", noise, smooth, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "16", "-J", "3", "--pad", "crop"},
		{"train", filepath.Join(dir, "ds"), "-o", filepath.Join(dir, "run"), "--clusters", "2", "--epochs", "4", "--seed", "3",
			"--z", "4", "--h", "32", "--layers", "1", "--batch", "32"},
		{"export", filepath.Join(dir, "run"), "-o", models, "--samples", "20", "--latent", "posterior"},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, tail(errs, 800))
		}
	}
	mix32 := write("mix32.npy", 1, 32, func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(32, 32, -2, s) })
	mix64 := write("mix64.npy", 1, 64, func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(64, 64, -2, s) })
	const head = "separate: --pad crop (the models' statistic): the statistics of each 32² tile are means over its interior, 4 pixels in from its edges ("
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"one tile", []string{mix32, "--gauss-prior", "0"},
			head + "rows [4, 28) and columns [4, 28) of this one-tile map); the pixels outside these windows enter them only through the wavelets that reach into them\n"},
		{"tiles", []string{mix64},
			head + "together rows [4, 60) and columns [4, 60) of the map); the pixels outside these windows enter them only through the wavelets that reach into them and through the Gaussian-field prior (--gauss-prior, whole map)\n"},
		{"stride 32", []string{mix64, "--stride", "32"},
			head + "within rows [4, 60) and columns [4, 60) of the map, less rows [28, 36), columns [28, 36)); the pixels outside these windows enter them only through the wavelets that reach into them and through the Gaussian-field prior (--gauss-prior, whole map); --stride 32 > 24 (the tile less twice the cut) leaves those bands between the tiles' windows: give --stride 24 or less to cover them\n"},
	} {
		out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npy")
		args := append([]string{"separate", "--models", models, "--components", "0,1", "--steps", "0,1", "-o", out}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 800))
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%s: stderr lacks\n%q\n%s", c.name, c.want, tail(errs, 1500))
		}
	}
	// A non-square map: 40 rows, 64 columns, stride 24 (rows: tiles at 0
	// and 8; columns at 0, 24, 32).
	const want = "together rows [4, 36) and columns [4, 60) of the map"
	if got := modelCropNote(40, 64, 32, 24, 4, false); !strings.Contains(got, want) || strings.Contains(got, "--stride") {
		t.Errorf("40×64, stride 24: %q, want %q and no stride hint", got, want)
	}
}

// Periodic models: no crop note (modelsFixture's statistic is periodic).
func TestSeparateModelsPeriodicNoCropNote(t *testing.T) {
	dir := modelsFixture(t)
	code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,1", "--steps", "0,1", "-o", filepath.Join(t.TempDir(), "o.npy"))
	if code != 0 || strings.Contains(errs, "--pad crop") {
		t.Errorf("exit %d, note present: %s", code, tail(errs, 800))
	}
}
