package plotx

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// The synth report's maps.png of one target and one synthesis is a narrow
// figure (about 3.4 inches) under the title "target: 1 of 1 (top);
// synthesis: 1 of 1 (bottom); one colour scale", which was drawn on one
// centred line and cut at both edges ("of 1 (top); … one co"). Figure
// titles are now wrapped at spaces to the figure's width: no title pixel
// touches the figure's side edges, and every word is kept.
func TestFigureTitleWrapped(t *testing.T) {
	const title = "target: 1 of 1 (top); synthesis: 1 of 1 (bottom); one colour scale"
	p := plot.New()
	if err := AddLines(p, false, "", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}); err != nil {
		t.Fatal(err)
	}
	w, h := 3.4*vg.Inch, 3*vg.Inch
	img, err := renderGrid(title, [][]*plot.Plot{{p}}, w, h, false)
	if err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, img)
	W := im.Bounds().Dx()
	// the title band: the top 0.6 inch
	for y := 0; y < DPI*6/10; y++ {
		for _, x := range []int{0, 1, 2, W - 3, W - 2, W - 1} {
			if r, g, b, _ := im.At(x, y).RGBA(); r < 0xc000 || g < 0xc000 || b < 0xc000 {
				t.Fatalf("title pixel at the figure's edge (%d, %d): the title is cut", x, y)
			}
		}
	}
	sty := plot.New().Title.TextStyle
	sty.Font.Size = vg.Points(14)
	got := WrapText(sty, title, w-4*vg.Millimeter)
	lines := strings.Split(got, "\n")
	if len(lines) < 2 {
		t.Errorf("title on %d line(s) over a %.1f in figure: %q", len(lines), float64(w/vg.Inch), got)
	}
	for _, l := range lines {
		if sty.Width(l) > w-4*vg.Millimeter {
			t.Errorf("line %q is %.0f pt wide, the figure %.0f pt", l, float64(sty.Width(l)), float64(w))
		}
	}
	if strings.Join(strings.Fields(got), " ") != title {
		t.Errorf("wrapped title %q lost or changed words of %q", got, title)
	}
	// a title that fits, and its line breaks, are kept
	if s := "a\nb c"; WrapText(sty, s, w) != s {
		t.Errorf("WrapText(%q) = %q", s, WrapText(sty, s, w))
	}
}
