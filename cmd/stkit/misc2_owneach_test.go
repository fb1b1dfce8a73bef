package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestMisc2CompareEachConstantWPHAuto: stats --compare --compare-ref each
// --kind wph --norm auto took a constant map (spectra refuses it) and
// compared its coefficients, 0 or round-off (sd_A/sd_B 2.7e15 in S11 for
// a set of a constant map and a noise map against two noise maps, exit
// 0). It is refused now (exit 2), named in its own set; --compare-ref
// pooled keeps it.
func TestMisc2CompareEachConstantWPHAuto(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, constant bool, seeds ...uint64) string {
		x := stlayer.NewMaps(len(seeds), 32, 32)
		for b, s := range seeds {
			w, err := datasets.WhiteNoise(32, 32, s)
			if err != nil {
				t.Fatal(err)
			}
			copy(x.Map(b), w)
		}
		if constant {
			for i := range x.Map(0) {
				x.Map(0)[i] = 3
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMapsCards(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise, cst := write("noise.npy", false, 1, 2), write("const.npy", true, 0, 3)
	code, _, errs := runCLI(t, "stats", noise, "--kind", "wph", "--norm", "auto", "-J", "2", "--compare", cst, "--compare-ref", "each")
	want := ": map 0 is constant (every pixel 3): wph with norm auto is undefined on it (with the map as its own reference"
	if code != 2 || !strings.Contains(errs, "--compare "+cst+want) {
		t.Errorf("each: exit %d, stderr %q; want exit 2 and %q", code, errs, "--compare "+cst+want)
	}
	code, _, errs = runCLI(t, "stats", cst, "--kind", "wph", "--norm", "auto", "-J", "2", "--compare", noise, "--compare-ref", "each")
	if code != 2 || !strings.Contains(errs, cst+want) || strings.Contains(errs, "--compare "+cst) {
		t.Errorf("each, A constant: exit %d, stderr %q", code, errs)
	}
	if code, _, errs = runCLI(t, "stats", noise, "--kind", "wph", "--norm", "auto", "-J", "2", "--compare", cst, "--permutations", "0"); code != 0 {
		t.Errorf("pooled: exit %d, stderr %q", code, errs)
	}
}
