package stlayer_test

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// TestRev1ConstantValueLoneNaN: ConstantValue's doc says a NaN makes x
// vary, but it compared x[1:] with x[0] only, so a one-element NaN slice
// was constant with value NaN ("constant (every pixel NaN)"), and
// wph.IsConstantRef, whose own loop (before 1498bcc) compared every pixel
// with the first, itself included, said true for a 1×1 NaN map where it
// had said false. Fails on 1498bcc: NaN, true and IsConstantRef true.
func TestRev1ConstantValueLoneNaN(t *testing.T) {
	nan := math.NaN()
	if v, ok := stlayer.ConstantValue([]float64{nan}); ok {
		t.Errorf("ConstantValue([NaN]) = %v, true; want 0, false (a NaN makes x vary)", v)
	}
	if v, ok := stlayer.ConstantValue([]float64{2.5}); !ok || v != 2.5 {
		t.Errorf("ConstantValue([2.5]) = %v, %v; want 2.5, true", v, ok)
	}
	x := stlayer.NewMaps(1, 1, 1)
	x.Data[0] = nan
	if wph.IsConstantRef(x, false) {
		t.Error("wph.IsConstantRef(1×1 NaN map) = true, want false as before 1498bcc")
	}
}
