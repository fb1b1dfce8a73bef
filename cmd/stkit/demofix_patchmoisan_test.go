package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestPatchesWindowMoisan: patches refused --window moisan ('unknown window
// "moisan" (want none or tukey …)') though datasets cuts such patches (each
// replaced by its periodic component, PatchConfig.Window "moisan"). It
// takes it: every patch is the periodic component of the --window none
// patch at the same place (datasets.PeriodicComponent, to patches.npy's float32 rounding, 1e-6), the mean
// is kept, the manifest records window moisan with no α, and --alpha with
// it is refused (exit 2, nothing written) as with --window none.
func TestPatchesWindowMoisan(t *testing.T) {
	dir := t.TempDir()
	g, err := datasets.GaussianRandomField(48, 48, -3, 3)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "m.npy")
	if err := datasets.WriteMaps(src, &stlayer.Maps{B: 1, M: 48, N: 48, Data: g}); err != nil {
		t.Fatal(err)
	}
	load := func(window string) *datasets.Features {
		out := filepath.Join(dir, "ds-"+window)
		if code, _, errs := runCLI(t, "patches", src, "-o", out, "--size", "16", "--window", window); code != 0 {
			t.Fatalf("--window %s: exit %d: %s", window, code, tail(errs, 300))
		}
		f, err := datasets.LoadFeatures(out)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	raw, per := load("none"), load("moisan")
	if m := per.Manifest.Patch; m.Window != "moisan" || m.Alpha != 0 {
		t.Errorf("manifest patch config window %q α %g, want moisan and 0", m.Window, m.Alpha)
	}
	n := len(raw.Patches.Patches)
	if n != 25 || len(per.Patches.Patches) != n {
		t.Fatalf("%d raw and %d moisan patches, want 25 each (16² every 8 pixels of 48²: 5 × 5)", n, len(per.Patches.Patches))
	}
	want, err := datasets.PeriodicComponent(raw.Patches.Maps(0, n))
	if err != nil {
		t.Fatal(err)
	}
	got := per.Patches.Maps(0, n)
	for b := 0; b < n; b++ {
		var mr, mp float64
		for i, v := range got.Map(b) {
			if d := math.Abs(v - want.Map(b)[i]); d > 1e-6*math.Max(1, math.Abs(v)) {
				t.Fatalf("patch %d pixel %d: %g, periodic component of the raw patch %g", b, i, v, want.Map(b)[i])
			}
			mr += raw.Patches.Maps(b, b+1).Data[i]
			mp += v
		}
		if math.Abs(mr-mp) > 1e-4 {
			t.Errorf("patch %d: pixel sum %g, raw %g: the mean is not kept", b, mp, mr)
		}
	}
	bad := filepath.Join(dir, "ds-bad")
	code, _, errs := runCLI(t, "patches", src, "-o", bad, "--size", "16", "--window", "moisan", "--alpha", "0.5")
	if want := `--alpha 0.5 is the Tukey window's parameter, but the window is "moisan"`; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("--window moisan --alpha 0.5: exit %d, %q; want exit 2 and %q", code, tail(errs, 300), want)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Errorf("--window moisan --alpha 0.5: %s was created", bad)
	}
	code, errs, _ = runCLI(t, "patches", "--help") // help asked for: on stdout
	if !strings.Contains(errs, "none, tukey or moisan (each patch replaced by its periodic component, Moisan 2011") {
		t.Errorf("patches --help (exit %d) does not list --window moisan: %s", code, tail(errs, 2000))
	}
}
