package main

import (
	"math"
	"testing"
)

// skyUnit takes a pixel scale's unit from datasets.AngleUnitDegrees (the
// copy angleUnitDeg, which read a blank CUNIT as degrees, is gone): the
// wavelengths are written in arcmin for deg, arcmin and rad, in arcsec
// for arcsec and mas, and in the unit itself, factor 1, for a unit that is
// not an angle and for none, "" or blank ("  " gave arcmin × 60 before,
// as if the scale were in degrees).
func TestTidy20SkyUnit(t *testing.T) {
	for _, c := range []struct {
		in, unit string
		f        float64
	}{
		{"deg", "arcmin", 60}, {"DEG", "arcmin", 60}, {"arcmin", "arcmin", 1}, {"rad", "arcmin", 180 / math.Pi * 60},
		{"arcsec", "arcsec", 1}, {"mas", "arcsec", 1e-3}, {"", "", 1}, {"  ", "  ", 1}, {"Mpc", "Mpc", 1},
	} {
		u, f := skyUnit(c.in)
		if u != c.unit || math.Abs(f-c.f) > 1e-12*c.f {
			t.Errorf("skyUnit(%q) = %q, %v; want %q, %v", c.in, u, f, c.unit, c.f)
		}
	}
}
