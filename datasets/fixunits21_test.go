package datasets

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Row i of a WCS's linear transformation is in CUNITi. PixelScaleCards took
// the column norms √(CD1_j² + CD2_j²) as they were, so a header with
// CUNIT1 = 'deg', CUNIT2 = 'arcsec' (1″ pixels rotated by 30°) gave
// CDELT1 = −0.5000 deg and CDELT2 = 0.8660 arcsec, and PixelScaleOf
// "30 × 51.96 arcmin"; without rotation, "0.0002778 × 1 deg" (the arcsec
// read as deg). Two angular units are now made CUNIT1's first: 1 arcsec
// both ways. Units that are not both angles are kept per axis without
// rotation terms, no scale with them; PixelScaleOf gives none for them.
func TestFixunits21MixedCUNIT(t *testing.T) {
	r := 30 * math.Pi / 180
	c, s := math.Cos(r), math.Sin(r)
	d1, d2 := -1.0/3600, 1.0 // deg, arcsec
	rotated := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CUNIT1", Value: "deg"}, {Key: "CUNIT2", Value: "arcsec"},
		{Key: "CD1_1", Value: d1 * c}, {Key: "CD1_2", Value: -d1 * s},
		{Key: "CD2_1", Value: d2 * s}, {Key: "CD2_2", Value: d2 * c},
	}
	p := filepath.Join(t.TempDir(), "m.fits")
	if err := WriteFITS(p, &Array{Shape: []int{4, 4}, DType: "float64", Float64: make([]float64, 16)}, rotated...); err != nil {
		t.Fatal(err)
	}
	_, hdr, err := ReadMapsHeader(p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, k := range PixelScaleCards(hdr) {
		got[k.Key] = k.Value
	}
	x, _ := got["CDELT1"].(float64)
	y, _ := got["CDELT2"].(float64)
	if math.Abs(x+1.0/3600) > 1e-12 || math.Abs(y-1.0/3600) > 1e-12 || got["CUNIT1"] != "deg" || got["CUNIT2"] != "deg" || len(got) != 4 {
		t.Errorf("CD, deg and arcsec rotated 30°: %v, want CDELT1 -0.000277…, CDELT2 0.000277…, both deg", got)
	}
	if s := PixelScaleOf(hdr).String(); s != "1 arcsec" {
		t.Errorf("PixelScaleOf: %s, want 1 arcsec", s)
	}
	// PC form, CUNIT2 in mas, CUNIT1 in arcmin: 2 mas both ways
	pcForm := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CUNIT1", Value: "arcmin"}, {Key: "CUNIT2", Value: "MAS"},
		{Key: "CDELT1", Value: -2e-3 / 60}, {Key: "CDELT2", Value: 2.0},
		{Key: "PC1_1", Value: c}, {Key: "PC1_2", Value: -s}, {Key: "PC2_1", Value: s}, {Key: "PC2_2", Value: c},
	}
	if ps := PixelScaleOf(pcForm); ps == nil || ps.Unit != "arcmin" || math.Abs(ps.X-2e-3/60) > 1e-15 || math.Abs(ps.Y-2e-3/60) > 1e-15 {
		t.Errorf("PC, arcmin and MAS: %+v, want 3.333e-05 arcmin both ways", ps)
	}
	// unrotated, CDELT only: 1 arcsec, not 1 deg, along the rows
	plain := []Card{rotated[0], rotated[1], rotated[2], rotated[3], {Key: "CDELT1", Value: d1}, {Key: "CDELT2", Value: d2}}
	if s := PixelScaleOf(plain).String(); s != "1 arcsec" {
		t.Errorf("CDELT, deg and arcsec: %s, want 1 arcsec", s)
	}
	// a position–velocity map: deg and m/s kept per axis, no one scale
	pv := []Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "VRAD"}, {Key: "CUNIT2", Value: "m/s"},
		{Key: "CDELT1", Value: -0.01}, {Key: "CDELT2", Value: 500.0}}
	got = map[string]any{}
	for _, k := range PixelScaleCards(pv) {
		got[k.Key] = k.Value
	}
	if got["CDELT1"] != -0.01 || got["CDELT2"] != 500.0 || got["CUNIT1"] != "deg" || got["CUNIT2"] != "m/s" {
		t.Errorf("deg and m/s: %v", got)
	}
	if ps := PixelScaleOf(pv); ps != nil {
		t.Errorf("PixelScaleOf, deg and m/s: %+v, want nil", ps)
	}
	rotPV := append(pv[:len(pv):len(pv)], Card{Key: "PC1_2", Value: 0.1})
	if cs := PixelScaleCards(rotPV); cs != nil {
		t.Errorf("deg and m/s with a rotation term: %+v, want nil", cs)
	}
}

// The dataset manifest's class_doc kept stats.ClassDoc's placeholders
// ("the map's raw mean (in its unit)", "(unit squared)") although the
// manifest records the sources' BUNIT; stats' own class_doc names it. It
// is named now (ClassDocBUnit) where the sources share one: "(in K)",
// "(K²)"; sources of different BUNITs keep the placeholders.
func TestFixunits21DatasetClassDocBUnit(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 64, 64)
	f, _ := LogNormalField(64, 64, -2, 0.5, 3)
	copy(m.Data, f)
	a, b := filepath.Join(dir, "a.fits"), filepath.Join(dir, "b.fits")
	if err := WriteMapsCards(a, m, Card{Key: "BUNIT", Value: "K"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMapsCards(b, m, Card{Key: "BUNIT", Value: "MJy/sr"}); err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WST, J: 2}
	build := func(paths ...string) map[string]string {
		srcs, err := LoadSources(paths)
		if err != nil {
			t.Fatal(err)
		}
		cfg := PatchConfig{Size: 32}
		ps, err := CutPatches(srcs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "ds")
		if _, err := BuildFeatures(out, ps, cfg, spec, cpu.New(), 64, nil); err != nil {
			t.Fatal(err)
		}
		man, err := ReadManifest(out)
		if err != nil {
			t.Fatal(err)
		}
		return man.ClassDoc
	}
	d := build(a)
	if s0, p00 := d["S0"], d["P00"]; !strings.HasSuffix(s0, "(in K)") || !strings.Contains(p00, "(K²)") {
		t.Errorf("BUNIT K: class_doc S0 %q, P00 %q; want (in K), (K²)", s0, p00)
	}
	for k, v := range d {
		if strings.Contains(v, "its unit") || strings.Contains(v, "unit squared") {
			t.Errorf("BUNIT K: class_doc %s = %q", k, v)
		}
	}
	if s0 := build(a, b)["S0"]; !strings.HasSuffix(s0, "(in its unit)") {
		t.Errorf("K and MJy/sr: class_doc S0 %q, want (in its unit)", s0)
	}
}
