package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// TestRev3PatchRefineErrorKeepsSeparation: a refinement that fails (not a
// Ctrl-C) after a finished separation used to return its error with no maps
// written, the separation lost; the finished separation's maps now go to
// OUT's partial file (as any run stopped by an error), the error saying so
// (exit 2 still for the refinement's input errors).
// Checkerboard contaminant samples (4 maps, amplitudes 0.1–0.4) pass the ST
// separation but give the prior fitted on them fewer distinct sub-patches
// than K.
func TestRev3PatchRefineErrorKeepsSeparation(t *testing.T) {
	dir := t.TempDir()
	data, _, _ := sepInputs(t, dir)
	cs := stlayer.NewMaps(4, 32, 32)
	for b := 0; b < cs.B; b++ {
		m := cs.Map(b)
		for i := 0; i < 32; i++ {
			for j := 0; j < 32; j++ {
				m[i*32+j] = 0.1 * float64(b+1) * float64(1-2*((i+j)%2))
			}
		}
	}
	samples := filepath.Join(dir, "cb.npy")
	if err := datasets.WriteMaps(samples, cs); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.npy")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "-o", out, "--patch-refine")
	if code != 2 || !strings.Contains(errs, "patch refinement: prior of the contaminant samples") || !strings.Contains(errs, "the maps written are the finished separation's, not refined") {
		t.Fatalf("exit %d, want 2 and the refinement's error:\n%s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("OUT written by a failed refinement")
	}
	part, err := datasets.ReadMaps(filepath.Join(dir, "out.partial.npy"))
	if err != nil {
		t.Fatalf("the finished separation's maps are lost: %v\n%s", err, errs)
	}
	if part.B != 2 || part.M != 32 || part.N != 32 {
		t.Fatalf("partial file [%d, %d, %d], want [2, 32, 32]", part.B, part.M, part.N)
	}
	if !strings.Contains(errs, "wrote the maps reached before the error to "+filepath.Join(dir, "out.partial.npy")) {
		t.Errorf("the error does not name the partial file:\n%s", errs)
	}
}
