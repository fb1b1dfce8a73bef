package stats

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestRev1_25ConstantRefDefaultsFirst: CheckConstantRef checks the spec's
// options as BuildWithRef does, after the defaults (Spec.WithDefaults):
// --cut 0.5 is the default border (WithDefaults resets it to 0), so wph
// norm auto with Cut 0.5 and the default --pad is a valid spec that
// BuildWithRef builds; fixa25's options check on the raw spec refused it
// ("--cut 0.5 sets the border --pad crop leaves out, but the boundary is
// --pad : …", the empty --pad), and a Cut of 0.3 was refused naming "--pad "
// where BuildWithRef names "--pad periodic". Valid or not, the answer is
// BuildWithRef's.
func TestRev1_25ConstantRefDefaultsFirst(t *testing.T) {
	const M = 16
	x := stlayer.NewMaps(2, M, M) // two constant maps: a constant reference
	for b, v := range []float64{0.001, 0.002} {
		for i := range x.Map(b) {
			x.Map(b)[i] = v
		}
	}
	y := stlayer.NewMaps(2, M, M) // varying maps: a valid reference
	for i := range y.Data {
		y.Data[i] = float64(i%7) - 3
	}
	eng := cpu.New()
	// Cut 0.5, the default: valid; the constant reference is refused as
	// without it, and a varying one accepted
	s := Spec{Kind: WPH, J: 2, L: 4, Norm: "auto", Cut: 0.5}
	want := CheckConstantRef(Spec{Kind: WPH, J: 2, L: 4, Norm: "auto"}, x)
	if got := CheckConstantRef(s, x); want == nil || got == nil || got.Error() != want.Error() {
		t.Errorf("Cut 0.5, constant maps: %v\nwant (as without Cut) %v", got, want)
	}
	if _, err := BuildWithRef(s, eng, y); err != nil {
		t.Fatalf("BuildWithRef, Cut 0.5: %v", err)
	}
	if err := CheckConstantRef(s, y); err != nil {
		t.Errorf("Cut 0.5, varying maps: %v, want nil (BuildWithRef builds it)", err)
	}
	// Cut 0.3 without --pad crop: BuildWithRef's error, word for word
	s.Cut = 0.3
	_, berr := BuildWithRef(s, eng, y)
	if err := CheckConstantRef(s, x); berr == nil || err == nil || err.Error() != berr.Error() {
		t.Errorf("Cut 0.3: CheckConstantRef %v\nwant BuildWithRef's %v", err, berr)
	}
}
