package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// cropPriorFixture builds in a test folder models of a --pad crop
// statistic (J 3: a 4-pixel cut) with small patch priors (K 2, ≤ 500 rows)
// in DIR/models, and a 32² map DIR/mix32.npy.
func cropPriorFixture(t *testing.T) string {
	t.Helper()
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
	write("mix32.npy", 1, 32, func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(32, 32, -2, s) })
	for _, args := range [][]string{
		{"patches", noise, smooth, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "16", "-J", "3", "--pad", "crop"},
		{"train", filepath.Join(dir, "ds"), "-o", filepath.Join(dir, "run"), "--clusters", "2", "--epochs", "2", "--seed", "3",
			"--z", "4", "--h", "32", "--layers", "1", "--batch", "32"},
		{"export", filepath.Join(dir, "run"), "-o", filepath.Join(dir, "models"), "--samples", "10", "--latent", "posterior",
			"--patch-prior", "--patch-prior-k", "2", "--patch-prior-rows", "500"},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, tail(errs, 800))
		}
	}
	return dir
}

// pfixcli22: separate --models with the patch prior alone printed the
// --pad crop note ("the statistics of each 32² tile are means over its
// interior …"), although no statistic is minimised then (54addb7 dropped
// the other statistics-only notes). It is printed only when the
// statistics run.
func TestPfixcli22CropNoteOnlyWithStatistics(t *testing.T) {
	dir := cropPriorFixture(t)
	work := t.TempDir()
	models, mix := filepath.Join(dir, "models"), filepath.Join(dir, "mix32.npy")
	const note = "separate: --pad crop (the models' statistic): the statistics of each 32² tile are means over its interior"
	code, _, errs := runCLI(t, "separate", mix, "--models", models, "--components", "0,1", "-o", filepath.Join(work, "a.npy"))
	if code != 0 || !strings.Contains(errs, "separate: method: patch prior") {
		t.Fatalf("patch prior: exit %d\n%s", code, tail(errs, 1500))
	}
	if strings.Contains(errs, note) {
		t.Errorf("patch prior alone: stderr has the --pad crop note\n%s", tail(errs, 1500))
	}
	code, _, errs = runCLI(t, "separate", mix, "--models", models, "--components", "0,1", "-o", filepath.Join(work, "b.npy"), "--patch-prior", "start", "--steps", "0,1")
	if code != 0 || !strings.Contains(errs, note+", 4 pixels in from its edges (rows [4, 28) and columns [4, 28) of this one-tile map)") {
		t.Errorf("--patch-prior start (statistics run): exit %d, no --pad crop note\n%s", code, tail(errs, 1500))
	}
}
