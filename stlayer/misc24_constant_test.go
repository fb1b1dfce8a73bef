package stlayer

import (
	"math"
	"testing"
)

func TestMisc24ConstantValue(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	negz := math.Copysign(0, -1)
	cases := []struct {
		name  string
		x     []float64
		v     float64
		ok    bool
		words string
	}{
		{"empty", nil, 0, false, ""},
		{"one pixel", []float64{2.5}, 2.5, true, "constant (every pixel 2.5)"},
		{"all equal", []float64{0.001, 0.001, 0.001, 0.001}, 0.001, true, "constant (every pixel 0.001)"},
		{"zero", []float64{0, 0, 0}, 0, true, "identically zero"},
		{"-0", []float64{negz, negz}, negz, true, "identically zero"},
		{"-0 and +0", []float64{negz, 0, negz}, negz, true, "identically zero"},
		{"+Inf", []float64{inf, inf}, inf, true, "constant (every pixel +Inf)"},
		{"-Inf", []float64{-inf, -inf, -inf}, -inf, true, "constant (every pixel -Inf)"},
		{"+Inf and -Inf", []float64{inf, -inf}, 0, false, ""},
		{"all NaN", []float64{nan, nan}, 0, false, ""},
		{"one NaN", []float64{1, nan, 1}, 0, false, ""},
		{"NaN first", []float64{nan, 1, 1}, 0, false, ""},
		{"one different pixel (last)", []float64{3, 3, 3, 3.0000000000000004}, 0, false, ""},
		{"one different pixel (first)", []float64{-1, 3, 3, 3}, 0, false, ""},
	}
	for _, c := range cases {
		v, ok := ConstantValue(c.x)
		if ok != c.ok || math.Float64bits(v) != math.Float64bits(c.v) {
			t.Errorf("%s: ConstantValue = %v, %v; want %v, %v", c.name, v, ok, c.v, c.ok)
		}
		if ok {
			if w := ConstantWords(v); w != c.words {
				t.Errorf("%s: ConstantWords(%v) = %q, want %q", c.name, v, w, c.words)
			}
		}
	}
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "identically zero"}, {math.Copysign(0, -1), "identically zero"}, {0.001, "every pixel 0.001"}, {-3, "every pixel -3"}, {math.Inf(-1), "every pixel -Inf"}} {
		if got := ConstantPixels(c.v); got != c.want {
			t.Errorf("ConstantPixels(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
