package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats on maps whose sides are not multiples of 2^J said only "give -J 2 or
// less" (100×120, default J = 4): the crop that keeps J was left to the
// user. The refusal now names it, 96×112 with its numpy slice (batch: over
// the last two axes), and says nothing of a crop where none fits (J = 6:
// 64×64 is not larger than 2^6).
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
	one := write("odd.npy", 1, 100, 120)
	batch := write("odd3.npy", 3, 100, 120)
	for _, c := range []struct {
		args []string
		want string // "" : no crop hint
	}{
		{[]string{one}, "got 100×120; give -J 2 or less, or crop the maps to 96×112 pixels for J=4 (numpy: x[:96, :112]; any 96×112 window will do)"},
		{[]string{one, "-J", "4"}, "(use -J 2 or less for 100×120 maps); or crop the maps to 96×112 pixels for J=4 (numpy: x[:96, :112];"},
		{[]string{one, "-J", "3"}, "crop the maps to 96×120 pixels for J=3 (numpy: x[:96, :120];"},
		{[]string{batch, "-J", "4"}, "crop the maps to 96×112 pixels for J=4 (numpy: x[:, :96, :112];"},
		{[]string{one, "-J", "6"}, ""},
	} {
		code, _, errs := runCLI(t, append([]string{"stats"}, c.args...)...)
		if code != 2 {
			t.Fatalf("%v: exit %d, want 2: %s", c.args, code, tail(errs, 400))
		}
		if c.want == "" {
			if strings.Contains(errs, "crop") {
				t.Errorf("%v: a crop hint where no crop fits: %s", c.args, errs)
			}
			continue
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%v:\n%s\nwant it to contain %q", c.args, errs, c.want)
		}
	}
	// the crop it names works
	x, err := datasets.ReadMaps(one)
	if err != nil {
		t.Fatal(err)
	}
	cr := stlayer.NewMaps(1, 96, 112)
	for r := range 96 {
		copy(cr.Data[r*112:(r+1)*112], x.Data[r*120:r*120+112])
	}
	cp := filepath.Join(dir, "crop.npy")
	if err := datasets.WriteMaps(cp, cr); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "stats", cp, "-J", "4", "--kind", "wst"); code != 0 {
		t.Errorf("the named crop: exit %d: %s", code, tail(errs, 400))
	}
}
