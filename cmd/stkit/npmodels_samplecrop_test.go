package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// sample with models of a --pad crop statistic says which window of each
// tile the statistics constrain (as synth and separate do), what reaches the
// pixels outside it, and which bands a stride larger than the tile less
// twice the cut leaves in no window; periodic models get no such note.
func TestSamplePadCropNote(t *testing.T) {
	dir := t.TempDir()
	_, models := cropModels(t, dir, 50)
	const head = "sample: --pad crop (the models' statistic): the statistics of each 32² tile are means over its interior, 4 pixels in from its edges ("
	const tailNote = "); the pixels outside these windows enter them only through the wavelets that reach into them and through the power-spectrum term (each whole tile, matched to the training patches' periodic spectra)"
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"one tile", nil, head + "rows [4, 28) and columns [4, 28) of this one-tile map" + tailNote + "\n"},
		{"tiles", []string{"--size", "48"}, head + "together rows [4, 44) and columns [4, 44) of the map" + tailNote + "\n"},
		{"stride 32", []string{"--size", "64", "--stride", "32"}, head + "within rows [4, 60) and columns [4, 60) of the map, less rows [28, 36), columns [28, 36)" + tailNote +
			"; --stride 32 > 24 (the tile less twice the cut) leaves those bands between the tiles' windows: give --stride 24 or less to cover them\n"},
	} {
		out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npy")
		args := append([]string{"sample", models, "--component", "0", "--steps", "1", "-o", out}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 800))
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%s: stderr lacks\n%q\n%s", c.name, c.want, tail(errs, 1500))
		}
	}
	// periodic models (modelsFixture): no crop note
	code, _, errs := runCLI(t, "sample", filepath.Join(modelsFixture(t), "models"), "--component", "0", "--steps", "1", "-o", filepath.Join(dir, "periodic.npy"))
	if code != 0 || strings.Contains(errs, "--pad crop") {
		t.Errorf("periodic models: exit %d, crop note present: %s", code, tail(errs, 800))
	}
}

// cropModels builds, in dir, models of a --pad crop scov statistic (J = 3)
// from 32² patches (stride 16) of three 64² Gaussian fields (P ∝ k⁻³, seeds
// seed…seed+2), with a tiny GM-VAE (2 clusters, 2 epochs); extra are more
// patches flags (e.g. --cut 0.25). It returns the fields and the models
// folder.
func cropModels(t *testing.T, dir string, seed uint64, extra ...string) (*stlayer.Maps, string) {
	t.Helper()
	m := stlayer.NewMaps(3, 64, 64)
	for i := 0; i < 3; i++ {
		x, err := datasets.GaussianRandomField(64, 64, -3, seed+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), x)
	}
	src := filepath.Join(dir, "grf.npy")
	if err := datasets.WriteMaps(src, m); err != nil {
		t.Fatal(err)
	}
	models := filepath.Join(dir, "models")
	for _, args := range [][]string{
		append([]string{"patches", src, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "16", "-J", "3", "--pad", "crop"}, extra...),
		{"train", filepath.Join(dir, "ds"), "-o", filepath.Join(dir, "run"), "--clusters", "2", "--epochs", "2", "--seed", "3",
			"--z", "4", "--h", "32", "--layers", "1", "--batch", "32"},
		{"export", filepath.Join(dir, "run"), "-o", models, "--samples", "8", "--latent", "posterior"},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, tail(errs, 800))
		}
	}
	return m, models
}
