package datasets

import (
	"math"
	"testing"
)

// PixelScaleCards and SkyOrientationCards read numbers with one function,
// cardNum, which takes every numeric Value a Card may hold: float64 and
// int64 as read from a file, and int and float32, which a caller may set
// (Card's doc). Before, PixelScaleCards had its own reader without int
// and float32, so CDELT1 = int(2) or CD1_1 = float32(-0.5) built by hand
// gave no pixel scale, and SkyOrientationCards' copy had no float32
// (CDELTi = float32: "no CDELTi, CDi_j or PCi_j, so no position angle").
func TestTidy20CardNum(t *testing.T) {
	for _, v := range []any{2.0, int64(2), int(2), float32(2)} {
		got := PixelScaleCards([]Card{{Key: "CDELT1", Value: v}, {Key: "CDELT2", Value: v}})
		if len(got) != 2 || got[0].Value != 2.0 || got[1].Value != 2.0 {
			t.Errorf("CDELTi = %T 2: %+v, want CDELT1 = CDELT2 = 2", v, got)
		}
	}
	got := PixelScaleCards([]Card{{Key: "CD1_1", Value: float32(-0.5)}, {Key: "CD2_2", Value: int(3)}})
	if len(got) != 2 || got[0].Value != -0.5 || got[1].Value != 3.0 {
		t.Errorf("CD1_1 = float32 −0.5, CD2_2 = int 3: %+v", got)
	}
	if got := PixelScaleCards([]Card{{Key: "CDELT1", Value: "2"}}); got != nil {
		t.Errorf("CDELT1 a string: %+v, want no pixel scale", got)
	}
	// east-left, 1′ pixels given as float32: a direction up the map (90°)
	// points north (PA 0°), across (0°) east (PA 90°)
	o, note := SkyOrientationCards([]Card{{Key: "CTYPE1", Value: "RA---TAN"}, {Key: "CTYPE2", Value: "DEC--TAN"},
		{Key: "CDELT1", Value: float32(-1.0 / 60)}, {Key: "CDELT2", Value: float32(1.0 / 60)}})
	if o == nil {
		t.Fatalf("float32 CDELT: no orientation: %s", note)
	}
	for s, want := range map[float64]float64{90: 0, 0: 90, 120: 30} {
		d := math.Mod(math.Abs(o.PositionAngle(s)-want), 180)
		if min(d, 180-d) > 1e-9 {
			t.Errorf("float32 CDELT: PositionAngle(%v°) = %.9g°, want %v°", s, o.PositionAngle(s), want)
		}
	}
	for _, v := range []any{nil, "1", true, RawValue("(1, 2)")} {
		if _, ok := cardNum(v); ok {
			t.Errorf("cardNum(%#v): a number", v)
		}
	}
}
