package datasets

import (
	"math"
	"testing"
)

// With a PC matrix the linear transformation is CDi_j = CDELTi × PCi_j
// (FITS WCS Paper I), so the pixel scale along pixel axis j is the norm of
// column j of that product. PixelScaleCards took |CDELTj| × √(PC1_j² +
// PC2_j²), which is wrong when CDELT1 ≠ CDELT2 under a rotation: here
// CDELT1 = −0.002, CDELT2 = 0.001 rotated by 30° gave −0.002 and 0.001
// instead of −√3.25e-6 and √1.75e-6. The PC form and the equivalent CD
// form must give the same cards.
func TestUnitfits20PCScaleEqualsCD(t *testing.T) {
	r := 30 * math.Pi / 180
	c, s := math.Cos(r), math.Sin(r)
	cdelt := [2]float64{-0.002, 0.001}
	pc := [2][2]float64{{c, -s}, {s, c}}
	pcForm := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CDELT1", Value: cdelt[0]}, {Key: "CDELT2", Value: cdelt[1]},
		{Key: "PC1_1", Value: pc[0][0]}, {Key: "PC1_2", Value: pc[0][1]},
		{Key: "PC2_1", Value: pc[1][0]}, {Key: "PC2_2", Value: pc[1][1]},
	}
	cdForm := []Card{
		{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CD1_1", Value: cdelt[0] * pc[0][0]}, {Key: "CD1_2", Value: cdelt[0] * pc[0][1]},
		{Key: "CD2_1", Value: cdelt[1] * pc[1][0]}, {Key: "CD2_2", Value: cdelt[1] * pc[1][1]},
	}
	scales := func(cards []Card) map[string]any {
		got := map[string]any{}
		for _, k := range PixelScaleCards(cards) {
			got[k.Key] = k.Value
		}
		return got
	}
	// column 1: (−0.002 cos 30°, 0.001 sin 30°), column 2: (0.002 sin 30°,
	// 0.001 cos 30°); signs those of the diagonal
	want := map[string]float64{"CDELT1": -math.Sqrt(3.25e-6), "CDELT2": math.Sqrt(1.75e-6)}
	gp, gc := scales(pcForm), scales(cdForm)
	for k, w := range want {
		p, _ := gp[k].(float64)
		d, _ := gc[k].(float64)
		if math.Abs(p-w) > 1e-15 || math.Abs(d-w) > 1e-15 {
			t.Errorf("%s: PC form %v, CD form %v, want %v", k, gp[k], gc[k], w)
		}
	}
	for _, k := range []string{"CUNIT1", "CUNIT2"} {
		if gp[k] != "deg" || gc[k] != "deg" {
			t.Errorf("%s: PC form %v, CD form %v, want deg", k, gp[k], gc[k])
		}
	}
	if len(gp) != 4 || len(gc) != 4 {
		t.Errorf("cards: PC form %v, CD form %v", gp, gc)
	}
}
