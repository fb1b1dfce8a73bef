package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// units19FITS writes n×n white-noise maps (b of them, seed) as a FITS file
// with BUNIT unit (none when "") and a pixel scale: CDELT1 = −deg,
// CDELT2 = deg in cunit on celestial axes, or, with cd, a CD matrix
// without CDELT (deg 0: no WCS).
func units19FITS(t *testing.T, dir, name, unit string, deg float64, cunit string, cd bool, b, n int, seed uint64) string {
	t.Helper()
	x := stlayer.NewMaps(b, n, n)
	for i := range b {
		w, err := datasets.WhiteNoise(n, n, seed+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		for p, v := range w {
			x.Map(i)[p] = 3 + v
		}
	}
	var cards []datasets.Card
	if deg != 0 {
		cards = append(cards, datasets.Card{Key: "CTYPE1", Value: "RA---TAN"}, datasets.Card{Key: "CTYPE2", Value: "DEC--TAN"})
		if cd {
			cards = append(cards, datasets.Card{Key: "CD1_1", Value: -deg}, datasets.Card{Key: "CD2_2", Value: deg},
				datasets.Card{Key: "CD1_2", Value: 0.0}, datasets.Card{Key: "CD2_1", Value: 0.0})
		} else {
			cards = append(cards, datasets.Card{Key: "CDELT1", Value: -deg}, datasets.Card{Key: "CDELT2", Value: deg})
		}
		if cunit != "" {
			cards = append(cards, datasets.Card{Key: "CUNIT1", Value: cunit}, datasets.Card{Key: "CUNIT2", Value: cunit})
		}
	}
	if unit != "" {
		cards = append(cards, datasets.Card{Key: "BUNIT", Value: unit})
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMapsCards(p, x, cards...); err != nil {
		t.Fatal(err)
	}
	return p
}

// units19Files writes the maps the tests combine: a, b in K at 1.5′
// (CDELT in deg), c in JY/BEAM at 3′, d in K at 1.5′ given as a CD matrix,
// e in K at 1.5′ given in arcsec (90″), c2 like c.
func units19Files(t *testing.T) (dir string, f map[string]string) {
	dir = t.TempDir()
	f = map[string]string{
		"a":  units19FITS(t, dir, "a.fits", "K", 0.025, "deg", false, 1, 32, 1),
		"b":  units19FITS(t, dir, "b.fits", "K", 0.025, "deg", false, 1, 32, 2),
		"c":  units19FITS(t, dir, "c.fits", "JY/BEAM", 0.05, "deg", false, 1, 32, 3),
		"c2": units19FITS(t, dir, "c2.fits", "JY/BEAM", 0.05, "deg", false, 1, 32, 4),
		"d":  units19FITS(t, dir, "d.fits", "K", 0.025, "", true, 1, 32, 5),
		"e":  units19FITS(t, dir, "e.fits", "K", 90, "arcsec", false, 1, 32, 6),
	}
	return dir, f
}

// stats of a set mixing K and JY/BEAM, 1.5′ and 3′ pixels exited 0 without
// a word and dropped "bunit"; --cross of two maps in different units said
// nothing either. Now: a warning naming the files and their units, each
// file's BUNIT and pixel scale in the JSON's input_sets, and none for sets
// whose pixel scales agree though written differently (CD matrix, arcsec).
func TestUnits19StatsSetCross(t *testing.T) {
	dir, f := units19Files(t)
	jp := filepath.Join(dir, "o.json")
	code, _, errs := runCLI(t, "stats", f["a"]+","+f["c"], "-J", "2", "-o", jp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := `mixes units: BUNIT "K" (a.fits) and "JY/BEAM" (c.fits); pixel scale 1.5 arcmin (a.fits) and 3 arcmin (c.fits)`
	if !strings.Contains(errs, want) {
		t.Errorf("stats a,c: stderr lacks %q:\n%s", want, errs)
	}
	var doc struct {
		Config struct {
			BUnit     string `json:"bunit"`
			InputSets []struct {
				BUnits      []string               `json:"bunits"`
				PixelScales []*datasets.PixelScale `json:"pixel_scales"`
			} `json:"input_sets"`
		} `json:"config"`
	}
	read := func() {
		t.Helper()
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		doc.Config.BUnit, doc.Config.InputSets = "", nil
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
	}
	read()
	if doc.Config.BUnit != "" || len(doc.Config.InputSets) != 1 {
		t.Fatalf("bunit %q, %d input sets; want none, 1", doc.Config.BUnit, len(doc.Config.InputSets))
	}
	is := doc.Config.InputSets[0]
	if strings.Join(is.BUnits, ",") != "K,JY/BEAM" || len(is.PixelScales) != 2 || is.PixelScales[0].X != 0.025 || is.PixelScales[1].Y != 0.05 || is.PixelScales[1].Unit != "deg" {
		t.Errorf("input_sets: bunits %q, pixel_scales %+v %+v; want K, JY/BEAM and 0.025, 0.05 deg", is.BUnits, is.PixelScales[0], is.PixelScales[1])
	}
	// one unit, one pixel scale written three ways: no warning, bunit kept
	code, _, errs = runCLI(t, "stats", strings.Join([]string{f["a"], f["b"], f["d"], f["e"]}, ","), "-J", "2", "-o", jp)
	if code != 0 || strings.Contains(errs, "warning") {
		t.Fatalf("stats a,b,d,e: exit %d, stderr:\n%s", code, errs)
	}
	if read(); doc.Config.BUnit != "K" {
		t.Errorf("stats a,b,d,e: bunit %q, want K", doc.Config.BUnit)
	}
	// --cross
	code, _, errs = runCLI(t, "stats", f["a"], "--cross", f["c"], "-J", "2", "-o", jp)
	want = `MAP ` + f["a"] + ` has BUNIT "K" and 1.5 arcmin pixels, --cross ` + f["c"] + ` "JY/BEAM" and 3 arcmin pixels: the cross statistics pair the maps as given`
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("stats a --cross c: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	code, _, errs = runCLI(t, "stats", f["a"], "--cross", f["e"], "-J", "2", "-o", jp)
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("stats a --cross e (same unit, 90 arcsec = 1.5 arcmin): exit %d, stderr:\n%s", code, errs)
	}
	// --imag: the pixel scales too (the BUNITs were warned of already)
	code, _, errs = runCLI(t, "stats", f["c"], "--imag", f["c2"], "--kind", "wph", "-J", "2", "-o", jp)
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("stats c --imag c2: exit %d, stderr:\n%s", code, errs)
	}
	code, _, errs = runCLI(t, "stats", f["a"], "--imag", f["c"], "--kind", "wph", "-J", "2", "-o", jp)
	if code != 0 || !strings.Contains(errs, "has 1.5 arcmin pixels, --imag "+f["c"]+" 3 arcmin pixels") || !strings.Contains(errs, `BUNIT "K" but --imag`) {
		t.Errorf("stats a --imag c: exit %d, stderr:\n%s", code, errs)
	}
}

// --compare of two sets in different units, or of a set mixing them, said
// nothing (χ²/dof 24.5 between regions, partly a unit difference); one map
// per set was refused without the way round (patches).
func TestUnits19Compare(t *testing.T) {
	dir, f := units19Files(t)
	jp := filepath.Join(dir, "c.json")
	code, _, errs := runCLI(t, "stats", f["a"]+","+f["b"], "--compare", f["c"]+","+f["c2"], "-J", "2", "-o", jp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, `has BUNIT "K" and 1.5 arcmin pixels, --compare`) || !strings.Contains(errs, `"JY/BEAM" and 3 arcmin pixels: the sets are compared as given`) {
		t.Errorf("stderr lacks the units warning:\n%s", errs)
	}
	var doc struct {
		Config struct {
			BUnitA      string               `json:"bunit_a"`
			BUnitB      string               `json:"bunit_b"`
			PixelScaleB *datasets.PixelScale `json:"pixel_scale_b"`
		} `json:"config"`
		UnitWarnings []string `json:"unit_warnings"`
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Config.BUnitA != "K" || doc.Config.BUnitB != "JY/BEAM" || doc.Config.PixelScaleB == nil || doc.Config.PixelScaleB.X != 0.05 || len(doc.UnitWarnings) != 1 {
		t.Errorf("config bunit_a %q, bunit_b %q, pixel_scale_b %+v, unit_warnings %q", doc.Config.BUnitA, doc.Config.BUnitB, doc.Config.PixelScaleB, doc.UnitWarnings)
	}
	// B mixes: the set's own warning
	_, _, errs = runCLI(t, "stats", f["a"]+","+f["b"], "--compare", f["d"]+","+f["c"], "-J", "2")
	if !strings.Contains(errs, `mixes units: BUNIT "K" (d.fits) and "JY/BEAM" (c.fits)`) || !strings.Contains(errs, "z and χ²/dof measure that mixture too") {
		t.Errorf("B = d,c: stderr lacks the mixed-set warning:\n%s", errs)
	}
	// one unit: no warning
	_, _, errs = runCLI(t, "stats", f["a"]+","+f["b"], "--compare", f["d"]+","+f["e"], "-J", "2")
	if strings.Contains(errs, "warning") {
		t.Errorf("A = a,b, B = d,e (one unit and scale): %s", errs)
	}
	// one map each: refused with the patches route
	code, _, errs = runCLI(t, "stats", f["a"], "--compare", f["b"], "-J", "2")
	if code != 2 || !strings.Contains(errs, "stkit patches A.fits --size 64 --stride 64 -o dsA") || !strings.Contains(errs, "stkit stats dsA/patches.npy --compare dsB/patches.npy --permutations 200") {
		t.Errorf("one map each: exit %d, %s", code, errs)
	}
}

// patches built one dataset from K and JY/BEAM, 1.5′ and 3′ maps, and the
// manifest recorded neither units nor scales. Now: a warning naming them
// and the manifest's bunits/pixel_scales (per source) or bunit/pixel_scale
// (all equal).
func TestUnits19Patches(t *testing.T) {
	dir, f := units19Files(t)
	type man struct {
		BUnit       string                 `json:"bunit"`
		BUnits      []string               `json:"bunits"`
		PixelScale  *datasets.PixelScale   `json:"pixel_scale"`
		PixelScales []*datasets.PixelScale `json:"pixel_scales"`
	}
	build := func(name string, srcs ...string) (man, string) {
		t.Helper()
		out := filepath.Join(dir, name)
		args := append([]string{"patches"}, srcs...)
		code, _, errs := runCLI(t, append(args, "--size", "16", "--stride", "16", "-J", "2", "-o", out)...)
		if code != 0 {
			t.Fatalf("patches %v: exit %d: %s", srcs, code, errs)
		}
		b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m man
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m, errs
	}
	m, errs := build("mix", f["a"], f["c"], f["e"])
	want := `the sources mix units: BUNIT "K" (a.fits, e.fits) and "JY/BEAM" (c.fits); pixel scale 1.5 arcmin (a.fits, e.fits) and 3 arcmin (c.fits)`
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	if m.BUnit != "" || m.PixelScale != nil || strings.Join(m.BUnits, ",") != "K,JY/BEAM,K" || len(m.PixelScales) != 3 ||
		m.PixelScales[1].X != 0.05 || m.PixelScales[2].X != 90 || m.PixelScales[2].Unit != "arcsec" {
		t.Errorf("mixed manifest: %+v", m)
	}
	m, errs = build("one", f["a"], f["d"])
	if strings.Contains(errs, "mix units") || m.BUnit != "K" || m.BUnits != nil || m.PixelScale == nil || m.PixelScale.X != 0.025 || m.PixelScales != nil {
		t.Errorf("one unit: manifest %+v, stderr %s", m, errs)
	}
}

// separate took noise samples in mK for DATA in K without a word (only a
// power warning when the values were 1000× off, naming no BUNIT).
func TestUnits19Separate(t *testing.T) {
	dir := t.TempDir()
	data := units19FITS(t, dir, "d.fits", "K", 1.0/12, "deg", false, 1, 32, 1)
	noiseMK := units19FITS(t, dir, "n_mk.fits", "mK", 1.0/12, "deg", false, 3, 32, 2)
	noiseK := units19FITS(t, dir, "n_k.fits", "K", 1.0/12, "deg", false, 3, 32, 5)
	tmpl := units19FITS(t, dir, "t.fits", "K", 0.025, "deg", false, 1, 32, 9)
	_, cards, err := datasets.ReadMapsHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	got := warnSeparateUnits(&w, data, cards, [2]string{"--noise", noiseMK}, [2]string{"--contaminant", ""})
	if len(got) != 1 || !strings.Contains(w.String(), `separate: warning: DATA `+data+` has BUNIT "K", --noise `+noiseMK+` "mK": they are used as given`) {
		t.Errorf("mK noise: %q", w.String())
	}
	w.Reset()
	got = warnSeparateUnits(&w, data, cards, [2]string{"--noise", noiseK + "," + noiseMK}, [2]string{"--template", tmpl})
	if len(got) != 2 || !strings.Contains(w.String(), `--noise `+noiseK+","+noiseMK+` mixes units: BUNIT "K" (n_k.fits) and "mK" (n_mk.fits)`) ||
		!strings.Contains(w.String(), "has 5 arcmin pixels, --template "+tmpl+" 1.5 arcmin pixels") {
		t.Errorf("mixed noise list, template at 1.5′: %d warnings %q", len(got), w.String())
	}
	w.Reset()
	if got = warnSeparateUnits(&w, data, cards, [2]string{"--noise", noiseK}); len(got) != 0 || w.Len() != 0 {
		t.Errorf("noise in K: %q", w.String())
	}
}

// a sanity check of the scale parsing the warnings rest on: 1/12° written
// with 7 digits is 5 arcmin, a CD matrix 1.5 arcmin
func TestUnits19PixelScaleText(t *testing.T) {
	for _, c := range []struct {
		p    datasets.PixelScale
		want string
	}{{datasets.PixelScale{X: 0.08333333, Y: 0.08333333, Unit: "deg"}, "5 arcmin"}, {datasets.PixelScale{X: 2, Y: 2, Unit: "deg"}, "2 deg"},
		{datasets.PixelScale{X: 1e-4, Y: 2e-4, Unit: "deg"}, "0.36 × 0.72 arcsec"}, {datasets.PixelScale{X: 3, Y: 3}, "3 (no unit)"}} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
	a := datasets.PixelScale{X: 0.025, Y: 0.025, Unit: "deg"}
	b := datasets.PixelScale{X: 1.5, Y: 1.5, Unit: "arcmin"}
	c := datasets.PixelScale{X: 1.5, Y: 1.5}
	if !a.Equal(&b) || a.Equal(&c) || math.Abs(a.X-b.X/60) > 1e-15 {
		t.Errorf("0.025 deg = 1.5 arcmin: %v; = 1.5 (no unit): %v", a.Equal(&b), a.Equal(&c))
	}
}

// synth TARGET a.fits,c.fits (K and JY/BEAM, 1.5′ and 3′) matched their
// mean statistics without a word; warnSynthTargetUnits names them (its call
// in synth.go is a patch).
func TestUnits19SynthTarget(t *testing.T) {
	_, f := units19Files(t)
	var w bytes.Buffer
	for _, c := range []struct {
		set  string
		want string
	}{{f["a"] + "," + f["c"], `synth: warning: TARGET x mixes units: BUNIT "K" (a.fits) and "JY/BEAM" (c.fits); pixel scale 1.5 arcmin (a.fits) and 3 arcmin (c.fits): the syntheses match`},
		{f["a"] + "," + f["d"] + "," + f["e"], ""}} {
		s, err := readMapSetCards(c.set)
		if err != nil {
			t.Fatal(err)
		}
		w.Reset()
		got := warnSynthTargetUnits(&w, "TARGET x", s)
		if (c.want == "") != (got == "") || !strings.HasPrefix(w.String(), c.want) {
			t.Errorf("%s: %q, want %q…", c.set, w.String(), c.want)
		}
	}
}
