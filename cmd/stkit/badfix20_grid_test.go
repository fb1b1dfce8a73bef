package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// patches --grid-offset auto without --skip-nan on a 64² map with NaN in
// row 0 and column 63 (--size 32 --stride 16) chose 0,0 (4 NaN-free
// patches, 5 with NaN) and failed with exit 2; 1,1 keeps 4 patches, none
// with NaN. Now auto picks among the grids without a NaN patch: 1,1, exit
// 0, 4 patches; with --skip-nan, 0,0 as before (as many NaN-free patches,
// first in order).
// With NaN everywhere a grid reaches, the run still fails naming a patch.
func TestBadfix20GridOffsetAutoClean(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.LogNormalField(64, 64, -2.5, 0.8, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 64; i++ {
		x[i] = math.NaN()       // row 0
		x[i*64+63] = math.NaN() // column 63
	}
	m := stlayer.NewMaps(1, 64, 64)
	copy(m.Data, x)
	in := filepath.Join(dir, "edge.npy")
	if err := datasets.WriteMaps(in, m); err != nil {
		t.Fatal(err)
	}
	src := []datasets.Source{{Name: "edge", Maps: m}}
	counts := gridCounts(src, 32, 16, 0)
	clean, ok := cleanGridCounts(src, 32, 16, 0, counts)
	if counts[0] != 4 || counts[1*16+1] != 4 || !ok || clean[0] != -1 || clean[1*16+1] != 4 {
		t.Fatalf("counts at 0,0 and 1,1: %d %d; clean %v %d %d", counts[0], counts[17], ok, clean[0], clean[17])
	}
	if o, n := bestOffset(clean, 16); o != (gridOffset{1, 1}) || n != 4 {
		t.Fatalf("bestOffset of the clean grids: %+v %d, want 1,1 4", o, n)
	}
	code, _, errs := runCLI(t, "patches", in, "--size", "32", "--stride", "16", "-J", "2", "--grid-offset", "auto", "-o", filepath.Join(dir, "ga"))
	if code != 0 || !strings.Contains(errs, "the grid starts at row 1, column 1") || !strings.Contains(errs, "4 patches without NaN") || !strings.Contains(errs, "the grid at 0,0 holds a patch with NaN") {
		t.Fatalf("auto: exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "patches", in, "--size", "32", "--stride", "16", "-J", "2", "--grid-offset", "auto", "--skip-nan", "-o", filepath.Join(dir, "gs"))
	if code != 0 || !strings.Contains(errs, "the grid starts at row 0, column 0") || !strings.Contains(errs, "5 skipped") {
		t.Fatalf("auto --skip-nan: exit %d: %s", code, errs)
	}
	for i := range m.Data {
		if (i/64)%8 == 0 {
			m.Data[i] = math.NaN() // every 8th row: every 32² patch holds NaN
		}
	}
	if err := datasets.WriteMaps(in, m); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "patches", in, "--size", "32", "--stride", "16", "-J", "2", "--grid-offset", "auto", "-o", filepath.Join(dir, "gn"))
	if code != 2 || !strings.Contains(errs, "non-finite") {
		t.Fatalf("no clean grid: exit %d: %s", code, errs)
	}
}
