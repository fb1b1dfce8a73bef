package main

import (
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats' anisotropy summary (JSON) is the library's: for a stretched GRF
// (anisoGRF, 2 maps 64², structures along 30°) in a FITS file with an
// east-left celestial WCS, every amplitude, direction, stripe direction,
// noise rms, floor and significance of `stkit stats --kind K -J 3` equals
// infer.MapAnisotropy on stats.Forward's coefficients of the same maps
// (cpu engine) exactly, for wst, scov and wph, and every position angle
// equals datasets.SkyOrientationCards' PositionAngle of the stripe
// direction; class and measured_from are the library's.
func TestLibaniso20CLIEqualsLibrary(t *testing.T) {
	dir := t.TempDir()
	x := anisoGRF(t, 2, 64, 30, 3, 5)
	cards := []datasets.Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CDELT1", Value: -1.0 / 60}, {Key: "CDELT2", Value: 1.0 / 60}}
	mp := filepath.Join(dir, "x.fits")
	if err := datasets.WriteMapsCards(mp, x, cards...); err != nil {
		t.Fatal(err)
	}
	sky, note := datasets.SkyOrientationCards(cards)
	if sky == nil {
		t.Fatalf("no sky orientation: %s", note)
	}
	for _, kind := range []stats.Kind{stats.WST, stats.SCov, stats.WPH} {
		cli := statsAniso(t, mp, "--kind", string(kind), "-J", "3").Anisotropy
		spec := stats.Spec{Kind: kind, J: 3}.WithDefaults(x.M, x.N)
		op, err := stats.Build(spec, x.M, x.N)
		if err != nil {
			t.Fatal(err)
		}
		c, lab, err := stats.Forward(cpu.New(), op, x)
		if err != nil {
			t.Fatal(err)
		}
		lib, err := infer.MapAnisotropy(spec, lab, c, x, nil)
		if err != nil {
			t.Fatal(err)
		}
		if cli == nil || len(cli.Maps) != len(lib.Maps) {
			t.Fatalf("%s: CLI %+v, library %d maps", kind, cli, len(lib.Maps))
		}
		if cli.MeasuredFrom != stats.AnisotropyMeasuredFrom || cli.Class != lib.Class {
			t.Errorf("%s: CLI class %q measured_from %q, library %q", kind, cli.Class, cli.MeasuredFrom, lib.Class)
		}
		n := 0
		for b := range lib.Maps {
			if len(cli.Maps[b].Scales) != len(lib.Maps[b]) {
				t.Fatalf("%s map %d: CLI %d scales, library %d", kind, b, len(cli.Maps[b].Scales), len(lib.Maps[b]))
			}
			for i, e := range lib.Maps[b] {
				s := cli.Maps[b].Scales[i]
				if s.J != e.J || s.Amplitude != e.Amplitude || s.DirectionDeg != e.DirectionDeg || s.StripeDirectionDeg != e.StripeDirectionDeg ||
					s.NoiseRMS != e.NoiseRMS || s.NoiseFloor != e.NoiseFloor || s.Significant != e.Significant {
					t.Errorf("%s map %d: CLI %+v, library %+v", kind, b, s, e)
				}
				if s.PositionAngleDeg == nil || *s.PositionAngleDeg != sky.PositionAngle(e.StripeDirectionDeg) {
					t.Errorf("%s map %d j=%d: CLI position angle %v, library %v", kind, b, e.J, s.PositionAngleDeg, sky.PositionAngle(e.StripeDirectionDeg))
				}
				n++
			}
		}
		if n != 6 {
			t.Errorf("%s: %d scales compared, want 6", kind, n)
		}
	}
}
