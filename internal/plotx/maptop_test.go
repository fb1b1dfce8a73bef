package plotx

import (
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// A map wider than its panel (48×96 in a square panel) was centred
// vertically, half a panel below its title; it now sits right under the
// title, the room left below it.
func TestMapPanelTopAligned(t *testing.T) {
	const m, n = 24, 96
	flat := make([]float64, m*n) // every pixel at lo: Viridis(0)
	row := []*plot.Plot{MapPlot("wide map", flat, m, n, 0, 1), MapPlot("other", flat, m, n, 0, 1)}
	img, err := renderGrid("", [][]*plot.Plot{row}, 8*vg.Inch, 4*vg.Inch, false)
	if err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, img)
	low := Viridis(0)
	b := im.Bounds()
	first, last := -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Dx()/2; x++ {
			r, g, bb, _ := im.At(x, y).RGBA()
			if uint8(r>>8) == low.R && uint8(g>>8) == low.G && uint8(bb>>8) == low.B {
				if first < 0 {
					first = y
				}
				last = y
				break
			}
		}
	}
	if first < 0 {
		t.Fatal("map not drawn")
	}
	// 4 in = 384 px: the title takes ~20 px, the map (about 4:1 in a
	// ~3.5 in wide panel) ~80 px; centred it started ~150 px down.
	if first > 40 {
		t.Errorf("map starts %d px from the top (ends at %d of %d), want right under the title", first, last, b.Dy())
	}
}

// MapRowHeight: a square or tall map gets the square row height, a map
// twice as wide as tall about half of it.
func TestMapRowHeight(t *testing.T) {
	w, sq := 3.4*vg.Inch, 3.4*vg.Inch
	for _, c := range []struct {
		m, n int
		want vg.Length
	}{
		{64, 64, sq}, {128, 64, sq}, {0, 64, sq},
		{48, 96, (3.4-0.7)/2*vg.Inch + 0.7*vg.Inch},
		{16, 160, 0.27*vg.Inch + 0.7*vg.Inch},
	} {
		if got := MapRowHeight(w, c.m, c.n, sq); math.Abs(float64(got-c.want)) > 1e-9 {
			t.Errorf("%d×%d: row height %v in, want %v in", c.m, c.n, got/vg.Inch, c.want/vg.Inch)
		}
	}
}
