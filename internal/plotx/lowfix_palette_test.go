package plotx

import (
	"math"
	"testing"
)

// TestPaletteNegativeIndex: Palette(−1) panicked ("index out of range
// [-1]"). The index now wraps modulo the palette's 10 colours both ways:
// Palette(i) = Palette(i mod 10) in 0…9.
func TestPaletteNegativeIndex(t *testing.T) {
	for _, c := range []struct{ i, same int }{
		{-1, 9}, {-9, 1}, {-10, 0}, {-11, 9}, {-25, 5}, {10, 0}, {23, 3},
		{math.MinInt, 2}, // −9223372036854775808 = −922337203685477581·10 + 2
		{math.MaxInt, 7}, // 9223372036854775807
	} {
		if got, want := Palette(c.i), Palette(c.same); got != want {
			t.Errorf("Palette(%d) = %v, want Palette(%d) = %v", c.i, got, c.same, want)
		}
	}
}
