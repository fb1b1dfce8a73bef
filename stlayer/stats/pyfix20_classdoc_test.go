package stats

import (
	"strings"
	"testing"
)

// TestPyfix20ClassDocEveryClass: the model and dataset folders did not say
// what their features are ("P00(j1=0)" of a scov synthesis vector is
// ln(mean over l of P00), "mean()" is mean/std); only stats' JSON had a
// class_doc, for some classes. ClassDoc now describes every class of every
// family's labels, with the same text stats writes.
func TestPyfix20ClassDocEveryClass(t *testing.T) {
	for _, s := range []Spec{
		{Kind: SCov}, {Kind: SCov, Iso: true}, {Kind: SCov, Synthesis: true}, {Kind: SCov, Synthesis: true, Iso: true},
		{Kind: SCov, Synthesis: true, Norm: "p11"}, {Kind: SCov, Cross: true}, {Kind: Spectra},
		{Kind: WPH}, {Kind: WPH, Cross: true}, {Kind: WPH, Complex: true}, {Kind: WPH, DN: 1, Norm: "auto"},
		{Kind: WST}, {Kind: WST, Iso: true}, {Kind: WST, Synthesis: true}, {Kind: WST, Synthesis: true, Iso: true}, {Kind: WST, Local: true},
	} {
		op, err := Build(s, 32, 32)
		if err != nil {
			if s.Norm == "auto" {
				continue // needs a reference: BuildWithRef
			}
			t.Fatalf("%+v: %v", s, err)
		}
		full := s.WithDefaults(32, 32)
		d := ClassDoc(full, op.Labels())
		for _, c := range op.Labels().Class {
			if d[c] == "" {
				t.Errorf("%s: class %q has no description", full, c)
				d[c] = "reported"
			}
		}
		for c := range d {
			if !strings.Contains(strings.Join(op.Labels().Class, ","), c) {
				t.Errorf("%s: description of %q, not a class of the labels", full, c)
			}
		}
	}
	syn, _ := Build(Spec{Kind: SCov, Synthesis: true, Iso: true}, 32, 32)
	d := ClassDoc(Spec{Kind: SCov, Synthesis: true, Iso: true}.WithDefaults(32, 32), syn.Labels())
	if !strings.HasPrefix(d["mean"], "mean/std") || !strings.Contains(d["P00"], "natural log") {
		t.Errorf("scov synthesis: mean %q, P00 %q; want mean/std and a natural log", d["mean"], d["P00"])
	}
	raw, _ := Build(Spec{Kind: SCov}, 32, 32)
	if d := ClassDoc(Spec{Kind: SCov}.WithDefaults(32, 32), raw.Labels()); !strings.Contains(d["P00"], "not a log") || !strings.Contains(d["C01"], "not normalised") {
		t.Errorf("raw scov: P00 %q, C01 %q", d["P00"], d["C01"])
	}
	if ClassDoc(Spec{Kind: SCov}, nil) != nil {
		t.Error("nil labels: want nil")
	}
}
