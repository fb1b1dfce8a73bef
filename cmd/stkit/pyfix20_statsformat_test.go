package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestPyfix20StatsFormat: stats' .json and .npz carried no format or
// version (the dataset and model manifests do), and the .npz dropped MAP's
// BUNIT and pixel scale, which the JSON config has (stats I64.fits -o
// x.npz: no bunit, no pixel_scale member). Now the JSON has "format":
// "stkit-stats", "version": 1, and the .npz "format", "format_version"
// (0-d, as "provenance"), "bunit", "pixel_scale" [2] and "pixel_scale_unit"
// equal to the JSON's; a .npy map gives no unit members; --help says so.
func TestPyfix20StatsFormat(t *testing.T) {
	dir := t.TempDir()
	x := stripeMaps(32, 4, []float64{30})
	deg := 1.0 / 12
	fp := physFITS(t, dir, "k.fits", x, celestial("RA---TAN", "DEC--TAN", -deg, deg, datasets.Card{Key: "BUNIT", Value: "K"})...)
	jp, zp := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.npz")
	for _, out := range []string{jp, zp} {
		if code, _, errs := runCLI(t, "stats", fp, "--kind", "scov", "-J", "3", "-o", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", out, code, tail(errs, 600))
		}
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
		Config  struct {
			BUnit      string         `json:"bunit"`
			PixelScale *pixelScaleDoc `json:"pixel_scale"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "stkit-stats" || doc.Version != 1 || !strings.HasPrefix(string(b), "{\n \"format\": \"stkit-stats\",\n \"version\": 1,") {
		t.Errorf("JSON format %q version %d (head %q), want stkit-stats 1 first", doc.Format, doc.Version, string(b[:min(len(b), 60)]))
	}
	str := func(path, name string) (string, []int) {
		t.Helper()
		a, err := datasets.ReadNPZMember(path, name)
		if err != nil {
			t.Fatalf("%s: member %s: %v", path, name, err)
		}
		if a.DType != datasets.StringDType || len(a.Strings) != 1 {
			t.Fatalf("%s: %s is %s %v, want one string", path, name, a.DType, a.Shape)
		}
		return a.Strings[0], a.Shape
	}
	if f, sh := str(zp, "format"); f != "stkit-stats" || len(sh) != 0 {
		t.Errorf("npz format %q shape %v, want \"stkit-stats\" 0-d", f, sh)
	}
	if _, sh := str(zp, "provenance"); len(sh) != 0 {
		t.Errorf("provenance shape %v: format should match it (0-d)", sh)
	}
	if v, err := datasets.ReadNPZMember(zp, "format_version"); err != nil || v.DType != "int64" || len(v.Shape) != 0 || v.Float64[0] != 1 {
		t.Errorf("npz format_version %+v, %v; want int64 0-d 1", v, err)
	}
	if u, _ := str(zp, "bunit"); u != "K" || doc.Config.BUnit != "K" {
		t.Errorf("npz bunit %q, JSON %q; want K", u, doc.Config.BUnit)
	}
	ps, err := datasets.ReadNPZMember(zp, "pixel_scale")
	if err != nil || doc.Config.PixelScale == nil {
		t.Fatalf("pixel_scale: %v, JSON %+v", err, doc.Config.PixelScale)
	}
	if len(ps.Float64) != 2 || math.Abs(ps.Float64[0]-deg) > 1e-12 || math.Abs(ps.Float64[1]-deg) > 1e-12 || ps.Float64[0] != doc.Config.PixelScale.Value {
		t.Errorf("npz pixel_scale %v, want [%g %g] as the JSON's %g", ps.Float64, deg, deg, doc.Config.PixelScale.Value)
	}
	if u, _ := str(zp, "pixel_scale_unit"); u != "deg" || u != doc.Config.PixelScale.Unit {
		t.Errorf("npz pixel_scale_unit %q, JSON %q; want deg", u, doc.Config.PixelScale.Unit)
	}
	// a .npy map: format members, no unit members
	mp := writeTestMap(t, dir, "m.npy", 1)
	zp2 := filepath.Join(dir, "m.npz")
	if code, _, errs := runCLI(t, "stats", mp, "-J", "3", "-o", zp2); code != 0 {
		t.Fatalf("npy map: exit %d: %s", code, tail(errs, 600))
	}
	if f, _ := str(zp2, "format"); f != "stkit-stats" {
		t.Errorf("npy map: format %q", f)
	}
	for _, name := range []string{"bunit", "pixel_scale", "pixel_scale_unit"} {
		if _, err := datasets.ReadNPZMember(zp2, name); err == nil {
			t.Errorf("npy map: member %s present", name)
		}
	}
	_, help, _ := runCLI(t, "stats", "--help")
	_, _, helpErr := runCLI(t, "stats", "--help")
	if h := help + helpErr; !strings.Contains(h, `"format" ("stkit-stats")`) || !strings.Contains(h, `"pixel_scale" float64 [2]`) || !strings.Contains(h, `{"format": "stkit-stats", "version": 1`) {
		t.Error("stats --help does not describe format, version and pixel_scale")
	}
}
