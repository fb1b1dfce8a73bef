package plotx

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// LegendBox returns the rectangle, in c's coordinates (points), that the
// legend of p covers when p is drawn on c as it stands (corner, XOffs,
// YOffs): the union of the boxes of its entries' texts (advance width ×
// ascent + descent) and thumbnails, measured by drawing p on a recorder
// with and without its legend. ok is false when p has no legend entries.
func LegendBox(p *plot.Plot, c draw.Canvas) (box vg.Rectangle, ok bool) {
	record := func() []recorder.Action {
		r := &recorder.Canvas{}
		p.Draw(draw.Canvas{Canvas: r, Rectangle: c.Rectangle})
		return r.Actions
	}
	all := record()
	saved := p.Legend
	bare := plot.NewLegend()
	bare.TextStyle = saved.TextStyle
	p.Legend = bare
	without := record()
	p.Legend = saved
	if len(all) <= len(without) {
		return vg.Rectangle{}, false
	}
	ext := saved.TextStyle.FontExtents()
	grow := func(r vg.Rectangle) {
		if !ok {
			box, ok = r, true
			return
		}
		box.Min.X, box.Min.Y = min(box.Min.X, r.Min.X), min(box.Min.Y, r.Min.Y)
		box.Max.X, box.Max.Y = max(box.Max.X, r.Max.X), max(box.Max.Y, r.Max.Y)
	}
	path := func(ps vg.Path) {
		for _, pc := range ps {
			switch pc.Type {
			case vg.MoveComp, vg.LineComp:
				grow(vg.Rectangle{Min: pc.Pos, Max: pc.Pos})
			case vg.ArcComp:
				r := pc.Radius
				grow(vg.Rectangle{Min: vg.Point{X: pc.Pos.X - r, Y: pc.Pos.Y - r}, Max: vg.Point{X: pc.Pos.X + r, Y: pc.Pos.Y + r}})
			}
		}
	}
	for _, a := range all[len(without):] {
		switch a := a.(type) {
		case *recorder.FillString:
			w := saved.TextStyle.Width(a.String)
			grow(vg.Rectangle{Min: vg.Point{X: a.Point.X, Y: a.Point.Y - ext.Descent}, Max: vg.Point{X: a.Point.X + w, Y: a.Point.Y + ext.Ascent}})
		case *recorder.Fill:
			path(a.Path)
		case *recorder.Stroke:
			path(a.Path)
		}
	}
	return box, ok
}

// DataMarks returns where p draws its data on c, in c's coordinates: the
// glyph boxes of its plotters (markers at their drawn size; a line's
// vertices as boxes of its width), plus points every 2 pt along each
// segment of a line, as zero-size rectangles. A segment is taken to join
// consecutive boxes that are both at most lineBox wide (a line's vertices,
// not markers: a scatter's points are not joined) and go left to right (the
// jump from one line to the next usually goes back to the left).
func DataMarks(p *plot.Plot, c draw.Canvas) []vg.Rectangle {
	dc := p.DataCanvas(c)
	var out []vg.Rectangle
	boxes := p.GlyphBoxes(p)
	at := func(x, y float64) vg.Point { return vg.Point{X: dc.X(x), Y: dc.Y(y)} }
	for i, b := range boxes {
		o := at(b.X, b.Y)
		out = append(out, b.Rectangle.Add(o))
		if i+1 < len(boxes) {
			nb := boxes[i+1]
			if nb.X > b.X && b.Size().X <= lineBox && nb.Size().X <= lineBox {
				q := at(nb.X, nb.Y)
				n := max(2, int(math.Hypot(float64(q.X-o.X), float64(q.Y-o.Y))/2))
				for s := 1; s < n; s++ {
					f := vg.Length(s) / vg.Length(n)
					pt := vg.Point{X: o.X + f*(q.X-o.X), Y: o.Y + f*(q.Y-o.Y)}
					out = append(out, vg.Rectangle{Min: pt, Max: pt})
				}
			}
		}
	}
	return out
}

// lineBox is the widest glyph box DataMarks takes for a line's vertex: a
// line of width up to 3 pt (markers of radius 2 pt have 4 pt boxes).
const lineBox = 3 * vg.Length(1) // 3 pt (vg lengths are in points)

// legendMargin is the clearance PlaceLegend keeps between the legend and
// the data marks (at 4 pt, legends stood among the points of crowded
// panels, a marker 5 pt beside an entry).
const legendMargin = 10 * vg.Length(1) // 10 pt

// LegendOverlaps counts the data marks of p (DataMarks) that the legend of
// p (LegendBox) covers or touches when p is drawn on c: 0 for a legend
// clear of the data, and for a plot without legend entries.
func LegendOverlaps(p *plot.Plot, c draw.Canvas) int { return legendCovers(p, c, 0) }

// legendCovers is LegendOverlaps with the legend's box grown by margin on
// every side.
func legendCovers(p *plot.Plot, c draw.Canvas, margin vg.Length) int {
	box, ok := LegendBox(p, c)
	if !ok {
		return 0
	}
	n := 0
	for _, r := range DataMarks(p, c) {
		if r.Min.X <= box.Max.X+margin && r.Max.X >= box.Min.X-margin && r.Min.Y <= box.Max.Y+margin && r.Max.Y >= box.Min.Y-margin {
			n++
		}
	}
	return n
}

// PlaceLegend puts the legend of p (drawn on canvas c) in the corner of its
// data area where it covers the fewest data marks (DataMarks, with a 10 pt
// clearance; the legend where gonum draws it, a top one aligned with the
// data area's top as SaveGrid aligns it), preferring top right, top left,
// bottom right, bottom left. When every corner covers some, the y range is
// widened upwards, in steps, until the legend sits clear above the data at
// the top right or left, unless the legend needs more than half the
// height (then it stays in the best corner). It reports whether it widened
// a range. A plot without legend entries is left as it is.
func PlaceLegend(p *plot.Plot, c draw.Canvas) bool {
	if IsLegendOutside(p) {
		return false // drawn beside the data area (LegendOutside)
	}
	if _, ok := LegendBox(p, c); !ok {
		return false
	}
	dc := p.DataCanvas(c)
	H := float64(dc.Size().Y)
	if H <= 0 || float64(dc.Size().X) <= 0 {
		return false
	}
	try := func(top, left bool) int {
		p.Legend.Top, p.Legend.Left = top, left
		alignLegendTop(p, c)
		return legendCovers(p, c, legendMargin)
	}
	type corner struct{ top, left bool }
	best, bestN := corner{true, false}, math.MaxInt
	for _, k := range []corner{{true, false}, {true, true}, {false, false}, {false, true}} {
		if n := try(k.top, k.left); n < bestN {
			best, bestN = k, n
		}
		if bestN == 0 {
			break
		}
	}
	try(best.top, best.left)
	fh := (float64(p.Legend.Rectangle(dc).Size().Y) + float64(2*legendMargin)) / H
	if bestN == 0 || fh >= 0.5 {
		return false
	}
	// No free corner: make room above the data. The legend takes the top
	// fraction f of the axes once the range is widened to (hi − lo)/(1 − f);
	// f grows until the legend is clear (the tick labels, hence the data
	// area, can change with the range).
	lo, hi := p.Y.Min, p.Y.Max
	_, isLog := p.Y.Scale.(plot.LogScale)
	if !(hi > lo) || isLog && !(lo > 0) {
		return false
	}
	widen := func(f float64) {
		if isLog {
			p.Y.Max = math.Exp(math.Log(lo) + (math.Log(hi)-math.Log(lo))/(1-f))
		} else {
			p.Y.Max = lo + (hi-lo)/(1-f)
		}
	}
	for f := fh; f < 0.6; f += 0.03 {
		widen(f)
		bestN = math.MaxInt
		for _, left := range []bool{false, true} {
			if n := try(true, left); n < bestN {
				best, bestN = corner{true, left}, n
			}
			if bestN == 0 {
				return true
			}
		}
	}
	try(best.top, best.left)
	return true
}

// GridLegendOverlaps lays out plots as SaveGridTitled does on a w×h figure
// (legends placed by PlaceLegend, top legends aligned) and returns, per
// panel, LegendOverlaps on its canvas (0 for nil panels; for a panel
// marked LegendOutside, the data marks inside its legend's strip).
func GridLegendOverlaps(title string, plots [][]*plot.Plot, w, h vg.Length) ([][]int, error) {
	out := make([][]int, len(plots))
	_, err := renderGridThen(title, plots, w, h, false, func(canvases [][]draw.Canvas) {
		for i := range plots {
			out[i] = make([]int, len(plots[i]))
			for j, p := range plots[i] {
				switch {
				case p == nil:
				case IsLegendOutside(p):
					out[i][j] = outsideCovers(p, canvases[i][j])
				default:
					out[i][j] = LegendOverlaps(p, canvases[i][j])
				}
			}
		}
	})
	return out, err
}
