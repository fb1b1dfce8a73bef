package plotx

import (
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// LegendBox is the oracle of the legend tests: every pixel that the legend
// changes (the figure drawn with and without it) must lie inside the box
// (to within a pixel of antialiasing), and the box must not be much larger
// than those pixels.
func TestLegendBoxMatchesPixels(t *testing.T) {
	for _, k := range []struct{ top, left bool }{{true, false}, {true, true}, {false, false}, {false, true}} {
		p := plot.New()
		p.Title.Text = "legend box"
		if err := AddLines(p, true, "first series", plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, "b", plotter.XYs{{X: 0, Y: 1}}); err != nil {
			t.Fatal(err)
		}
		p.Legend.Top, p.Legend.Left = k.top, k.left
		w, h := 4*vg.Inch, 3*vg.Inch
		draw1 := func() *vgimg.Canvas {
			img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
			dc := draw.New(img)
			p.Draw(dc)
			return img
		}
		with := decodePNG(t, draw1())
		box, ok := LegendBox(p, draw.New(vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))))
		if !ok {
			t.Fatal("no legend box for a legend of two entries")
		}
		saved := p.Legend
		p.Legend = plot.NewLegend()
		without := decodePNG(t, draw1())
		p.Legend = saved
		// the box in pixels (y down)
		px := func(v vg.Length) float64 { return float64(v) * DPI / 72 }
		H := float64(with.Bounds().Dy())
		x0, x1, y0, y1 := px(box.Min.X), px(box.Max.X), H-px(box.Max.Y), H-px(box.Min.Y)
		lo, hi := [2]int{math.MaxInt, math.MaxInt}, [2]int{math.MinInt, math.MinInt}
		for y := 0; y < with.Bounds().Dy(); y++ {
			for x := 0; x < with.Bounds().Dx(); x++ {
				if with.At(x, y) == without.At(x, y) {
					continue
				}
				lo, hi = [2]int{min(lo[0], x), min(lo[1], y)}, [2]int{max(hi[0], x), max(hi[1], y)}
				if float64(x) < x0-1.5 || float64(x) > x1+1.5 || float64(y) < y0-1.5 || float64(y) > y1+1.5 {
					t.Fatalf("top=%v left=%v: legend pixel (%d, %d) outside its box x [%.1f, %.1f], y [%.1f, %.1f]", k.top, k.left, x, y, x0, x1, y0, y1)
				}
			}
		}
		if lo[0] == math.MaxInt {
			t.Fatalf("top=%v left=%v: the legend changed no pixel", k.top, k.left)
		}
		// the drawn pixels span the box, but for the text's side bearings and
		// the space below the baseline of letters without descenders
		if float64(lo[0]) > x0+4 || float64(hi[0]) < x1-4 || float64(lo[1]) > y0+6 || float64(hi[1]) < y1-8 {
			t.Errorf("top=%v left=%v: legend pixels x [%d, %d], y [%d, %d] fill little of its box x [%.1f, %.1f], y [%.1f, %.1f]", k.top, k.left, lo[0], hi[0], lo[1], hi[1], x0, x1, y0, y1)
		}
	}
}

// PlaceLegend joined every pair of consecutive glyphs going left to right
// as if they were a line's vertices, so the gap between two scatter points
// counted as data: here the phantom segment from (0.7, 1) to (1, 0.8) ran
// through the free top-right corner, and with the other corners taken it
// widened the y range. Markers are no longer joined (a line's vertices,
// boxes at most 3 pt wide, still are); the legend takes the top right,
// clear of every mark.
func TestPlaceLegendScatterNotJoined(t *testing.T) {
	p := plot.New()
	pts := plotter.XYs{{X: 0, Y: 0}, {X: 0, Y: 1}, {X: 1, Y: 0}, {X: 0.7, Y: 1}, {X: 1, Y: 0.8}}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		t.Fatal(err)
	}
	s.Radius = vg.Points(2)
	p.Add(s)
	p.Legend.Add("a", s)
	c := draw.New(vgimg.NewWith(vgimg.UseWH(5*vg.Inch, 4*vg.Inch), vgimg.UseDPI(DPI)))
	if PlaceLegend(p, c) {
		t.Errorf("the y range was widened to [%g, %g] although the top right is free", p.Y.Min, p.Y.Max)
	}
	if !p.Legend.Top || p.Legend.Left {
		t.Errorf("legend top=%v left=%v, want the free top right", p.Legend.Top, p.Legend.Left)
	}
	if n := LegendOverlaps(p, c); n != 0 {
		t.Errorf("the legend covers %d marks", n)
	}
	// a line through the same points is data along its segments: the
	// top right is no longer free
	q := plot.New()
	if err := AddLines(q, false, "a", pts); err != nil {
		t.Fatal(err)
	}
	PlaceLegend(q, c)
	if n := LegendOverlaps(q, c); n != 0 {
		t.Errorf("line: the legend (top=%v left=%v, y max %g) covers %d marks", q.Legend.Top, q.Legend.Left, q.Y.Max, n)
	}
}
