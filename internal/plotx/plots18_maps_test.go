package plotx

import (
	"image"
	"image/color"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// isColour reports whether the pixel (x, y) of im is c exactly.
func isColour(im image.Image, x, y int, c color.RGBA) bool {
	r, g, b, _ := im.At(x, y).RGBA()
	return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(b>>8) == c.B
}

// Maps were drawn with row 0 at the top; FITS viewers (ds9, astropy's
// origin='lower') and stkit's counter-clockwise angles put it at the
// bottom. A map whose row 0 alone is bright is now drawn bright at the
// bottom of the image.
func TestPlots18MapRow0AtBottom(t *testing.T) {
	const m, n = 16, 16
	data := make([]float64, m*n)
	for j := 0; j < n; j++ {
		data[j] = 1 // row 0
	}
	p := MapPanel("row 0 bright", data, m, n, 0, 1, MapOptions{NoBar: true})
	im := decodePNG(t, mustRender(t, p))
	hi, lo := Viridis(1), Viridis(0)
	topHi, botLo := -1, -1
	b := im.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isColour(im, x, y, hi) && topHi < 0 {
				topHi = y
			}
			if isColour(im, x, y, lo) {
				botLo = y
			}
		}
	}
	if topHi < 0 || botLo < 0 {
		t.Fatalf("map not drawn (bright row from y=%d, dark rows to y=%d)", topHi, botLo)
	}
	if topHi <= botLo {
		t.Errorf("row 0 (bright) starts at y=%d, above the last dark row y=%d: want row 0 at the bottom", topHi, botLo)
	}
	// MapImage: row i is image row m−1−i
	img := MapImage(data, m, n, 0, 1)
	if !isColour(img, 0, m-1, hi) || !isColour(img, 0, 0, lo) {
		t.Errorf("MapImage: row 0 not in the image's last row")
	}
}

func mustRender(t *testing.T, p *plot.Plot) *vgimg.Canvas {
	t.Helper()
	c, err := renderGrid("", [][]*plot.Plot{{p}}, 4*vg.Inch, 3*vg.Inch, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The colour range (robust quantiles, e.g. I_1's 0.5–99.5 %: bar up to
// 0.36, max 1.064) clipped values without a word. MapNote says so, and the
// bar ends in a triangle (narrow at its tip) on a clipped side.
func TestPlots18MapClipNote(t *testing.T) {
	data := make([]float64, 200)
	for i := range data {
		data[i] = 0.5
	}
	data[3], data[7] = 1.064, -0.25
	if got, want := MapNote(data, 0, 1), "row 0 at bottom; colours clipped: ▲ 0.5 % up to 1.064, ▼ 0.5 % down to -0.25"; got != want {
		t.Errorf("MapNote = %q, want %q", got, want)
	}
	if got := MapNote(data, -1, 2); got != "row 0 at bottom" {
		t.Errorf("MapNote without clipping = %q", got)
	}
	// the bar's top: on a clipped map the top rows of yellow right of the
	// image are the triangle's tip, narrower than the triangle's base
	data = make([]float64, 20*20)
	for i := range data {
		data[i] = 0.5
	}
	data[0] = 1.5
	im := decodePNG(t, mustRender(t, MapPanel("m", data, 20, 20, 0, 1, MapOptions{})))
	b := im.Bounds()
	// x0: right of the image, from its top row (all Viridis(0.5); the
	// bar holds that colour only half-way down)
	x0 := -1
	for y := b.Min.Y; y < b.Max.Y && x0 < 0; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isColour(im, x, y, Viridis(0.5)) {
				x0 = x + 1
			}
		}
	}
	yellow := func(y int) int {
		k := 0
		for x := x0; x < b.Max.X; x++ {
			r, g, bb, _ := im.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 > 200 && bb>>8 < 100 {
				k++
			}
		}
		return k
	}
	top := -1
	for y := b.Min.Y; y < b.Max.Y && top < 0; y++ {
		if yellow(y) > 0 {
			top = y
		}
	}
	if top < 0 {
		t.Fatal("no bar drawn")
	}
	// the tip, and the bar under the triangle (~13 px high)
	tip, base := yellow(top+1), yellow(top+20)
	if base == 0 || tip*3 > base {
		t.Errorf("clipped bar: %d px wide at its top, %d px at 20 px below: want a triangle", tip, base)
	}
}
