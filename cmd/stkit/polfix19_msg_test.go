package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPolfix19PairedSetNames: a --compare-imag whose maps do not pair with
// --compare's names --compare, not MAP (pol's report: stats Qs.fits --imag
// Us.fits --kind wph -J 4 --compare 'Qsc.fits[*,*,1:3]' --compare-imag
// Usc.fits said "MAP has [3, 512, 512]", --compare's shape); MAP against
// --imag still says MAP.
func TestPolfix19PairedSetNames(t *testing.T) {
	dir := t.TempDir()
	w := func(name string, b int, f float64) string {
		deg := make([]float64, b)
		for i := range deg {
			deg[i] = 20 * float64(i)
		}
		return writeAnisoMaps(t, filepath.Join(dir, name), stripeMaps(32, f, deg))
	}
	q, u := w("q.npy", 2, 3), w("u.npy", 2, 4)
	qc, uc := w("qc.npy", 3, 5), w("uc.npy", 4, 6)
	code, _, errs := runCLI(t, "stats", q, "--imag", u, "--kind", "wph", "-J", "2", "--compare", qc, "--compare-imag", uc)
	want := "--compare-imag " + uc + " has shape [4, 32, 32], --compare has [3, 32, 32]"
	if code != 2 || !strings.Contains(errs, want) || strings.Contains(errs, "MAP has") {
		t.Errorf("exit %d, stderr %q; want %q", code, tail(errs, 300), want)
	}
	code, _, errs = runCLI(t, "stats", q, "--imag", uc, "--kind", "wph", "-J", "2")
	if want := "--imag " + uc + " has shape [4, 32, 32], MAP has [2, 32, 32]"; code != 2 || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stderr %q; want %q", code, tail(errs, 300), want)
	}
}
