package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats on maps whose sides are not multiples of 2^J said only "give -J 2 or
// less" (100×120, default J = 4), then named a crop to multiples of 2^J;
// no statistic needs them (datasets.RuleFor): such maps are now taken.
// Odd sides, which the global wst, scov and spectra cannot take, are refused
// with the crop to even sides and its numpy slice; wph takes them. A J too
// large for the maps names the largest J and no crop (none helps).
func TestStatsCropHint(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b, m, n int) string {
		x := stlayer.NewMaps(b, m, n)
		for i := range x.Data {
			x.Data[i] = float64(i%7) - 3
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	even := write("even.npy", 1, 100, 120)
	odd := write("odd.npy", 1, 101, 121)
	batch := write("odd3.npy", 3, 101, 121)
	for _, args := range [][]string{{even}, {even, "-J", "4"}, {even, "-J", "3", "--kind", "wst"}, {odd, "--kind", "wph"}} {
		if code, _, errs := runCLI(t, append([]string{"stats", "-o", filepath.Join(dir, "ok.json")}, args...)...); code != 0 {
			t.Errorf("%v: exit %d, want 0: %s", args, code, tail(errs, 400))
		}
	}
	crop := "Crop the maps to 100×120 pixels (numpy: x[:100, :120], or x[:, :100, :120] for a batch; any 100×120 window will do)"
	for _, c := range []struct {
		args []string
		want string // "" : no crop hint
	}{
		{[]string{odd}, "scov needs maps with even sides (Cheng's cropped Fourier grids); got 101×121. " + crop},
		{[]string{odd, "--kind", "wst", "-J", "4"}, "wst needs maps with even sides (Cheng's cropped Fourier grids); got 101×121. " + crop},
		{[]string{batch, "--kind", "spectra"}, crop},
		{[]string{even, "-J", "6"}, ""},
	} {
		code, _, errs := runCLI(t, append([]string{"stats"}, c.args...)...)
		if code != 2 {
			t.Fatalf("%v: exit %d, want 2: %s", c.args, code, tail(errs, 400))
		}
		if c.want == "" {
			if strings.Contains(errs, "Crop the") || !strings.Contains(errs, "(use -J 5 or less for 100×120 maps)") {
				t.Errorf("%v: want the -J hint and no crop: %s", c.args, errs)
			}
			continue
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%v:\n%s\nwant it to contain %q", c.args, errs, c.want)
		}
	}
	// the crop it names works
	x, err := datasets.ReadMaps(odd)
	if err != nil {
		t.Fatal(err)
	}
	cr := stlayer.NewMaps(1, 100, 120)
	for r := range 100 {
		copy(cr.Data[r*120:(r+1)*120], x.Data[r*121:r*121+120])
	}
	cp := filepath.Join(dir, "crop.npy")
	if err := datasets.WriteMaps(cp, cr); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "stats", cp, "-J", "4", "--kind", "wst"); code != 0 {
		t.Errorf("the named crop: exit %d: %s", code, tail(errs, 400))
	}
}
