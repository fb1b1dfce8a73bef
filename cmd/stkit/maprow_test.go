package main

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// The demo's processes.png (plotMapRow) was 3.3 in tall for a row of square
// 3 in panels, leaving an empty band under the maps; the row is now
// plotx.MapRowHeight tall (3.0 in for square maps), 9 × 3 in for three maps.
func TestPlotMapRowHeight(t *testing.T) {
	m := stlayer.NewMaps(3, 64, 64)
	for i := 0; i < 3; i++ {
		x, err := datasets.GaussianRandomField(64, 64, -3, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), x)
	}
	path := filepath.Join(t.TempDir(), "row.png")
	if err := plotMapRow(path, m, func(int) string { return "gaussian" }); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if r := float64(cfg.Height) / float64(cfg.Width); math.Abs(r-3.0/9) > 0.01 {
		t.Errorf("processes row %d×%d px: height/width %.3f, want 3/9", cfg.Width, cfg.Height, r)
	}
}
