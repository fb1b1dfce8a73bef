package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// The commands refused maps whose sides are not multiples of 2^J for every
// statistic (stats 500×500 -J 5: "needs maps of at least 64×64 pixels
// divisible by 32"; synth and separate only said "give -J 2 or less"). They
// now take any size from 2^(J+1) pixels a side, and refuse odd sides for the
// global wst, scov and spectra with the crop to even sides.
func TestSizes19CommandsTakeAnySize(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b, M, N int) string {
		x := stlayer.NewMaps(b, M, N)
		for i := range b {
			f, err := datasets.LogNormalField(M, N, -2.5, 0.8, uint64(i+1))
			if err != nil {
				t.Fatal(err)
			}
			copy(x.Map(i), f)
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	m100 := write("m100.npy", 1, 100, 100)
	m96 := write("m96x160.npy", 1, 96, 160)
	for _, kind := range []string{"wst", "wph", "scov", "spectra"} {
		for _, c := range []struct {
			path, J string
		}{{m100, "4"}, {m96, "5"}} {
			out := filepath.Join(dir, kind+c.J+".json")
			if code, _, errs := runCLI(t, "stats", c.path, "--kind", kind, "-J", c.J, "-o", out); code != 0 {
				t.Errorf("stats %s --kind %s -J %s: exit %d\n%s", filepath.Base(c.path), kind, c.J, code, tail(errs, 400))
			}
		}
	}
	if code, _, errs := runCLI(t, "synth", m100, "-J", "4", "-n", "1", "--steps", "2", "-o", filepath.Join(dir, "s.npy")); code != 0 {
		t.Errorf("synth 100×100 -J 4: exit %d\n%s", code, tail(errs, 400))
	}
	odd := write("m101.npy", 1, 101, 101)
	noise := write("n101.npy", 2, 101, 101)
	crop := "got 101×101. Crop the maps to 100×100 pixels (numpy: x[:100, :100]"
	wantBadInput(t, []string{"synth", odd, "-o", filepath.Join(dir, "o.npy")}, "scov needs maps with even sides (Cheng's cropped Fourier grids); "+crop, filepath.Join(dir, "o.npy"))
	wantBadInput(t, []string{"separate", odd, "--kind", "scov", "--noise", noise, "-o", filepath.Join(dir, "o.npy")}, crop, filepath.Join(dir, "o.npy"))
	wantBadInput(t, []string{"synth", m100, "-J", "6", "-o", filepath.Join(dir, "o.npy")}, "J=6 needs maps of at least 128×128 pixels for scov (2^(J+1)); got 100×100 (use -J 5 or less for 100×100 maps)", filepath.Join(dir, "o.npy"))
	if code, _, errs := runCLI(t, "stats", odd, "--kind", "wph", "-J", "5", "-o", filepath.Join(dir, "w.json")); code != 0 || strings.Contains(errs, "Crop the") {
		t.Errorf("stats 101×101 --kind wph: exit %d\n%s", code, tail(errs, 400))
	}
}
