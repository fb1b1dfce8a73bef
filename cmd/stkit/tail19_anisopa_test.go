package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestTail19AnisoNPZPositionAngle: the JSON's position_angle_deg and
// anisotropy.sky.frame (physscale19) were not in stats -o x.npz. Now
// anisotropy_position_angle_deg [B, J] equals the JSON's entry by entry
// for a FITS map with a celestial WCS (east-left RA/DEC, and GLON/GLAT),
// with anisotropy_sky_frame the JSON's frame; for a map without one
// (linear CDELT only) the array is all NaN and there is no frame member.
func TestTail19AnisoNPZPositionAngle(t *testing.T) {
	dir := t.TempDir()
	x := stripeMaps(32, 4, []float64{0, 135})
	deg := 0.05
	for _, tc := range []struct {
		name  string
		cards []datasets.Card
		sky   bool
	}{
		{"radec", celestial("RA---TAN", "DEC--TAN", -deg, deg), true},
		{"galactic", celestial("GLON-CAR", "GLAT-CAR", deg, deg), true},
		{"linear", []datasets.Card{{Key: "CDELT1", Value: deg}, {Key: "CDELT2", Value: deg}}, false},
	} {
		fp := physFITS(t, dir, tc.name+".fits", x, tc.cards...)
		js, _ := physStats(t, fp, "--kind", "scov", "-J", "3")
		a := js.Anisotropy
		if a == nil || len(a.Maps) != 2 {
			t.Fatalf("%s: JSON anisotropy %+v", tc.name, a)
		}
		np := fp + ".npz"
		if code, _, errs := runCLI(t, "stats", fp, "--kind", "scov", "-J", "3", "-o", np); code != 0 {
			t.Fatalf("%s: stats -o npz: exit %d: %s", tc.name, code, tail(errs, 400))
		}
		members, err := datasets.ReadNPZ(np)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*datasets.Array{}
		for _, m := range members {
			got[m.Name] = m.Array
		}
		B, J := 2, 3
		pa := got["anisotropy_position_angle_deg"]
		if pa == nil || pa.DType != "float64" || len(pa.Shape) != 2 || pa.Shape[0] != B || pa.Shape[1] != J {
			t.Fatalf("%s: anisotropy_position_angle_deg = %+v, want float64 [%d, %d]", tc.name, pa, B, J)
		}
		fr := got["anisotropy_sky_frame"]
		if !tc.sky {
			for i, v := range pa.Float64 {
				if !math.IsNaN(v) {
					t.Errorf("%s: position angle [%d] = %g, want NaN without a celestial WCS", tc.name, i, v)
				}
			}
			if fr != nil {
				t.Errorf("%s: anisotropy_sky_frame %+v without a celestial WCS", tc.name, fr)
			}
			continue
		}
		if a.Sky == nil || a.Sky.Frame == "" {
			t.Fatalf("%s: JSON sky %+v", tc.name, a.Sky)
		}
		if fr == nil || len(fr.Strings) != 1 || fr.Strings[0] != a.Sky.Frame {
			t.Errorf("%s: anisotropy_sky_frame %+v, want %q", tc.name, fr, a.Sky.Frame)
		}
		n := 0
		for b, m := range a.Maps {
			for _, s := range m.Scales {
				if s.PositionAngleDeg == nil {
					t.Fatalf("%s map %d j=%d: JSON has no position_angle_deg", tc.name, b, s.J)
				}
				n++
				if v, want := pa.Float64[b*J+s.J], *s.PositionAngleDeg; math.Abs(v-want) > 1e-12*max(1, math.Abs(want)) {
					t.Errorf("%s map %d j=%d: npz position angle %g, JSON %g", tc.name, b, s.J, v, want)
				}
			}
		}
		if n != B*J {
			t.Errorf("%s: %d JSON entries, want %d", tc.name, n, B*J)
		}
		// east-left RA/DEC: stripes with wave vector 0° run up the map, PA 0°;
		// at 135°, PA 135° (TestPhysscale19PositionAngle's cases), at j = 1
		// (the stripes' period 8 px)
		if tc.name == "radec" {
			for b, want := range []float64{0, 135} {
				if v := pa.Float64[b*J+1]; angDiff(v, want) > 3 {
					t.Errorf("radec map %d: position angle at j=1 %.1f°, want %.0f°", b, v, want)
				}
			}
		}
	}
	_, hout, herr := runCLI(t, "stats", "--help")
	for _, want := range []string{`"anisotropy_position_angle_deg"`, `"anisotropy_sky_frame"`} {
		if !strings.Contains(hout+herr, want) {
			t.Errorf("stats --help lacks %s", want)
		}
	}
}
