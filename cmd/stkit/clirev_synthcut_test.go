package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// synth --pad crop names the window its statistics average over; it computed
// c = ⌊2^J/2⌋ whatever --cut, so --cut 0.25 at J = 4 said "rows [8, 24)"
// where the statistic (stats.Spec.CutPixels) averages over rows [4, 28).
// --help gives the rule with --cut, and lists spectra among the crop families.
func TestSynthCropWindowFollowsCut(t *testing.T) {
	dir := t.TempDir()
	const n = 32
	g, err := datasets.GaussianRandomField(n, n, -2, 3)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(target, &stlayer.Maps{B: 1, M: n, N: n, Data: g}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind string
		cut  string
	}{{"scov", ""}, {"scov", "0.25"}, {"spectra", "0.75"}} {
		args := []string{"--engine", "cpu", "synth", target, "--kind", c.kind, "-J", "4", "--pad", "crop", "--steps", "1", "-o", filepath.Join(dir, "s.npy")}
		spec := stats.Spec{Kind: stats.Kind(c.kind), J: 4, Pad: "crop"}
		if c.cut != "" {
			args = append(args, "--cut", c.cut)
			fmt.Sscan(c.cut, &spec.Cut)
		}
		px := spec.WithDefaults(n, n).CutPixels()
		if want := map[string]int{"": 8, "0.25": 4, "0.75": 12}[c.cut]; px != want {
			t.Fatalf("CutPixels %d for --cut %q, want %d", px, c.cut, want)
		}
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("--kind %s --cut %q: exit %d: %s", c.kind, c.cut, code, tail(errs, 600))
		}
		want := fmt.Sprintf("means over rows [%d, %d) and columns [%d, %d); the %d-pixel border", px, n-px, px, n-px, px)
		if !strings.Contains(errs, want) || !strings.Contains(errs, fmt.Sprintf("x[:, %d:%d, %d:%d]", px, n-px, px, n-px)) {
			t.Errorf("--kind %s --cut %q: stderr lacks %q:\n%s", c.kind, c.cut, want, tail(errs, 800))
		}
	}
	_, help, _ := runCLI(t, "synth", "--help")
	help = strings.Join(strings.Fields(help), " ")
	for _, s := range []string{"--pad crop (scov, spectra, wph)", "c = ⌊cut·2^J⌋ pixels in from each edge (--cut, default 1/2: ⌊2^J/2⌋)"} {
		if !strings.Contains(help, s) {
			t.Errorf("synth --help lacks %q", s)
		}
	}
}
