package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// The crop-window notes of sample and separate --models name the window of
// the models' own cut: a dataset built with --pad crop --cut 0.25 at J = 3
// cuts ⌊0.25·8⌋ = 2 pixels per side, not the default ⌊8/2⌋ = 4.
func TestModelCropNotesFollowCut(t *testing.T) {
	dir := t.TempDir()
	m, models := cropModels(t, dir, 70, "--cut", "0.25")
	code, _, errs := runCLI(t, "sample", models, "--component", "0", "--steps", "1", "-o", filepath.Join(dir, "s.npy"))
	if code != 0 {
		t.Fatalf("sample: exit %d: %s", code, tail(errs, 800))
	}
	if want := "2 pixels in from its edges (rows [2, 30) and columns [2, 30) of this one-tile map"; !strings.Contains(errs, want) {
		t.Errorf("sample note does not name the cut 0.25 window %q:\n%s", want, errs)
	}
	d := filepath.Join(dir, "d.npy")
	dm := stlayer.NewMaps(1, 32, 32)
	for r := 0; r < 32; r++ {
		copy(dm.Data[r*32:(r+1)*32], m.Map(0)[r*64:r*64+32])
	}
	if err := datasets.WriteMaps(d, dm); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "separate", d, "-o", filepath.Join(dir, "sep.npy"), "--models", models, "--components", "0,1", "--steps", "0,1")
	if code != 0 {
		t.Fatalf("separate --models: exit %d: %s", code, tail(errs, 800))
	}
	if want := "[2, 30)"; !strings.Contains(errs, want) || strings.Contains(errs, "[4, 28)") {
		t.Errorf("separate --models note does not name the cut 0.25 window %s:\n%s", want, errs)
	}
}
