package main

import (
	"math"
	"strings"
	"testing"
)

// --skip-nan with --paired left out a NaN map of A only, then refused the
// 3 maps against 4 advising to leave --paired out (an unpaired analysis).
// It now leaves out the pair, as with --cross and --imag, and says so.
func TestCmpalike20SkipNaNPaired(t *testing.T) {
	dir := t.TempDir()
	a := cmpsetMaps(t, dir, "a.npy", 4, 1, 1, 1)
	b := cmpsetMaps(t, dir, "b.npy", 4, 21, 1, 1)
	an := cmpalikeVariant(t, a, dir, "anan.npy", func(k, _, _ int, x []float64) []float64 {
		if k == 1 {
			x[5] = math.NaN()
		}
		return x
	})
	_, errs, d := cmpsetRun(t, an, "--compare", b, "--kind", "wst", "-J", "3", "--skip-nan", "--paired")
	if !d.Paired || d.Nu != 2 || !strings.Contains(errs, "left out 1 of the 4 maps of MAP "+an+" and --compare "+b) || !strings.Contains(errs, "anan.npy map 1: 1 pixel non-finite") {
		t.Errorf("paired: ν %d (want 2: 3 pairs), paired %v\n%s", d.Nu, d.Paired, errs)
	}
	// unpaired: A loses its map, B keeps its 4
	_, errs, d = cmpsetRun(t, an, "--compare", b, "--kind", "wst", "-J", "3", "--skip-nan")
	if d.Nu != 5 || !strings.Contains(errs, "left out 1 of the 4 maps of MAP "+an+",") {
		t.Errorf("unpaired: ν %d (want 5: 3 + 4 maps)\n%s", d.Nu, errs)
	}
}
