package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// patches --size 0 (any size under 8) reached the user as datasets' "patch size 0 is too small
// (need ≥ 8)", --size 8 or 12 as the statistic's "scov: map 8×8: both sides must be even and
// ≥ 16", and a size over a map as "m.npy: patch size 128 is larger than the map": none named
// --size or the sizes allowed. They now name --size, the range (the statistic's smallest patch
// to the shorter side of the smallest map) and sizes that fit; nothing is written.
func TestPatchesSizeRange(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1) // 64×64
	ds := filepath.Join(dir, "ds")
	scov := "the patch side must be from 16 (the smallest patch of --kind scov) to 64 (the shorter side of the smallest map, " + mp + ", 64×64), even; e.g. --size 16, 32, 64"
	for _, s := range []string{"0", "-3", "7", "8", "12", "65", "128"} {
		wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", s}, "--size "+s+": "+scov, ds)
	}
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "4", "--kind", "wph"},
		"--size 4: the patch side must be from 8 (the smallest patch of --kind wph) to 64", ds)
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "0", "-J", "4"},
		"--size 0: the patch side must be from 32 (the smallest patch of --kind scov -J 4) to 64 (the shorter side of the smallest map, "+mp+", 64×64), even; e.g. --size 32, 64", ds)
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "0", "-J", "6"},
		"--size 0: no patch of at most 64 pixels (the shorter side of the smallest map, "+mp+", 64×64) fits --kind scov -J 6; give a smaller -J", ds)
	// The smallest map bounds the range; the J rule inside the range keeps its own message.
	small := filepath.Join(dir, "small.npy")
	m := stlayer.NewMaps(1, 32, 48)
	for i := range m.Data {
		m.Data[i] = float64(i % 7)
	}
	if err := datasets.WriteMaps(small, m); err != nil {
		t.Fatal(err)
	}
	wantBadInput(t, []string{"patches", mp, small, "-o", ds, "--size", "64"},
		"--size 64: the patch side must be from 16 (the smallest patch of --kind scov) to 32 (the shorter side of the smallest map, "+small+", 32×48)", ds)
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "31"}, "--size 31: scov needs patches of even side; give --size 30 or 32", ds)
	// The bounds themselves are accepted.
	for _, a := range [][]string{{"--size", "16"}, {"--size", "8", "--kind", "wph"}} {
		out := filepath.Join(t.TempDir(), "ds")
		if code, _, errs := runCLI(t, append([]string{"patches", mp, "-o", out, "--stride", "64"}, a...)...); code != 0 {
			t.Errorf("%v: exit %d: %s", a, code, tail(errs, 300))
		}
	}
}
