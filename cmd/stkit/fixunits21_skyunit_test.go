package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// FITS units are read whatever their case where they are angles
// (datasets.AngleUnitDegrees), but skyUnit picked arcsec only for
// "arcsec" and "mas" as spelt: 2″ pixels with CUNIT = 'ARCSEC' got their
// wavelengths in arcmin (j=1: 0.1778 arcmin, the right number in the unit
// chosen for degrees) while 'arcsec' got 10.67 arcsec. Now arcsec both.
func TestFixunits21SkyUnitCase(t *testing.T) {
	for _, c := range []struct {
		in, unit string
		f        float64
	}{{"ARCSEC", "arcsec", 1}, {"Arcsec ", "arcsec", 1}, {"MAS", "arcsec", 1e-3}, {"DEG", "arcmin", 60}} {
		u, f := skyUnit(c.in)
		if u != c.unit || math.Abs(f-c.f) > 1e-12*c.f {
			t.Errorf("skyUnit(%q) = %q, %v; want %q, %v", c.in, u, f, c.unit, c.f)
		}
	}
	x := stripeMaps(32, 4, []float64{30})
	fa := physFITS(t, t.TempDir(), "a.fits", x, datasets.Card{Key: "CDELT1", Value: 2.0}, datasets.Card{Key: "CDELT2", Value: 2.0},
		datasets.Card{Key: "CUNIT1", Value: "ARCSEC"}, datasets.Card{Key: "CUNIT2", Value: "ARCSEC"})
	d, out := physStats(t, fa, "--kind", "wst", "-J", "2")
	if w := d.Config.ScaleWavelengths[1]; w.Unit != "arcsec" || math.Abs(w.Wavelength-16.0/3*2) > 1e-9 {
		t.Errorf("scale_wavelengths[1] = %+v, want 10.67 arcsec", w)
	}
	if !strings.Contains(out, "j=1 10.67 arcsec") {
		t.Errorf("table:\n%s", out[:min(len(out), 400)])
	}
}
