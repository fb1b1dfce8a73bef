package datasets

import (
	"math"
	"strings"
	"testing"
)

// SkyOrientationCards and PositionAngle on known headers: the east-left
// image (CDELT1 < 0) gives PA = s − 90° (a direction up the map, s = 90°,
// points north: PA 0°; across, s = 0°, PA 90°), east-right gives 90° − s,
// CROTA2 = ρ = 30° with CDELT1 < 0 gives PA = s − 90° − ρ (M from Paper II
// eq. 189: east = −cos ρ, north = −sin ρ for s = 0), arcmin units change
// nothing, the axes swapped (CTYPE1 = DEC, both CDELT > 0: east along the
// rows, north along the columns) give PA = s; a LONPOLE off
// its default and linear axes give no orientation (a note, resp. none).
func TestLibaniso20SkyOrientation(t *testing.T) {
	c := func(k string, v any) Card { return Card{Key: k, Value: v} }
	deg := 1.0 / 60
	for _, tc := range []struct {
		name  string
		cards []Card
		s, pa []float64
		frame string
	}{
		{"east-left", []Card{c("CTYPE1", "RA---TAN"), c("CTYPE2", "DEC--TAN"), c("CDELT1", -deg), c("CDELT2", deg)},
			[]float64{0, 90, 120, 30}, []float64{90, 0, 30, 120}, "equatorial"},
		{"east-right", []Card{c("CTYPE1", "GLON-CAR"), c("CTYPE2", "GLAT-CAR"), c("CDELT1", deg), c("CDELT2", deg)},
			[]float64{0, 90, 120, 30}, []float64{90, 0, 150, 60}, "galactic"},
		{"crota", []Card{c("CTYPE1", "RA---TAN"), c("CTYPE2", "DEC--TAN"), c("CDELT1", -deg), c("CDELT2", deg), c("CROTA2", 30.0)},
			[]float64{0, 90, 120}, []float64{60, 150, 0}, "equatorial"},
		{"arcmin", []Card{c("CTYPE1", "RA---TAN"), c("CTYPE2", "DEC--TAN"), c("CDELT1", -1.0), c("CDELT2", 1.0), c("CUNIT1", "arcmin"), c("CUNIT2", "arcmin")},
			[]float64{0, 90, 120}, []float64{90, 0, 30}, "equatorial"},
		{"swapped", []Card{c("CTYPE1", "DEC--TAN"), c("CTYPE2", "RA---TAN"), c("CDELT1", deg), c("CDELT2", deg)},
			[]float64{0, 90, 30}, []float64{0, 90, 30}, "equatorial"},
	} {
		o, note := SkyOrientationCards(tc.cards)
		if o == nil {
			t.Fatalf("%s: no orientation: %s", tc.name, note)
		}
		if !strings.HasPrefix(o.Frame, tc.frame) {
			t.Errorf("%s: frame %q, want %s…", tc.name, o.Frame, tc.frame)
		}
		for i, s := range tc.s {
			got := o.PositionAngle(s)
			d := math.Mod(math.Abs(got-tc.pa[i]), 180)
			if min(d, 180-d) > 1e-9 || got < 0 || got >= 180 {
				t.Errorf("%s: PositionAngle(%g°) = %.12g°, want %g°", tc.name, s, got, tc.pa[i])
			}
		}
	}
	if o, note := SkyOrientationCards([]Card{c("CTYPE1", "RA---TAN"), c("CTYPE2", "DEC--TAN"), c("CDELT1", -deg), c("CDELT2", deg), c("CRVAL2", 30.0), c("LONPOLE", 90.0)}); o != nil || !strings.Contains(note, "LONPOLE") {
		t.Errorf("LONPOLE 90: %+v, note %q: want none and a note naming LONPOLE", o, note)
	}
	if o, note := SkyOrientationCards([]Card{c("CTYPE1", "X"), c("CTYPE2", "Y"), c("CDELT1", 2.0)}); o != nil || note != "" {
		t.Errorf("linear axes: %+v, %q: want nil and no note", o, note)
	}
}
