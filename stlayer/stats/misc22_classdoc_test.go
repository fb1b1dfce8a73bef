package stats

import (
	"strings"
	"testing"
)

// Some class_doc entries of logged statistics (scov --synthesis/--iso P00,
// S1, P11; wst --synthesis --iso logS1_iso, logS2_iso) did not say the
// unit of what is logged, so a map with a BUNIT got no unit named there
// (ClassDocUnit: "log P00: natural log of P00 = ⟨|x⋆ψ|²⟩ (iso: of its mean
// over l)" unchanged). Every log entry now carries a unit phrase, and
// ClassDocUnit writes the BUNIT into each.
func TestMisc22ClassDocLogsNameUnit(t *testing.T) {
	for _, s := range []Spec{
		{Kind: Spectra, J: 3, L: 4},
		{Kind: SCov, J: 3, L: 4, Synthesis: true},
		{Kind: SCov, J: 3, L: 4, Iso: true},
		{Kind: SCov, J: 3, L: 4, Synthesis: true, Iso: true},
		{Kind: SCov, J: 3, L: 4, Synthesis: true, Norm: "p11"},
		{Kind: SCov, J: 3, L: 4, Synthesis: true, Iso: true, Norm: "p11"},
		{Kind: WST, J: 3, L: 4, Synthesis: true},
		{Kind: WST, J: 3, L: 4, Synthesis: true, Iso: true},
	} {
		op, err := Build(s, 64, 64)
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		d := ClassDocUnit(s.WithDefaults(64, 64), op.Labels(), "MJy/sr", "")
		logs := 0
		for c, v := range d {
			if !strings.Contains(v, "natural log") {
				continue
			}
			logs++
			// what is logged: P00, P11 (unit squared) or S1, S2 (unit)
			want := "in MJy/sr)"
			if strings.Contains(c, "P00") || strings.Contains(c, "P11") {
				want = "in MJy/sr²)"
			}
			if !strings.Contains(v, want) {
				t.Errorf("%+v class_doc[%s] = %q\nwant the logged statistic's unit %q", s, c, v, want)
			}
		}
		if logs == 0 {
			t.Errorf("%+v: no log entry in %v", s, d)
		}
	}
}
