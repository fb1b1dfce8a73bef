package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --skip-nan leaves maps out before the constant-map checks, which
// named the constant map by its index among the maps kept: with map 0 of
// MAP left out for a NaN, its constant map 1 was "map 0", and --cross's
// constant map 1 "the second map of pair 0". The error names the map as
// numbered in the file.
func TestRev2SkipNaNConstantMapIndex(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, vals ...float64) string {
		x := stlayer.NewMaps(len(vals), 32, 32)
		for b, v := range vals {
			for i := range x.Map(b) {
				x.Map(b)[i] = v
				if math.IsNaN(v) || math.IsInf(v, 0) { // a varying map (NaN: with one NaN pixel)
					x.Map(b)[i] = math.Exp(math.Sin(0.4*float64(i/32)+float64(b)) + math.Cos(0.3*float64(i%32)))
				}
			}
			if math.IsNaN(v) {
				x.Map(b)[5] = math.NaN()
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nan, vary := math.NaN(), math.Inf(1)
	nc, nz := write("nc.npy", nan, 0.25), write("nz.npy", nan, 0)
	nv, cc := write("nv.npy", nan, vary), write("cc.npy", 0.5, -1)
	nvz, vv := write("nvz.npy", nan, vary, 0), write("vv.npy", vary, vary)
	for _, k := range []struct {
		name string
		args []string
		want string
	}{
		{"wph norm auto, constant map", []string{"stats", nc, "--skip-nan", "--kind", "wph", "--norm", "auto", "-J", "2"}, nc + ": map 1 is constant (every pixel 0.25)"},
		{"wph norm auto, zero map", []string{"stats", nz, "--skip-nan", "--kind", "wph", "--norm", "auto", "-J", "2"}, nz + ": map 1 is identically zero"},
		{"scov iso, zero map", []string{"stats", nz, "--skip-nan", "--kind", "scov", "--iso", "-J", "2"}, nz + ": map 1 is identically zero"},
		{"scov .npz dict, zero map", []string{"stats", nz, "--skip-nan", "--kind", "scov", "-J", "2", "-o", filepath.Join(dir, "o.npz")}, nz + ": map 1 is identically zero: the .npz dict's"},
		{"--compare, zero map of MAP", []string{"stats", nvz, "--compare", vv, "--skip-nan", "--kind", "wph", "--norm", "auto", "-J", "2"}, nvz + ": map 2 is identically zero"},
		{"cross, constant second map", []string{"stats", nv, "--cross", cc, "--skip-nan", "--kind", "wph", "--norm", "auto", "-J", "2"}, "--cross " + cc + ": the second map of pair 1 is constant (every pixel -1)"},
	} {
		code, _, errs := runCLI(t, k.args...)
		if code != 2 || !strings.Contains(errs, k.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", k.name, code, errs, k.want)
		}
	}
}
