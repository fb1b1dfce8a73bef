package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// patches --skip-nan counted the patches it left out for HEALPix UNSEEN pixels
// (−1.6375e30, finite) as "skipped for non-finite pixels". They are counted
// apart; a patch holding both is a non-finite one. 32² patches every 16
// pixels of a 64² map (9): UNSEEN at (5, 7) is in the patch at (0, 0) and at
// (60, 5) in (32, 0); NaN at (40, 50) is in (16, 32) and (32, 32), which also
// hold the UNSEEN pixel at (45, 52).
func TestPatchesSkipNaNCountsUnseenApart(t *testing.T) {
	dir := t.TempDir()
	a := &datasets.Array{DType: "float64", Shape: []int{64, 64}, Float64: make([]float64, 64*64)}
	for i := range a.Float64 {
		a.Float64[i] = float64((i*7919)%113) / 113
	}
	const unseen = -1.6375e30
	a.Float64[5*64+7], a.Float64[60*64+5], a.Float64[45*64+52] = unseen, unseen, unseen
	a.Float64[40*64+50] = math.NaN()
	m := filepath.Join(dir, "mixed.npy")
	if err := datasets.WriteNPY(m, a); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "patches", m, "-o", filepath.Join(dir, "ds"), "--size", "32", "--stride", "16", "--kind", "wst", "-J", "2", "--skip-nan")
	if want := "patches: note: 5 patches from 1 source (2 skipped for non-finite pixels, 2 for UNSEEN pixels)"; code != 0 || !strings.Contains(errs, want) {
		t.Errorf("--skip-nan: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	f, err := datasets.LoadFeatures(filepath.Join(dir, "ds"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Manifest.N != 5 {
		t.Errorf("dataset holds %d patches, want 5", f.Manifest.N)
	}
}
