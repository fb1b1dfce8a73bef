package plotx

import (
	"image/color"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// outside holds the plots marked by LegendOutside.
var outside = struct {
	sync.Mutex
	m map[*plot.Plot]bool
}{m: map[*plot.Plot]bool{}}

// LegendOutside marks p so that SaveGrid (SaveGridTitled, GridLegendOverlaps)
// draws its legend outside its data area: in a strip to the right of the
// data area, top aligned with it, icons left of the texts; the panel's
// canvas (axes, data, title) is narrowed by the strip's width
// (OutsideLegendWidth), the other panels keep theirs. PlaceLegend leaves
// such a legend alone and no axis range is widened for it, so a fixed
// range (phases on [−π, π]) stays as set. A legend taller than the data
// area has its font shrunk to fit (down to minLegendFont). A plot without
// legend entries is drawn as before. The legend's font is set to at most
// 9 pt and its thumbnails to at most 12 pt wide, to take little of the
// panel's width.
func LegendOutside(p *plot.Plot) {
	if p.Legend.TextStyle.Font.Size > outsideFont {
		p.Legend.TextStyle.Font.Size = outsideFont
	}
	p.Legend.ThumbnailWidth = min(p.Legend.ThumbnailWidth, outsideThumb)
	outside.Lock()
	outside.m[p] = true
	outside.Unlock()
}

// IsLegendOutside reports whether p is marked by LegendOutside.
func IsLegendOutside(p *plot.Plot) bool {
	outside.Lock()
	defer outside.Unlock()
	return outside.m[p]
}

// outsideFont and outsideThumb are the largest font and thumbnail width
// of an outside legend.
const (
	outsideFont  = 9 * vg.Length(1)  // 9 pt
	outsideThumb = 12 * vg.Length(1) // 12 pt
)

// outsideGap is the space between the data area and an outside legend.
const outsideGap = 6 * vg.Length(1) // 6 pt

// minLegendFont is the smallest font an outside legend is shrunk to.
const minLegendFont = 6 * vg.Length(1) // 6 pt

// OutsideLegendWidth is the width SaveGrid takes from the right of p's
// canvas for its outside legend (LegendOutside): the legend's width
// (thumbnail and the longest entry) plus a gap of 6 pt; 0 when p is not
// marked or has no legend entries. A figure that wants its data areas as
// wide as without the legends widens each panel by this much.
func OutsideLegendWidth(p *plot.Plot) vg.Length {
	if p == nil || !IsLegendOutside(p) {
		return 0
	}
	r := p.Legend.Rectangle(draw.Canvas{})
	if r.Size().X <= 0 {
		return 0
	}
	return r.Size().X + outsideGap
}

// legendEntries counts p's legend entries (its rectangle's height over
// one entry's height and padding).
func legendEntries(p *plot.Plot) int {
	l := p.Legend
	r := l.Rectangle(draw.Canvas{})
	h := r.Size().Y
	if h <= 0 {
		return 0
	}
	one := l.TextStyle.Rectangle("Mg").Max.Y
	if one <= 0 {
		return 0
	}
	return int((h+l.Padding)/(one+l.Padding) + 0.5)
}

// cropOutside narrows the canvas of every panel marked LegendOutside that
// has legend entries by its OutsideLegendWidth, first shrinking the
// legend's font until the legend is no taller than the data area.
func cropOutside(plots [][]*plot.Plot, canvases [][]draw.Canvas) {
	for i := range plots {
		for j, p := range plots[i] {
			if p == nil || !IsLegendOutside(p) {
				continue
			}
			if legendEntries(p) == 0 {
				continue
			}
			H := p.DataCanvas(canvases[i][j]).Size().Y
			for k := 0; k < 40 && p.Legend.Rectangle(draw.Canvas{}).Size().Y > H && p.Legend.TextStyle.Font.Size > minLegendFont; k++ {
				p.Legend.TextStyle.Font.Size = max(minLegendFont, p.Legend.TextStyle.Font.Size*0.92)
			}
			canvases[i][j].Max.X -= OutsideLegendWidth(p)
		}
	}
}

// drawOutside draws p, marked LegendOutside, on its narrowed canvas c
// (cropOutside) without its legend, then the legend in the strip to the
// right of c, from the top of the data area down.
func drawOutside(p *plot.Plot, c draw.Canvas) {
	saved := p.Legend
	bare := plot.NewLegend()
	bare.TextStyle = saved.TextStyle
	p.Legend = bare
	p.Draw(c)
	p.Legend = saved
	l := saved
	l.Top, l.Left, l.XOffs, l.YOffs = true, true, 0, 0
	l.Draw(outsideStrip(p, c))
}

// outsideStrip is the rectangle (a canvas on c's surface) in which
// drawOutside draws p's legend: right of the narrowed canvas c by the gap,
// as wide as the legend, spanning the data area's height.
func outsideStrip(p *plot.Plot, c draw.Canvas) draw.Canvas {
	dc := p.DataCanvas(c)
	w := OutsideLegendWidth(p)
	return draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X + outsideGap, Y: dc.Min.Y},
		Max: vg.Point{X: c.Max.X + w, Y: dc.Max.Y},
	}}
}

// OutsideLegendLayout lays out plots as SaveGridTitled does on a w×h
// figure and returns, per panel marked LegendOutside (nil entries for the
// others), its data area and the rectangle of its legend strip, in the
// figure's coordinates (points).
func OutsideLegendLayout(title string, plots [][]*plot.Plot, w, h vg.Length) (data, legend [][]vg.Rectangle, err error) {
	data = make([][]vg.Rectangle, len(plots))
	legend = make([][]vg.Rectangle, len(plots))
	_, err = renderGridThen(title, plots, w, h, false, func(canvases [][]draw.Canvas) {
		for i := range plots {
			data[i] = make([]vg.Rectangle, len(plots[i]))
			legend[i] = make([]vg.Rectangle, len(plots[i]))
			for j, p := range plots[i] {
				if p == nil || !IsLegendOutside(p) {
					continue
				}
				data[i][j] = p.DataCanvas(canvases[i][j]).Rectangle
				legend[i][j] = outsideStrip(p, canvases[i][j]).Rectangle
			}
		}
	})
	return data, legend, err
}

// tab20light are the light companions of Palette's ten colours
// (matplotlib's tab20, odd entries).
var tab20light = []color.RGBA{
	{174, 199, 232, 255}, {255, 187, 120, 255}, {152, 223, 138, 255}, {255, 152, 150, 255},
	{197, 176, 213, 255}, {196, 156, 148, 255}, {247, 182, 210, 255}, {199, 199, 199, 255},
	{219, 219, 141, 255}, {158, 218, 229, 255},
}

// PaletteN is the colour of group i of n: Palette(i) when n ≤ 10; for
// more groups the 10 colours of Palette followed by their 10 light
// companions (matplotlib's tab20), so that up to 20 groups (the 16
// orientations of complex data at L = 8) get distinct colours; i is taken
// modulo 20.
func PaletteN(i, n int) color.Color {
	if n <= 10 {
		return Palette(i)
	}
	i = (i%20 + 20) % 20
	if i < 10 {
		return Palette(i)
	}
	return tab20light[i-10]
}

// outsideCovers counts the data marks of p (DataMarks) inside the strip
// of its outside legend (outsideStrip) when p is drawn on the narrowed
// canvas c; 0 for a legend without entries.
func outsideCovers(p *plot.Plot, c draw.Canvas) int {
	if legendEntries(p) == 0 {
		return 0
	}
	s := outsideStrip(p, c).Rectangle
	n := 0
	for _, r := range DataMarks(p, c) {
		if r.Min.X <= s.Max.X && r.Max.X >= s.Min.X && r.Min.Y <= s.Max.Y && r.Max.Y >= s.Min.Y {
			n++
		}
	}
	return n
}
