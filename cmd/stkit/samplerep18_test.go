package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// TestSamplerep18GeoZNote: stkit sample's report line printed "max 13.8
// standard errors per bin" beside the verdict "within the sampling noise"
// (one tile: the standard error left out the tile's own scatter). The
// figure now comes from GeometricPSCompare with that scatter counted, and
// the line says what it is and, for one tile, whose scatter stands in for
// the tile's; with no standard error it says nothing.
func TestSamplerep18GeoZNote(t *testing.T) {
	one, two := stlayer.NewMaps(1, 16, 16), stlayer.NewMaps(3, 16, 16)
	for i := range one.Data {
		one.Data[i] = float64((i*7)%11) - 5
	}
	for i := range two.Data {
		two.Data[i] = float64((i*5)%13) - 6 + 0.1*float64(i/256)
	}
	g := infer.GeometricPSCompare(one, two)
	s := geoZNote(g)
	for _, w := range []string{
		" (bin furthest off: ",
		" standard errors of the tiles' against the patches' mean log P, both sets' map-to-map scatter counted; one tile: its scatter taken as the patches')",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("one tile: %q lacks %q", s, w)
		}
	}
	if strings.Contains(s, "per bin") || g.MaxZ <= 0 {
		t.Errorf("one tile: %q (MaxZ %g)", s, g.MaxZ)
	}
	if s := geoZNote(infer.GeometricPSCompare(two, two)); strings.Contains(s, "one tile") || !strings.Contains(s, "0.0 standard errors") {
		t.Errorf("three tiles: %q", s)
	}
	if s := geoZNote(infer.GeometricPSCompare(one, one)); s != "" {
		t.Errorf("one map each (no standard error): %q, want \"\"", s)
	}
	if s := geoZNote(infer.GeometricPS{}); s != "" {
		t.Errorf("no bins: %q, want \"\"", s)
	}
}

// TestSamplerep18SampleLine: stkit sample -n 1 --report (one tile) prints
// the geometric-mean figure with the tile's scatter stood in by the
// patches', and metrics.json records whose scatter the standard error
// counts (settings.geometric_ps.log_ratio_standard_error_scatter).
func TestSamplerep18SampleLine(t *testing.T) {
	dir := modelsFixture(t)
	out := t.TempDir()
	rep := filepath.Join(out, "rep")
	code, _, errs := runCLI(t, "sample", filepath.Join(dir, "models"), "--component", "0", "-n", "1", "--steps", "2", "-o", filepath.Join(out, "s.npy"), "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	t.Log(errs)
	if !strings.Contains(errs, "standard errors of the tiles' against the patches' mean log P, both sets' map-to-map scatter counted; one tile: its scatter taken as the patches')") || strings.Contains(errs, "standard errors per bin") {
		t.Errorf("report line:\n%s", errs)
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Settings struct {
			Geo infer.GeometricPS `json:"geometric_ps"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if g := m.Settings.Geo; g.SEScatter != infer.GeoSESynthFromTarget || len(g.SE) == 0 || !strings.Contains(errs, fmt.Sprintf("bin furthest off: %.1f standard errors", g.MaxZ)) {
		t.Errorf("metrics.json geometric_ps %+v; stderr:\n%s", g, errs)
	}
}

// TestSamplerep18MosaicRowNote: the cluster mosaic draws each patch with
// row 0 at the bottom (plotx.MapPanel) but, without colour bars, carried
// no "row 0 at bottom" note as the other maps do; its title now says it.
// An 8×8 patch whose row 0 alone is bright is drawn with its yellow
// (viridis top) pixels below its purple ones.
func TestSamplerep18MosaicRowNote(t *testing.T) {
	if !strings.HasSuffix(mosaicTitle, "colour scale, row 0 at bottom)") {
		t.Errorf("mosaic title %q does not say row 0 is at the bottom", mosaicTitle)
	}
	const n = 8
	px := make([]float64, n*n)
	for j := 0; j < n; j++ {
		px[j] = 1 // row 0
	}
	path := filepath.Join(t.TempDir(), "mosaic.png")
	if err := plotMosaic(path, func(int) []float64 { return px }, n, [][]int{{0}}, []float32{0.9}, []int{1}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	near := func(c color.Color, w color.RGBA) bool {
		r, g, b, _ := c.RGBA()
		d := func(a uint32, x uint8) bool { return math.Abs(float64(a>>8)-float64(x)) <= 6 }
		return d(r, w.R) && d(g, w.G) && d(b, w.B)
	}
	hi, lo := plotx.Viridis(1), plotx.Viridis(0)
	var yHi, yLo, nHi, nLo float64
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			switch c := img.At(x, y); {
			case near(c, hi):
				yHi, nHi = yHi+float64(y), nHi+1
			case near(c, lo):
				yLo, nLo = yLo+float64(y), nLo+1
			}
		}
	}
	if nHi == 0 || nLo == 0 || nLo < 5*nHi || nLo > 9*nHi {
		t.Fatalf("%g bright and %g dark pixels, want about 1 : 7", nHi, nLo)
	}
	t.Logf("bright %g at y %.0f, dark %g at y %.0f", nHi, yHi/nHi, nLo, yLo/nLo)
	if yHi/nHi <= yLo/nLo {
		t.Errorf("row 0 (bright) drawn at mean image y %.0f, the other rows at %.0f: not at the bottom", yHi/nHi, yLo/nLo)
	}
}
