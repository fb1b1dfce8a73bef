package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats --kind wph --iso wrote, as the JSON config's class_doc, the
// per-orientation formula of plain wph ("…, complex …") and, as
// orientation.dl and label_column_doc.l2, that the rows are "averaged over
// l1". They are the full-circle mean ½(X̄(τ) + conj X̄(−τ)), X̄ the mean over
// l1 at fixed dl: at τ = 0 the real part of that mean (on the 64² dust map
// the mean over l1 of C01(j1=0,j2=1,dl=2) is 2.268e-5+9.9e-7i, the iso row
// 2.268e-5+0i; TestStatsWPHIso checks the values and the zero imaginary
// parts at τ = 0). The three texts now say so; plain wph keeps its own.
func TestDocfix21WPHIsoClassDoc(t *testing.T) {
	ss, err := infer.NewSepStats(stats.Spec{Kind: stats.WPH, J: 3, L: 4, DN: 1, Iso: true}, 64, 64, false)
	if err != nil {
		t.Fatal(err)
	}
	lab := ss.Auto.Labels()
	spec := stats.Spec{Kind: stats.WPH, J: 3, L: 4, DN: 1, Iso: true}.WithDefaults(64, 64)
	cd := classDoc(spec, lab)
	const iso = "--iso: the mean over the 2L rotations of the wavelets by multiples of π/L (the full circle), ½(X̄(τ) + conj X̄(−τ)) with X̄ the mean over l1 of this moment at fixed dl = (l2 − l1) mod L (column l2; column l1 is 0): real at τ = 0 (im written as 0: the real part of the mean over l1, whose imaginary part is dropped), complex only at τ ≠ 0"
	for _, c := range []string{"S11", "C01", "Cphase"} { // S00, S01: TestMisc22WPHIsoS00S01Real
		if d := cd[c]; !strings.Contains(d, iso) || strings.Contains(strings.Split(d, "; --iso")[0], "complex") {
			t.Errorf("wph --iso class_doc[%s] = %q\nwant it to contain %q and not call the row complex before it", c, d, iso)
		}
	}
	if want := "WPH C with a = |x⋆ψ_{j1,l1}|, b = x⋆ψ_{j2,l2} (p1 = 0, p2 = 1), j1 < j2 (unit squared; raw: --norm none); C = "; !strings.HasPrefix(cd["C01"], want) {
		t.Errorf("wph --iso class_doc[C01] = %q, want the prefix %q", cd["C01"], want)
	}
	if d := cd["L"]; strings.Contains(d, "--iso") {
		t.Errorf("wph --iso class_doc[L] = %q: L has no orientation, --iso leaves it as it is", d)
	}
	od := newOrientationDoc(spec, lab)
	if want := "relative to the first, averaged over the 2L rotations of the full circle: ½(X̄(τ) + conj X̄(−τ)), X̄ the mean over l1 at fixed dl, i.e. at τ = 0 the real part of the mean over l1 (the second wavelet is at θ_l1 + dl·180°/L"; od == nil || !strings.Contains(od.DL, want) {
		t.Errorf("wph --iso orientation %+v, want dl to contain %q", od, want)
	}
	if d, want := labelColumnDoc(spec, lab)["l2"], "dl = (l2 − l1) mod 4, the second wavelet's orientation relative to the first's, averaged over the 2L rotations of the full circle (at τ = 0 the real part of the mean over l1; orientation.dl)"; !strings.Contains(d, want) {
		t.Errorf("wph --iso label_column_doc.l2 = %q, want it to contain %q", d, want)
	}
	// plain wph: per-orientation, complex, no dl
	raw, err := stats.Build(stats.Spec{Kind: stats.WPH, J: 3, L: 4, DN: 1}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	rspec := stats.Spec{Kind: stats.WPH, J: 3, L: 4, DN: 1}.WithDefaults(64, 64)
	if d := classDoc(rspec, raw.Labels())["C01"]; strings.Contains(d, "--iso") || !strings.Contains(d, "j1 < j2, complex (unit squared") {
		t.Errorf("wph class_doc[C01] = %q", d)
	}
	if od := newOrientationDoc(rspec, raw.Labels()); od == nil || od.DL != "" {
		t.Errorf("wph orientation %+v, want no dl", od)
	}
	// the other families keep "averaged over l1"
	wst, err := stats.Build(stats.Spec{Kind: stats.WST, J: 3, L: 4, Iso: true}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	wspec := stats.Spec{Kind: stats.WST, J: 3, L: 4, Iso: true}.WithDefaults(64, 64)
	if d := labelColumnDoc(wspec, wst.Labels())["l2"]; !strings.Contains(d, "relative to the first's, averaged over l1 (orientation.dl)") {
		t.Errorf("wst --iso label_column_doc.l2 = %q", d)
	}
	if od := newOrientationDoc(wspec, wst.Labels()); od == nil || !strings.Contains(od.DL, "relative to the first, averaged over l1 (θ decreases") {
		t.Errorf("wst --iso orientation %+v", od)
	}
}
