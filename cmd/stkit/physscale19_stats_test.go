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

// physJSON is the part of stats' JSON the physscale19 tests read.
type physJSON struct {
	Config struct {
		ClassDoc         map[string]string    `json:"class_doc"`
		PixelScale       *pixelScaleDoc       `json:"pixel_scale"`
		ScaleWavelengths []scaleWavelengthDoc `json:"scale_wavelengths"`
	} `json:"config"`
	Anisotropy *anisotropyDoc `json:"anisotropy"`
}

// physFITS writes maps x as a FITS file with the given cards.
func physFITS(t *testing.T, dir, name string, x *stlayer.Maps, cards ...datasets.Card) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := datasets.WriteMapsCards(p, x, cards...); err != nil {
		t.Fatal(err)
	}
	return p
}

// physStats runs stats MAP args… -o JSON and returns the JSON read back
// and the table printed without -o.
func physStats(t *testing.T, mp string, args ...string) (*physJSON, string) {
	t.Helper()
	jp := mp + ".json"
	a := append([]string{"stats", mp}, args...)
	if code, _, errs := runCLI(t, append(a, "-o", jp)...); code != 0 {
		t.Fatalf("stats %s %v: exit %d: %s", mp, args, code, tail(errs, 600))
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var d physJSON
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, a...)
	if code != 0 {
		t.Fatalf("stats %s %v (table): exit %d: %s", mp, args, code, tail(errs, 600))
	}
	return &d, out
}

func celestial(lon, lat string, cdelt1, cdelt2 float64, more ...datasets.Card) []datasets.Card {
	c := []datasets.Card{{Key: "CTYPE1", Value: lon}, {Key: "CTYPE2", Value: lat},
		{Key: "CRPIX1", Value: 32.0}, {Key: "CRPIX2", Value: 32.0}, {Key: "CRVAL1", Value: 120.0}, {Key: "CRVAL2", Value: 30.0}}
	if cdelt1 != 0 {
		c = append(c, datasets.Card{Key: "CDELT1", Value: cdelt1}, datasets.Card{Key: "CDELT2", Value: cdelt2})
	}
	return append(c, more...)
}

// The stats JSON and table had no pixel scale (scales only as "central
// wavelength ≈ 8/3·2^j pixels") and the table's class lines said "(in its
// unit)", "(unit squared)" for a map in K. Now config.pixel_scale {value,
// unit}, config.scale_wavelengths (pixels and arcmin per j: 8/3·2^j px for
// the Morlet families, 2/0.85·2^j for wph), a "# pixel scale" line, and
// K, K² named in the table and the JSON's class_doc.
func TestPhysscale19PixelScale(t *testing.T) {
	dir := t.TempDir()
	x := stripeMaps(32, 4, []float64{30})
	deg := 1.0 / 12 // 5 arcmin
	fp := physFITS(t, dir, "k.fits", x, celestial("RA---TAN", "DEC--TAN", -deg, deg, datasets.Card{Key: "BUNIT", Value: "K"})...)
	for _, tc := range []struct {
		kind string
		fac  float64
	}{{"scov", 8.0 / 3}, {"wph", 2 / 0.85}} {
		d, out := physStats(t, fp, "--kind", tc.kind, "-J", "3")
		ps := d.Config.PixelScale
		if ps == nil || math.Abs(ps.Value-deg) > 1e-12 || ps.Unit != "deg" || ps.ValueY != 0 {
			t.Fatalf("%s: pixel_scale %+v, want value %g deg", tc.kind, ps, deg)
		}
		if len(d.Config.ScaleWavelengths) != 3 {
			t.Fatalf("%s: scale_wavelengths %+v, want 3", tc.kind, d.Config.ScaleWavelengths)
		}
		for j, w := range d.Config.ScaleWavelengths {
			px := tc.fac * math.Pow(2, float64(j))
			if w.J != j || math.Abs(w.WavelengthPx-px) > 1e-9 || w.Unit != "arcmin" || math.Abs(w.Wavelength-px*5) > 1e-6 {
				t.Errorf("%s: scale_wavelengths[%d] = %+v, want %g px = %g arcmin", tc.kind, j, w, px, px*5)
			}
		}
		if !strings.Contains(out, "# pixel scale: 0.08333 deg (5 arcmin) per pixel") || !strings.Contains(out, "j=0 "+fmtG(tc.fac*5)+" arcmin") {
			t.Errorf("%s: table has no pixel-scale line:\n%s", tc.kind, tail(out[:min(len(out), 600)], 600))
		}
		if tc.kind == "scov" {
			if !strings.Contains(out, "# class var: ") || !strings.Contains(out, "(K²)") || !strings.Contains(out, "(in K)") {
				t.Errorf("scov table does not name K:\n%s", out[:min(len(out), 800)])
			}
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "# ") && (strings.Contains(l, "its unit") || strings.Contains(l, "unit squared") || strings.Contains(l, "(unit)")) {
					t.Errorf("scov table line does not name K: %s", l)
				}
			}
			if v := d.Config.ClassDoc["var"]; !strings.Contains(v, "(K²)") {
				t.Errorf("class_doc var = %q, want K²", v)
			}
		}
	}
	// arcsec pixels, not square: wavelengths in arcsec, value_y given
	fa := physFITS(t, dir, "a.fits", x, datasets.Card{Key: "CDELT1", Value: 2.0}, datasets.Card{Key: "CDELT2", Value: 3.0},
		datasets.Card{Key: "CUNIT1", Value: "arcsec"}, datasets.Card{Key: "CUNIT2", Value: "arcsec"})
	d, _ := physStats(t, fa, "--kind", "wst", "-J", "2")
	if ps := d.Config.PixelScale; ps == nil || ps.Value != 2 || ps.ValueY != 3 || ps.Unit != "arcsec" {
		t.Fatalf("pixel_scale %+v, want 2 × 3 arcsec", ps)
	}
	if w := d.Config.ScaleWavelengths[1]; w.Unit != "arcsec" || math.Abs(w.Wavelength-16.0/3*2) > 1e-9 || math.Abs(w.WavelengthY-16.0/3*3) > 1e-9 {
		t.Errorf("scale_wavelengths[1] = %+v, want 10.67 × 16 arcsec", w)
	}
	// no pixel scale (.npy): neither field, and "(in its unit)" stays
	np := writeAnisoMaps(t, filepath.Join(dir, "x.npy"), x)
	d, out := physStats(t, np, "--kind", "scov", "-J", "2")
	if d.Config.PixelScale != nil || d.Config.ScaleWavelengths != nil || strings.Contains(out, "# pixel scale") || !strings.Contains(out, "(in its unit)") {
		t.Errorf(".npy: pixel_scale %+v, wavelengths %+v; table:\n%s", d.Config.PixelScale, d.Config.ScaleWavelengths, out[:min(len(out), 400)])
	}
}

// stats reported stripes in the pixel frame only (stripes running north
// in an RA---TAN map with CDELT1 < 0: "stripes at 90°"), leaving the sky
// direction, and its sign, to the user. Now position_angle_deg (east of
// north): north-running stripes 0°, east-running 90°, and stripes at 45°
// on the grid 135° with CDELT1 < 0 (east to the left) but 45° with
// CDELT1 > 0; CROTA2, a CD and a PC matrix that describe one rotation give
// one angle; galactic axes say their north; an unhandled LONPOLE gives a
// note and no angle; a .npy none.
func TestPhysscale19PositionAngle(t *testing.T) {
	dir := t.TempDir()
	// wave vectors at 0°, 90°, 135° from the column axis: stripes along
	// the rows' axis (up the map), along the columns, and at 45°
	x := stripeMaps(64, 8, []float64{0, 90, 135})
	deg := 0.05
	r := 30 * math.Pi / 180
	cases := []struct {
		name  string
		cards []datasets.Card
		want  []float64 // per map; nil: no angle
		frame string
	}{
		{"east-left", celestial("RA---TAN", "DEC--TAN", -deg, deg), []float64{0, 90, 135}, "equatorial"},
		{"east-right", celestial("RA---TAN", "DEC--TAN", deg, deg), []float64{0, 90, 45}, "equatorial"},
		// rotation by ρ = 30°: the grid's up direction is 30° west of north
		{"crota", celestial("RA---TAN", "DEC--TAN", -deg, deg, datasets.Card{Key: "CROTA2", Value: 30.0}), []float64{150, 60, 105}, "equatorial"},
		{"cd", celestial("RA---TAN", "DEC--TAN", 0, 0, datasets.Card{Key: "CD1_1", Value: -deg * math.Cos(r)}, datasets.Card{Key: "CD1_2", Value: -deg * math.Sin(r)},
			datasets.Card{Key: "CD2_1", Value: -deg * math.Sin(r)}, datasets.Card{Key: "CD2_2", Value: deg * math.Cos(r)}), []float64{150, 60, 105}, "equatorial"},
		{"pc", celestial("RA---TAN", "DEC--TAN", -deg, deg, datasets.Card{Key: "PC1_1", Value: math.Cos(r)}, datasets.Card{Key: "PC1_2", Value: math.Sin(r)},
			datasets.Card{Key: "PC2_1", Value: -math.Sin(r)}, datasets.Card{Key: "PC2_2", Value: math.Cos(r)}), []float64{150, 60, 105}, "equatorial"},
		// DEC on axis 1, RA on axis 2 (east up with CDELT2 > 0): the
		// grid's up direction is east
		{"swapped", celestial("DEC--TAN", "RA---TAN", deg, deg), []float64{90, 0, 45}, "equatorial"},
		{"galactic", celestial("GLON-CAR", "GLAT-CAR", -deg, deg), []float64{0, 90, 135}, "North Galactic Pole"},
		{"lonpole", celestial("RA---TAN", "DEC--TAN", -deg, deg, datasets.Card{Key: "LONPOLE", Value: 90.0}), nil, "LONPOLE"},
		{"linear", []datasets.Card{{Key: "CDELT1", Value: deg}, {Key: "CDELT2", Value: deg}}, nil, ""},
	}
	for _, tc := range cases {
		fp := physFITS(t, dir, tc.name+".fits", x, tc.cards...)
		d, out := physStats(t, fp, "--kind", "wst", "-J", "3", "-L", "8")
		a := d.Anisotropy
		if a == nil || len(a.Maps) != 3 {
			t.Fatalf("%s: anisotropy %+v", tc.name, a)
		}
		switch {
		case tc.frame == "":
			if a.Sky != nil {
				t.Errorf("%s: sky %+v for a map without celestial axes", tc.name, a.Sky)
			}
		case tc.want == nil:
			if a.Sky == nil || a.Sky.Frame != "" || !strings.Contains(a.Sky.Note, tc.frame) || !strings.Contains(out, "# no position angle on the sky: ") {
				t.Errorf("%s: sky %+v, want a note naming %s", tc.name, a.Sky, tc.frame)
			}
		default:
			if a.Sky == nil || !strings.Contains(a.Sky.Frame, tc.frame) || !strings.Contains(out, "# position angle: ") {
				t.Errorf("%s: sky %+v, want frame %s", tc.name, a.Sky, tc.frame)
			}
		}
		for b, m := range a.Maps {
			e := m.Scales[2] // j = 2: wavelength 10.7 px, the stripes' period 8 px
			if tc.want == nil {
				if e.PositionAngleDeg != nil {
					t.Errorf("%s map %d: position_angle_deg %g, want none", tc.name, b, *e.PositionAngleDeg)
				}
				continue
			}
			if e.PositionAngleDeg == nil {
				t.Fatalf("%s map %d: no position_angle_deg", tc.name, b)
			}
			if pa := *e.PositionAngleDeg; angDiff(pa, tc.want[b]) > 2 || pa < 0 || pa >= 180 {
				t.Errorf("%s map %d (stripes at %.1f° on the grid): position angle %.2f°, want %g°", tc.name, b, e.StripeDirectionDeg, pa, tc.want[b])
			}
		}
	}
}

// The table printed ψ = 180.0° for ψ = 179.97° (JSON) though the range
// is [0°, 180°): a value that rounds to 180.0 is now written 0.0.
func TestPhysscale19Deg180(t *testing.T) {
	for v, want := range map[float64]string{179.97: "0.0", 179.94: "179.9", 0: "0.0", 0.04: "0.0", 90.06: "90.1", 1e-12: "0.0"} {
		if got := fmtDeg180(v); got != want {
			t.Errorf("fmtDeg180(%v) = %q, want %q", v, got, want)
		}
	}
	pa := 179.99
	d := &anisotropyDoc{Class: "S1", Maps: []anisotropyAt{{Scales: []anisoScaleDoc{{J: 0, Amplitude: 0.5, DirectionDeg: 179.97, StripeDirectionDeg: 89.97, PositionAngleDeg: &pa}}}}}
	var buf bytes.Buffer
	printAnisotropy(&buf, d)
	if s := buf.String(); strings.Contains(s, "180.0") || !strings.Contains(s, "ψ = 0.0°") || !strings.Contains(s, "position angle 0.0° E of N") {
		t.Errorf("printAnisotropy:\n%s", s)
	}
}

// synth --report drew power_spectrum.png with k in cycles per min(M,N)
// pixels only, though TARGET's FITS had a pixel scale: the report now
// gets it (metrics.json k_scale: 32 px of 5 arcmin = 160 arcmin).
func TestPhysscale19SynthReport(t *testing.T) {
	dir := t.TempDir()
	tgt := physFITS(t, dir, "t.fits", stripeMaps(32, 4, []float64{30}), celestial("RA---TAN", "DEC--TAN", -1.0/12, 1.0/12, datasets.Card{Key: "BUNIT", Value: "K"})...)
	rep := filepath.Join(dir, "rep")
	if code, _, errs := runCLI(t, "--engine", "cpu", "synth", tgt, "-J", "2", "-n", "1", "--steps", "2", "-o", rep+".npy", "--report", rep); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, tail(errs, 600))
	}
	var m struct {
		KScale *struct {
			SidePx int     `json:"side_px"`
			Side   float64 `json:"side"`
			Unit   string  `json:"unit"`
		} `json:"k_scale"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m.KScale == nil || m.KScale.SidePx != 32 || math.Abs(m.KScale.Side-32.0/12) > 1e-9 || m.KScale.Unit != "deg" {
		t.Fatalf("metrics.json k_scale %+v (%v), want 32 px = 2.667 deg", m.KScale, err)
	}
}

// stats --help documents the JSON's pixel_scale, scale_wavelengths and
// the anisotropy's position_angle_deg with its convention.
func TestPhysscale19Help(t *testing.T) {
	_, out, errs := runCLI(t, "stats", "--help")
	h := strings.Join(strings.Fields(out+errs), " ")
	for _, want := range []string{`"pixel_scale" {value, unit}`, `"scale_wavelengths"`, "position_angle_deg: the stripes' direction on the sky from north through east (IAU)", "galactic north for GLON/GLAT", "stripes running up such a map are at 0°, across it at 90°"} {
		if !strings.Contains(h, want) {
			t.Errorf("stats --help lacks %q", want)
		}
	}
}
