package stats

import (
	"strings"
	"testing"
)

// The local WST's class_doc gave |x⋆ψ_{j1,l1}|⋆φ_J per grid point as if
// exact; for j1 ≥ 1 the values are Kymatio's, with the modulus taken on the
// grid subsampled by 2^{j1} (7.1 % off the full-resolution formula at
// j1 = 2 on a 64² dust map: wst's TestDocfix21LocalS1IsSubsampled). The
// class_doc now says so for S1 and S2.
func TestDocfix21LocalClassDocSaysSubsampled(t *testing.T) {
	s := Spec{Kind: WST, J: 3, L: 4, Local: true}
	op, err := Build(s, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	d := ClassDoc(s.WithDefaults(64, 64), op.Labels())
	if want := "exact at j1 = 0, for j1 ≥ 1 Kymatio's value: the modulus taken on the grid subsampled by 2^{j1} (aliased), a few % off this formula at full resolution (up to 7 % at j1 = 2 on a 64² dust map)"; !strings.Contains(d["S1"], want) {
		t.Errorf("local S1 class_doc %q, want it to contain %q", d["S1"], want)
	}
	if want := "Kymatio's value: the moduli taken on the grids subsampled by 2^{j1} and 2^{j2} (aliased)"; !strings.Contains(d["S2"], want) {
		t.Errorf("local S2 class_doc %q, want it to contain %q", d["S2"], want)
	}
	if strings.Contains(d["S0"], "aliased") {
		t.Errorf("local S0 class_doc %q: S0 is exact", d["S0"])
	}
}
