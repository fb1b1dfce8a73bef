package main

import (
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// A Tukey window with α 0 is datasets' default α = 0.3 (CutPatches), and a
// dataset built through the library with α unset records 0 in its manifest:
// windowName said "a Tukey window (α = 0)", so clusters warned that a dataset
// cut with --window tukey --alpha 0.3 had another window than such a run's,
// and train --resume named two windows that are the same. α 0 now reads 0.3.
func TestWindowNameTukeyDefaultAlpha(t *testing.T) {
	zero := datasets.PatchConfig{Size: 32, Window: "tukey"}
	cli := datasets.PatchConfig{Size: 32, Window: "tukey", Alpha: 0.3}
	if got, want := windowName(zero), "a Tukey window (α = 0.3)"; got != want {
		t.Errorf("windowName(tukey, α 0) = %q, want %q", got, want)
	}
	if note := patchWindowNote(zero, cli); note != "" {
		t.Errorf("patchWindowNote(α 0, α 0.3) = %q, want none", note)
	}
	if note := patchWindowNote(zero, datasets.PatchConfig{Size: 32, Window: "tukey", Alpha: 1}); note == "" {
		t.Errorf("patchWindowNote(α 0, α 1) is empty, want the warning")
	}
}
