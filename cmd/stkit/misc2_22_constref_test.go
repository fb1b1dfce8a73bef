package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stats --compare with --kind wph --norm auto on two sets whose maps are all
// constant (A: 0.001, 0.002, 0.003; B: 0.01, 0.02, 0.05 on 32²) exited 0
// with χ²/dof = 0.83 over 4 dof of round-off ratios (the pooled
// reference's σ is 0 or round-off; L up to |z| 1.38), and synth --kind wph --norm auto --ps 0 on a constant target
// ran its L-BFGS on such ratios. stats.BuildWithRef refuses the reference
// now (misc2, session 22); both commands say so with the files named, exit 2.
func TestMisc2ConstantRefCompareSynth(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, vals ...float64) string {
		x := stlayer.NewMaps(len(vals), 32, 32)
		for b, v := range vals {
			for i := range x.Map(b) {
				x.Map(b)[i] = v
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, x); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := write("a.npy", 0.001, 0.002, 0.003), write("b.npy", 0.01, 0.02, 0.05)
	const tail = ": the σ that norm auto divides by is 0 (counted as 1) or round-off, so its coefficients are ratios of round-off (up to 2.9 on a 64² map of 0.001), not a shape; a reference with maps that vary is defined); give maps that vary"
	for _, ref := range []string{"pooled", "each"} {
		code, out, errs := runCLI(t, "stats", a, "--compare", b, "--compare-ref", ref, "--kind", "wph", "--norm", "auto", "-J", "2", "--permutations", "0")
		want := "MAP " + a + ": map 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (every map of MAP " + a + " and --compare " + b + " is constant, so neither their pooled reference (--compare-ref pooled) nor each map's own (--compare-ref each) varies" + tail
		if code != 2 || out != "" || !strings.Contains(errs, want) {
			t.Errorf("--compare-ref %s: exit %d, stdout %d bytes, stderr %q; want exit 2 and %q", ref, code, len(out), errs, want)
		}
	}
	for _, c := range []struct{ target, why string }{
		{a, "the target is the reference of norm auto, and every map of it is constant"},
		{write("one.npy", 0.001), "the target map is the reference of norm auto"},
	} {
		code, _, errs := runCLI(t, "synth", c.target, "--kind", "wph", "--norm", "auto", "-J", "2", "--ps", "0", "--steps", "2", "-o", filepath.Join(dir, "s.npy"))
		want := c.target + ": map 0 is constant (every pixel 0.001): wph with norm auto is undefined on it (" + c.why + tail
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("synth %s: exit %d, stderr %q; want exit 2 and %q", filepath.Base(c.target), code, errs, want)
		}
	}
	// a set with one varying map: the pooled reference is defined
	v := stlayer.NewMaps(2, 32, 32)
	for i := range v.Data {
		v.Data[i] = float64(i%7) * 0.01
	}
	vp := filepath.Join(dir, "v.npy")
	if err := datasets.WriteMaps(vp, v); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "stats", a, "--compare", vp, "--kind", "wph", "--norm", "auto", "-J", "2", "--permutations", "0"); code != 0 {
		t.Errorf("constant A, varying B, pooled: exit %d, stderr %q", code, errs)
	}
}
