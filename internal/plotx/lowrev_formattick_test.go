package plotx

import (
	"math"
	"testing"
)

// TestFormatTickEdges pins FormatTick's doc on edge values: a value just
// below 10⁴ that rounds up to it is "1e4" (it was "1e+04", %g's form), a
// subnormal keeps its exponent (5e-324 was "4.94e-16e-308": 10^−324
// underflows to 0), NaN and ±Inf read as such (they were
// "NaNe-9223372036854775808" and "+Infe-9223372036854775807").
func TestFormatTickEdges(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{9999.7, "1e4"}, {-9999.9, "-1e4"}, {9999.4, "9999"}, {999.95, "1000"},
		{0.00099996, "1e-3"}, {1e4, "1e4"}, {5e-324, "4.94e-324"}, {1e308, "1e308"},
		{-2.5e-7, "-2.5e-7"}, {math.MaxFloat64, "1.8e308"}, {9.9996e-6, "1e-5"},
		{math.NaN(), "NaN"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.Copysign(0, -1), "0"},
	} {
		if got := FormatTick(c.v); got != c.want {
			t.Errorf("FormatTick(%g) = %q, want %q", c.v, got, c.want)
		}
	}
	// SameFormLabels' exponent labels with more digits round from v too.
	if got := expLabelDigits(1.23456e-320, 4); got != "1.235e-320" {
		t.Errorf("expLabelDigits(1.23456e-320, 4) = %q, want 1.235e-320", got)
	}
}
