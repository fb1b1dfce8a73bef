package plotx

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// A phase panel (axis fixed at [−π, π]) with 16 legend entries whose points
// fill the whole axis: PlaceLegend found no free corner and widened the y
// range upwards (an "arg S01" panel ran to ≈ 6.5). With LegendOutside the
// legend is drawn in a strip right of the data area: the range stays
// [−π, π], the strip does not meet the data area, lies inside the figure,
// holds every entry (its font shrunk to fit the data area's height) and
// covers no data mark (its font at most 9 pt); a panel without the mark
// keeps the old placement.
func TestDashfix19LegendOutside(t *testing.T) {
	mk := func() *plot.Plot {
		p := plot.New()
		p.Title.Text = "arg S01"
		for l := 0; l < 16; l++ {
			var xy plotter.XYs
			for x := 0; x < 5; x++ {
				xy = append(xy, plotter.XY{X: float64(x) + 0.02*float64(l), Y: -math.Pi + 2*math.Pi*float64((l*5+x)%17)/16})
			}
			s, err := plotter.NewScatter(xy)
			if err != nil {
				t.Fatal(err)
			}
			s.Color, s.Shape, s.Radius = PaletteN(l, 16), draw.CircleGlyph{}, vg.Points(3)
			p.Add(s)
			p.Legend.Add(fmt.Sprintf("l1=%d (θ=%g°)", l, float64(l)*22.5), s)
		}
		p.Y.Min, p.Y.Max = -math.Pi, math.Pi
		return p
	}
	w, h := 9*vg.Inch, 2.5*vg.Inch
	in, out := mk(), mk()
	LegendOutside(out)
	if IsLegendOutside(in) || !IsLegendOutside(out) {
		t.Fatal("LegendOutside marks the wrong plot")
	}
	grid := [][]*plot.Plot{{in, out}}
	data, leg, err := OutsideLegendLayout("t", grid, w, h)
	if err != nil {
		t.Fatal(err)
	}
	if out.Y.Min != -math.Pi || out.Y.Max != math.Pi {
		t.Errorf("outside legend: y range [%g, %g], want [−π, π]", out.Y.Min, out.Y.Max)
	}
	d, s := data[0][1], leg[0][1]
	if s.Min.X < d.Max.X+outsideGap-1e-9 {
		t.Errorf("legend strip starts at x = %v, inside the data area (ends %v)", s.Min.X, d.Max.X)
	}
	if s.Max.X > w+1e-9 || s.Min.X >= s.Max.X {
		t.Errorf("legend strip [%v, %v] outside the figure (width %v)", s.Min.X, s.Max.X, w)
	}
	lh := out.Legend.Rectangle(draw.Canvas{}).Size().Y
	if lh > d.Size().Y+1e-9 {
		t.Errorf("legend %v tall in a data area %v tall: font not shrunk (%v)", lh, d.Size().Y, out.Legend.TextStyle.Font.Size)
	}
	if out.Legend.TextStyle.Font.Size >= outsideFont || out.Legend.TextStyle.Font.Size < minLegendFont {
		t.Errorf("legend font %v, want shrunk below %v and ≥ %v", out.Legend.TextStyle.Font.Size, outsideFont, minLegendFont)
	}
	ov, err := GridLegendOverlaps("t", grid, w, h)
	if err != nil {
		t.Fatal(err)
	}
	if ov[0][0] == 0 {
		t.Errorf("unmarked panel: legend clear of the data; the test wants a crowded panel")
	}
	if ov[0][1] != 0 {
		t.Errorf("outside legend covers %d data marks", ov[0][1])
	}
	// the strip is drawn: coloured thumbnails (a tab20 colour) in it
	img, err := renderGrid("t", [][]*plot.Plot{{mk(), func() *plot.Plot { p := mk(); LegendOutside(p); return p }()}}, w, h, false)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	pic, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	px := func(v vg.Length) int { return int(float64(v) * DPI / 72) }
	H := pic.Bounds().Dy()
	want := map[color.RGBA]bool{}
	for l := 0; l < 16; l++ {
		want[color.RGBAModel.Convert(PaletteN(l, 16)).(color.RGBA)] = true
	}
	seen := map[color.RGBA]bool{}
	for y := H - px(s.Max.Y); y < H-px(s.Min.Y); y++ {
		for x := px(s.Min.X); x < px(s.Max.X); x++ {
			c := color.RGBAModel.Convert(pic.At(x, y)).(color.RGBA)
			if want[c] {
				seen[c] = true
			}
		}
	}
	if len(seen) != 16 {
		t.Errorf("%d of the 16 entry colours drawn in the legend strip", len(seen))
	}
}

// PaletteN gives 16 groups 16 different colours (Palette repeats after 10)
// and is Palette for up to 10 groups.
func TestDashfix19PaletteN(t *testing.T) {
	seen := map[color.RGBA]int{}
	for i := 0; i < 16; i++ {
		seen[color.RGBAModel.Convert(PaletteN(i, 16)).(color.RGBA)]++
	}
	if len(seen) != 16 {
		t.Errorf("PaletteN: %d distinct colours for 16 groups", len(seen))
	}
	for i := 0; i < 10; i++ {
		if PaletteN(i, 8) != Palette(i) || PaletteN(i, 16) != Palette(i) {
			t.Errorf("PaletteN(%d, ·) is not Palette(%d)", i, i)
		}
	}
}
