package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --kind wph --norm auto --cross exited 0 when MAP or the --cross map
// was constant (session 22 refused a constant reference for single maps
// only): 32² white noise with --cross a map of 0.001 (or of 0) printed
// S11(j1=0,l1=0) = 0.645, |C| up to 0.78, the correlation of MAP with the
// round-off of the constant map's wavelet transform (--norm none: 1e-17).
// It is refused now (exit 2), named by the file that is constant (MAP or
// --cross FILE); a set in which one MAP and one --cross map vary is not.
func TestFixb23StatsCrossConstant(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, vals ...float64) string {
		x := stlayer.NewMaps(len(vals), 32, 32)
		for b, v := range vals {
			for i := range x.Map(b) {
				x.Map(b)[i] = v
				if math.IsNaN(v) { // a varying map
					x.Map(b)[i] = math.Exp(math.Sin(0.4*float64(i/32)+float64(b)) + math.Cos(0.3*float64(i%32)))
				}
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nan := math.NaN()
	v, c, z := write("v.npy", nan), write("c.npy", 0.001), write("z.npy", 0)
	const why = " is undefined on it (the map is its own reference, and the pair's maps are normalised apart: the σ that norm auto divides its factors by is 0 (counted as 1) or round-off, so every cross moment correlates the other map with round-off"
	args := []string{"--kind", "wph", "--norm", "auto", "-J", "3"}
	for _, k := range []struct{ name, mapArg, cross, want string }{
		{"constant MAP", c, v, c + ": the first map of pair 0 is constant (every pixel 0.001): wph with norm auto" + why},
		{"constant --cross", v, c, "--cross " + c + ": the second map of pair 0 is constant (every pixel 0.001): wph with norm auto" + why},
		{"zero --cross", v, z, "--cross " + z + ": the second map of pair 0 is identically zero: wph with norm auto" + why},
	} {
		code, out, errs := runCLI(t, append([]string{"stats", k.mapArg, "--cross", k.cross}, args...)...)
		if code != 2 || out != "" || !strings.Contains(errs, k.want) {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr %q; want exit 2 and %q", k.name, code, len(out), errs, k.want)
		}
	}
	// defined: one varying map on each side of the pairs
	a, b := write("a.npy", 0.001, nan), write("b.npy", nan, 0.002)
	code, out, errs := runCLI(t, append([]string{"stats", a, "--cross", b}, args...)...)
	if code != 0 || !strings.Contains(out, "S11(j1=0,l1=0,p1=1,j2=0,l2=0,p2=1") {
		t.Errorf("one varying map each side: exit %d, stderr %q", code, errs)
	}
	// norm none is finite on a constant map and stays accepted
	if code, _, errs := runCLI(t, "stats", v, "--cross", c, "--kind", "wph", "-J", "3"); code != 0 {
		t.Errorf("norm none: exit %d, stderr %q", code, errs)
	}
}
