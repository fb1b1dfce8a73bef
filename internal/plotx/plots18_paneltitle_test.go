package plotx

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// separate's loss.png (6.5 in wide) has the title line "4 epochs of 2
// stages one after the other (a jump: a new stage or epoch, samples
// redrawn, σ and bias recomputed)", which ran off both edges of the
// figure. A panel's title lines wider than the panel are now wrapped: no
// title pixel touches the figure's side edges, and every word is kept.
func TestPlots18PanelTitleWrapped(t *testing.T) {
	const note = "4 epochs of 2 stages one after the other (a jump: a new stage or epoch, samples redrawn, σ and bias recomputed)"
	const title = "loss at the start (iteration 0) and after each L-BFGS iteration\n" + note
	p := plot.New()
	p.Title.Text = title
	if err := AddLines(p, false, "", plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 2}}); err != nil {
		t.Fatal(err)
	}
	img, err := renderGrid("", [][]*plot.Plot{{p}}, 6.5*vg.Inch, 4.5*vg.Inch, false)
	if err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, img)
	W := im.Bounds().Dx()
	for y := 0; y < DPI*6/10; y++ {
		for _, x := range []int{0, 1, 2, W - 3, W - 2, W - 1} {
			if r, g, b, _ := im.At(x, y).RGBA(); r < 0xc000 || g < 0xc000 || b < 0xc000 {
				t.Fatalf("title pixel at the figure's edge (%d, %d): the title is cut", x, y)
			}
		}
	}
	if lines := strings.Split(p.Title.Text, "\n"); len(lines) < 3 {
		t.Errorf("title on %d lines, want the note wrapped: %q", len(lines), p.Title.Text)
	}
	if strings.Join(strings.Fields(p.Title.Text), " ") != strings.Join(strings.Fields(title), " ") {
		t.Errorf("wrapped title %q lost or changed words", p.Title.Text)
	}
	// a title that fits is kept as it is
	q := plot.New()
	q.Title.Text = "short\ntitle"
	if _, err := renderGrid("", [][]*plot.Plot{{q}}, 6.5*vg.Inch, 4.5*vg.Inch, false); err != nil {
		t.Fatal(err)
	}
	if q.Title.Text != "short\ntitle" {
		t.Errorf("title that fits changed to %q", q.Title.Text)
	}
}
