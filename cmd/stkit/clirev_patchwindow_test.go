package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// patches refused a bad --window or --alpha with datasets' messages, which name
// neither flag: "unknown window \"hann\" (want none or tukey)", "Tukey window
// parameter 1.5 is outside [0, 1]". They name the flag, the range and the
// remedy now (exit 2, nothing written); α = 1 (Hann) is accepted.
func TestPatchesWindowFlagsNamed(t *testing.T) {
	dir := t.TempDir()
	g, err := datasets.GaussianRandomField(32, 32, -2, 1)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(src, &stlayer.Maps{B: 1, M: 32, N: 32, Data: g}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--window", "hann"}, `--window: unknown window "hann" (want none or tukey; a Hann window is --window tukey --alpha 1)`},
		{[]string{"--window", "tukey", "--alpha", "1.5"}, "--alpha 1.5 is outside [0, 1]: the Tukey window's α is the tapered fraction of the patch, in (0, 1]"},
		{[]string{"--window", "tukey", "--alpha", "-0.5"}, "--alpha -0.5 is outside [0, 1]: the Tukey window's α"},
		{[]string{"--window", "tukey", "--alpha", "NaN"}, "--alpha NaN is outside [0, 1]: the Tukey window's α"},
	} {
		out := filepath.Join(dir, "ds-bad")
		code, _, errs := runCLI(t, append([]string{"patches", src, "-o", out, "--size", "16"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, tail(errs, 300), c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: %s was created", c.args, out)
		}
	}
	out := filepath.Join(dir, "ds")
	if code, _, errs := runCLI(t, "patches", src, "-o", out, "--size", "16", "--window", "tukey", "--alpha", "1"); code != 0 {
		t.Fatalf("--window tukey --alpha 1: exit %d: %s", code, tail(errs, 300))
	}
	m, err := datasets.ReadManifest(out)
	if err != nil || m == nil || m.Patch.Window != "tukey" || m.Patch.Alpha != 1 {
		t.Errorf("manifest patch config %+v (err %v), want window tukey, alpha 1", m, err)
	}
}

// patches' --stride and --max-per-source were refused with datasets' messages,
// "patch stride -3 is negative (0 = half the patch size)" and "at most -1 patches
// per source: want ≥ 0 (0 = all)", naming no flag; a one-patch dataset was
// reported as "(1 patches × 81 features)".
func TestPatchesStrideMaxNamedAndCount(t *testing.T) {
	dir := t.TempDir()
	g, err := datasets.GaussianRandomField(32, 32, -2, 2)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(src, &stlayer.Maps{B: 1, M: 32, N: 32, Data: g}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--stride", "-3"}, "--stride -3: patch stride -3 is negative"},
		{[]string{"--max-per-source", "-1"}, "--max-per-source -1: want ≥ 0 patches per source file (0 = all)"},
	} {
		code, _, errs := runCLI(t, append([]string{"patches", src, "-o", filepath.Join(dir, "bad"), "--size", "16"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, tail(errs, 300), c.want)
		}
	}
	out := filepath.Join(dir, "one")
	code, _, errs := runCLI(t, "patches", src, "-o", out, "--size", "16", "--max-per-source", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 300))
	}
	m, err := datasets.ReadManifest(out)
	if err != nil || m == nil || m.N != 1 {
		t.Fatalf("manifest %+v, err %v: want 1 patch", m, err)
	}
	if want := "patches: wrote " + out + " (1 patch × " + plural(m.Dim, "feature") + ")"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, tail(errs, 300))
	}
}
