package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth --pad crop (non-periodic scov) says which window the statistics
// constrain and that the border of the syntheses is only weakly constrained.
func TestSynthPadCropNote(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.GaussianRandomField(32, 32, -3, 5)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(target, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.npy")
	code, _, errs := runCLI(t, "synth", target, "-J", "3", "--pad", "crop", "--preset", "cheng", "--steps", "2", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	const want = "synth: --pad crop: the statistics are means over rows [4, 28) and columns [4, 28); the 4-pixel border is only weakly constrained (it keeps much of its starting values): use the interior x[:, 4:28, 4:28]"
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, tail(errs, 800))
	}
	if code, _, errs := runCLI(t, "synth", target, "-J", "3", "--preset", "cheng", "--steps", "2", "-o", out); code != 0 || strings.Contains(errs, "--pad crop") {
		t.Errorf("periodic synth: exit %d, note present: %s", code, tail(errs, 400))
	}
}
