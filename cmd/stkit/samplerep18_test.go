package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
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
