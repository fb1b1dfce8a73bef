package plotx

import (
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

// TestMapRowHeightMaxAboveWidth: MapRowHeight's doc said a square or tall
// map gets max, but with max > w it gets the height that fits the map: a
// square map on a 3 in panel with max 3.3 in (cmd/stkit's demo figure) gets
// 3 in, a 1.1:1 tall one 0.7 + 2.3·1.1 = 3.23 in.
func TestMapRowHeightMaxAboveWidth(t *testing.T) {
	w, mx := 3*vg.Inch, 3.3*vg.Inch
	for _, c := range []struct {
		m, n int
		want vg.Length
	}{
		{64, 64, 3 * vg.Inch},
		{110, 100, (0.7 + 2.3*1.1) * vg.Inch},
		{200, 100, mx},
	} {
		if got := MapRowHeight(w, c.m, c.n, mx); math.Abs(float64(got-c.want)) > 1e-9 {
			t.Errorf("%d×%d: row height %v in, want %v in", c.m, c.n, got/vg.Inch, c.want/vg.Inch)
		}
	}
}
