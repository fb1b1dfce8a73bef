package stats

import (
	"math"
	"strings"
	"testing"
)

// ClassDoc's entries hold "(unit)", "(unit squared)" placeholders with no
// way to pass a BUNIT (stkit substituted its own); ClassDocUnit writes it.
// The CLI's substitution turned "(unit squared)" into "(ADADU²)" for BUNIT
// ADU (it replaced "U" inside the unit written for "U²"), and left wph's
// "(unit squared; raw: --norm none)" alone.
func TestLibfix20ClassDocUnit(t *testing.T) {
	for _, c := range []struct{ in, unit, sq, want string }{
		{"the map's raw mean (in its unit)", "K", "", "the map's raw mean (in K)"},
		{"P00 = ⟨|x⋆ψ|²⟩ (unit squared)", "ADU", "", "P00 = ⟨|x⋆ψ|²⟩ (ADU²)"},
		{"S1 (unit), raw", "MJy/sr", "(MJy/sr)²", "S1 (MJy/sr), raw"},
		{"C (unit squared; raw: --norm none)", "MJy/sr", "(MJy/sr)²", "C ((MJy/sr)²; raw: --norm none)"},
		{"P00 in the map's unit squared, S1 in the map's unit", "uK", "", "P00 in uK², S1 in uK"},
		{"(unit)", "", "", "(unit)"},
	} {
		if got := NameUnit(c.in, c.unit, c.sq); got != c.want {
			t.Errorf("NameUnit(%q, %q): %q, want %q", c.in, c.unit, got, c.want)
		}
	}
	for _, spec := range []Spec{{Kind: SCov}, {Kind: WST}, {Kind: Spectra}, {Kind: WPH, Norm: "none"}} {
		spec = spec.WithDefaults(32, 32)
		op, err := Build(spec, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		plain, named := ClassDoc(spec, op.Labels()), ClassDocUnit(spec, op.Labels(), "ADU", "")
		if len(plain) != len(named) || len(named) == 0 {
			t.Fatalf("%v: %d entries, %d with the unit", spec.Kind, len(plain), len(named))
		}
		for k, v := range named {
			if strings.Contains(v, "unit") || strings.Contains(v, "ADAD") {
				t.Errorf("%v %s: %q", spec.Kind, k, v)
			}
			if v != NameUnit(plain[k], "ADU", "") {
				t.Errorf("%v %s: ClassDocUnit differs from NameUnit of ClassDoc", spec.Kind, k)
			}
		}
	}
}

// AnisotropyOverMaps of one map gave DirectionSD 4.27e-07° (the circular
// σ of one doubled angle, round-off), not the 0 its doc promises; the
// direction is now the map's own (Deg180) and both σ exactly 0.
func TestLibfix20OverMapsOne(t *testing.T) {
	for _, d := range []float64{0, 17.3, 89.99, 123.456, 179.5} {
		one := [][]AnisotropyScale{{{J: 1, Amplitude: 0.3, DirectionDeg: d, NoiseFloor: 0.1, Significant: true}}}
		got := AnisotropyOverMaps(one)
		if len(got) != 1 || got[0].DirectionSD != 0 || got[0].AmplitudeSD != 0 || got[0].DirectionDeg != d || got[0].Amplitude != 0.3 {
			t.Errorf("direction %g: %+v", d, got)
		}
	}
	if m, sd := AxialStatDeg([]float64{math.NaN(), 200, math.NaN()}); sd != 0 || math.Abs(m-20) > 1e-12 {
		t.Errorf("one direction 200° among NaN: %g ± %g, want 20 ± 0", m, sd)
	}
	if _, sd := CircularStat([]float64{2.5}); sd != 0 {
		t.Errorf("CircularStat of one angle: σ %g", sd)
	}
	if m, sd := AxialStatDeg([]float64{10, 170}); math.Abs(m) > 1e-9 && math.Abs(m-180) > 1e-9 || math.Abs(sd-10.10) > 0.01 {
		t.Errorf("10°, 170°: %g ± %g", m, sd)
	}
}
