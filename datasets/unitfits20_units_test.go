package datasets

import (
	"math"
	"testing"
)

// FITS units are case-sensitive (mJy is not MJy), but JY/BEAM (AIPS,
// CASA), Jy/Beam and Jy beam-1 are spellings of Jy/beam: MixedUnits and the
// manifest told "JY/BEAM" and "Jy/beam" apart as two units. Known spellings
// are now one unit; a prefix keeps its case, K, K_CMB and K_RJ stay apart.
func TestUnitfits20CanonicalBUnit(t *testing.T) {
	for in, want := range map[string]string{
		"JY/BEAM": "Jy/beam", "Jy/Beam": "Jy/beam", "Jy/beam": "Jy/beam", " Jy beam-1 ": "Jy/beam", "jy.beam-1": "Jy/beam",
		"mJY/BEAM": "mJy/beam", "MJY/SR": "MJy/sr", "MJy/sr": "MJy/sr", "mJy/sr": "mJy/sr", "MJy sr-1": "MJy/sr",
		"K": "K", "k": "k", "mK": "mK", "KCMB": "K_CMB", "K_cmb": "K_CMB", "uK_CMB": "uK_CMB", "K_RJ": "K_RJ", "Krj": "K_RJ",
		"W/m2": "W/m2", "counts": "counts", "": "",
	} {
		if got := CanonicalBUnit(in); got != want {
			t.Errorf("CanonicalBUnit(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"JY/BEAM", "Jy/beam", true}, {"Jy/Beam", "JY/BEAM", true}, {"MJY/SR", "MJy/sr", true},
		{"mJy/sr", "MJy/sr", false}, {"MJY/SR", "mJy/sr", false}, {"K", "k", false}, {"K_CMB", "K_RJ", false},
		{"K_CMB", "K", false}, {"mJy/beam", "Jy/beam", false}, {"mK", "MK", false},
	} {
		if got := SameBUnit(c.a, c.b); got != c.same {
			t.Errorf("SameBUnit(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
	}

	names := []string{"a.fits", "b.fits", "c.fits"}
	b, _ := MixedUnits(names, []MapUnits{{BUnit: "JY/BEAM"}, {BUnit: "Jy/beam"}, {BUnit: "Jy/Beam"}})
	if b != "" {
		t.Errorf("JY/BEAM, Jy/beam, Jy/Beam: mixed %q, want none", b)
	}
	b, _ = MixedUnits(names, []MapUnits{{BUnit: "JY/BEAM"}, {BUnit: "mJy/beam"}, {BUnit: "Jy/beam"}})
	if want := `"JY/BEAM" (a.fits, c.fits) and "mJy/beam" (b.fits)`; b != want {
		t.Errorf("JY/BEAM, mJy/beam, Jy/beam: mixed %q, want %q", b, want)
	}
	var m DatasetManifest
	unitsManifest(&m, []MapUnits{{BUnit: "MJY/SR"}, {BUnit: "MJy/sr"}})
	if m.BUnit != "MJY/SR" || m.BUnits != nil {
		t.Errorf("manifest of MJY/SR, MJy/sr: bunit %q, bunits %q", m.BUnit, m.BUnits)
	}
	unitsManifest(&m, []MapUnits{{BUnit: "MJy/sr"}, {BUnit: "mJy/sr"}})
	if m.BUnit != "" || len(m.BUnits) != 2 {
		t.Errorf("manifest of MJy/sr, mJy/sr: bunit %q, bunits %q", m.BUnit, m.BUnits)
	}
}

// A CUNIT of 'DEG' (older headers) was no angular unit: 0.05 DEG and
// 3 arcmin pixels were two pixel scales (a warning on every command that
// compares them) and the k axes stayed in "DEG". Angular units are now read
// whatever their case.
func TestUnitfits20AngleUnitCase(t *testing.T) {
	for u, want := range map[string]float64{"DEG": 1, " Deg ": 1, "degrees": 1, "ARCMIN": 1.0 / 60, "ARCSEC": 1.0 / 3600, "RAD": 180 / math.Pi} {
		if f, ok := AngleUnitDegrees(u); !ok || math.Abs(f-want) > 1e-15*want {
			t.Errorf("AngleUnitDegrees(%q) = %v, %v; want %v", u, f, ok, want)
		}
	}
	for _, u := range []string{"", "K", "pixel", "Mpc"} {
		if _, ok := AngleUnitDegrees(u); ok {
			t.Errorf("AngleUnitDegrees(%q): an angle", u)
		}
	}
	a := &PixelScale{X: 0.05, Y: 0.05, Unit: "DEG"}
	b := &PixelScale{X: 3, Y: 3, Unit: "arcmin"}
	if !a.Equal(b) || a.String() != "3 arcmin" {
		t.Errorf("0.05 DEG vs 3 arcmin: equal %v, %q", a.Equal(b), a.String())
	}
}
