// Package plotx holds the small plotting helpers shared by stkit's reports:
// tiled PNG figures with gonum/plot (legends placed where they cover no
// data), map images with a colour bar (viridis for intensities, a diverging
// blue–white–red map centred on 0 for differences), log-axis ticks that label
// every decade or, on short ranges, 1-2-5 steps, and atomic file writes.
package plotx

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// DPI is the resolution of the PNGs written by Save and SaveGrid: a figure
// of w×h inches is 96w × 96h pixels.
const DPI = 96

// WriteFileAtomic writes data to path through internal/atomicfile (a
// temporary file and a rename: readers never see a partial file, a failed
// write keeps the old one; devices and pipes are written in place, links
// followed, directories refused). New files get mode 0644, replaced files
// keep theirs.
func WriteFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0)
}

// SaveGrid draws plots (rows × cols, nil entries left empty) aligned on one
// canvas of size w×h and writes it as a PNG to path. An axis whose ticker
// is a LabelEnds is first widened to labelled ends (LogToLabels). The legend of every
// panel is moved to the corner where it covers the fewest data points
// (PlaceLegend), except that of a panel marked LegendOutside, drawn beside
// its data area. The labels of log axes get the room gonum gives those of
// linear ones (holdLabels: gonum misplaces it, which shrank log panels and
// put their titles higher than their neighbours').
func SaveGrid(path string, plots [][]*plot.Plot, w, h vg.Length) error {
	return SaveGridTitled(path, "", plots, w, h)
}

// SaveGridTitled is SaveGrid with a figure title above the panels ("" for
// none), e.g. the input file and the settings the figure shows. A title
// line wider than the figure (less 2 mm a side) is wrapped at spaces
// (WrapText), so that a long title over a narrow figure (maps.png of one
// map) is not cut at both edges; so is a panel's title line wider than its
// share of the figure (loss.png's note on epochs and stages).
func SaveGridTitled(path, title string, plots [][]*plot.Plot, w, h vg.Length) error {
	img, err := renderGrid(title, plots, w, h, false)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// renderGrid draws SaveGridTitled's figure. holdAll has drawLabels draw the
// labels of linear axes too (holdLabels; a test that both ways draw the
// same).
func renderGrid(title string, plots [][]*plot.Plot, w, h vg.Length, holdAll bool) (*vgimg.Canvas, error) {
	return renderGridThen(title, plots, w, h, holdAll, nil)
}

// renderGridThen is renderGrid, calling then (when not nil) with the
// panels' canvases once they are drawn, before the held labels are put
// back (so that p.DataCanvas(c) is the data area as drawn).
func renderGridThen(title string, plots [][]*plot.Plot, w, h vg.Length, holdAll bool, then func(canvases [][]draw.Canvas)) (*vgimg.Canvas, error) {
	if len(plots) == 0 || len(plots[0]) == 0 {
		return nil, fmt.Errorf("plotx: nothing to draw")
	}
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	if title != "" {
		sty := plot.New().Title.TextStyle
		sty.Font.Size = vg.Points(14)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		title = WrapText(sty, title, w-4*vg.Millimeter)
		dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Millimeter}, title)
		dc.Max.Y -= sty.Height(title) + 2*vg.Millimeter
	}
	t := gridTiles(len(plots), len(plots[0]))
	// a panel's width: the figure's, less the paddings, shared by the columns
	panelW := (dc.Size().X - t.PadLeft - t.PadRight - vg.Length(t.Cols-1)*t.PadX) / vg.Length(t.Cols)
	for _, row := range plots {
		for _, p := range row {
			if p != nil {
				labelEnds(p)
				if p.Title.Text != "" {
					// an outside legend (LegendOutside) narrows the panel
					p.Title.Text = WrapText(p.Title.TextStyle, p.Title.Text, panelW-OutsideLegendWidth(p))
				}
			}
		}
	}
	held := holdLabels(plots, holdAll)
	defer releaseLabels(held)
	align := func() [][]draw.Canvas {
		cs := plot.Align(plots, t, dc)
		cropOutside(plots, cs)
		return cs
	}
	canvases := align()
	moved := false
	for i := range plots {
		for j := range plots[i] {
			if plots[i][j] != nil && PlaceLegend(plots[i][j], canvases[i][j]) {
				moved = true
			}
		}
	}
	// a range widened for the legend can change the tick labels' widths,
	// hence the data areas: place the legends again on the new canvases
	for round := 0; moved && round < 3; round++ {
		canvases = align()
		moved = false
		for i := range plots {
			for j := range plots[i] {
				if p := plots[i][j]; p != nil && legendCovers(p, canvases[i][j], legendMargin) > 0 && PlaceLegend(p, canvases[i][j]) {
					moved = true
				}
			}
		}
	}
	for i := range plots {
		for j := range plots[i] {
			switch p := plots[i][j]; {
			case p == nil:
			case IsLegendOutside(p):
				drawOutside(p, canvases[i][j])
			default:
				alignLegendTop(p, canvases[i][j])
				p.Draw(canvases[i][j])
			}
		}
	}
	drawLabels(held, plots, canvases)
	if then != nil {
		then(canvases)
	}
	return img, nil
}

// DataArea returns the size (points) of the data area of p when Save draws
// it alone on a w×h figure, before PlaceLegend moves its legend (which can
// widen the y range when no corner is free).
func DataArea(p *plot.Plot, w, h vg.Length) vg.Point {
	plots := [][]*plot.Plot{{p}}
	held := holdLabels(plots, false)
	defer releaseLabels(held)
	dc := draw.New(vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI)))
	c := plot.Align(plots, gridTiles(1, 1), dc)[0][0]
	return p.DataCanvas(c).Size()
}

// gridTiles is the layout of SaveGrid's panels.
func gridTiles(rows, cols int) draw.Tiles {
	return draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
}

// heldLabel is an axis label that holdLabels took from panel [i][j] and
// drawLabels draws.
type heldLabel struct {
	i, j     int
	ax       *plot.Axis
	vertical bool // the Y axis' label
	text     string
	style    text.Style
}

// holdLabels works around gonum/plot's layout of the label of a non-linear
// (log) axis. gonum draws a centred axis label at the middle of the axis
// but reserves room for it as if it were centred on the data value half-way
// between the axis limits, Norm((min+max)/2): on a log axis spanning
// decades that lies near the top (y) or the right end (x), and the part of
// the label's box beyond the data area (up to half the label's length)
// shrinks the data area by as much. Next to a panel with a linear y axis
// plot.Align then gave the log panel's title that room above its data: the
// titles of one row were not level (power_spectrum.png: 'isotropic power
// spectrum' some 60 points above 'ratio …'), and log axes lost data area.
//
// For each centred label of a non-linear axis (of every axis when all),
// holdLabels puts in its place a blank text of as many lines: the same room
// beside the axis (gonum sizes a label by its line count), but a box one
// space wide that lies within the data range. drawLabels then draws the
// label where gonum draws it, and releaseLabels restores it.
func holdLabels(plots [][]*plot.Plot, all bool) []heldLabel {
	var held []heldLabel
	for i, row := range plots {
		for j, p := range row {
			if p == nil {
				continue
			}
			for _, a := range []struct {
				ax       *plot.Axis
				vertical bool
			}{{&p.X, false}, {&p.Y, true}} {
				l := &a.ax.Label
				if l.Text == "" || l.Position != draw.PosCenter {
					continue
				}
				if _, linear := a.ax.Scale.(plot.LinearScale); linear && !all {
					continue
				}
				held = append(held, heldLabel{i: i, j: j, ax: a.ax, vertical: a.vertical, text: l.Text, style: l.TextStyle})
				lines := l.TextStyle.Handler.Lines(l.Text)
				l.Text = strings.Repeat(" \n", len(lines)-1) + " "
				// The blank's box extends from its anchor towards the
				// axis' lower end (left of it; below it once rotated for
				// the Y axis): Norm((min+max)/2) ≥ 1/2 on a log axis.
				l.TextStyle.XAlign = draw.XRight
			}
		}
	}
	return held
}

// drawLabels draws the labels holdLabels took, as gonum draws a centred
// label: the X axis' at the bottom of the panel's canvas, centred under the
// data area; the Y axis' rotated a quarter turn at the left edge, centred
// beside the data area.
func drawLabels(held []heldLabel, plots [][]*plot.Plot, canvases [][]draw.Canvas) {
	for _, h := range held {
		p, c := plots[h.i][h.j], canvases[h.i][h.j]
		dc := p.DataCanvas(c)
		descent := h.style.FontExtents().Descent
		if h.vertical {
			sty := h.style
			sty.Rotation += math.Pi / 2
			c.FillText(sty, vg.Point{X: c.Min.X + h.style.Height(h.text) - descent, Y: dc.Center().Y}, h.text)
		} else {
			c.FillText(h.style, vg.Point{X: dc.Center().X, Y: c.Min.Y + descent}, h.text)
		}
	}
}

// releaseLabels puts back the labels holdLabels took.
func releaseLabels(held []heldLabel) {
	for _, h := range held {
		h.ax.Label.Text, h.ax.Label.TextStyle = h.text, h.style
	}
}

// Save writes a single plot as a PNG.
func Save(path string, p *plot.Plot, w, h vg.Length) error {
	return SaveGrid(path, [][]*plot.Plot{{p}}, w, h)
}

// alignLegendTop sets the vertical offset of a top legend of p (drawn on
// canvas c) so that its top is the top of the data area. gonum draws the
// legend from the top of the canvas below p's own title, but plot.Align
// gives a panel whose title has fewer lines than its row neighbours' the
// extra height above its data area: without the offset its legend started
// that much above the data, between the title and the axes.
func alignLegendTop(p *plot.Plot, c draw.Canvas) {
	if !p.Legend.Top {
		p.Legend.YOffs = 0
		return
	}
	top := c.Max.Y
	if p.Title.Text != "" {
		top -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	p.Legend.YOffs = min(0, p.DataCanvas(c).Max.Y-top)
}

// ColorMap maps t ∈ [0,1] (NaN allowed) to a colour.
type ColorMap func(t float64) color.RGBA

// viridis anchor colours (every 1/8 of the range).
var viridis = [][3]float64{
	{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
}

// diverging anchor colours: ColorBrewer's 11-class RdBu, blue (low) to red
// (high) through a near-white middle.
var diverging = [][3]float64{
	{5, 48, 97}, {33, 102, 172}, {67, 147, 195}, {146, 197, 222}, {209, 229, 240},
	{247, 247, 247}, {253, 219, 199}, {244, 165, 130}, {214, 96, 77}, {178, 24, 43}, {103, 0, 31},
}

// interp maps t ∈ [0,1] piecewise linearly through the anchors; NaN is
// magenta (a colour neither map uses).
func interp(anchors [][3]float64, t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{255, 0, 255, 255}
	}
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(anchors)-1)
	i := int(x)
	if i >= len(anchors)-1 {
		i = len(anchors) - 2
	}
	f := x - float64(i)
	c := func(k int) uint8 { return uint8(math.Round(anchors[i][k]*(1-f) + anchors[i+1][k]*f)) }
	return color.RGBA{c(0), c(1), c(2), 255}
}

// Viridis maps t ∈ [0,1] to a colour of the viridis colour map (piecewise
// linear; perceptually uniform, for intensities). NaN is magenta.
func Viridis(t float64) color.RGBA { return interp(viridis, t) }

// Diverging maps t ∈ [0,1] to a blue–white–red colour (ColorBrewer RdBu
// reversed: 0 dark blue, 0.5 white, 1 dark red), for signed quantities
// centred on 0 (residuals, differences) shown on a symmetric range
// (SymRange). NaN is magenta.
func Diverging(t float64) color.RGBA { return interp(diverging, t) }

// Range returns robust display limits of data: the q and 1−q quantiles
// (non-finite values ignored; [0, 1] when none is finite, [lo, lo+1] when
// all are equal).
func Range(data []float64, q float64) (lo, hi float64) {
	s := finiteSorted(data)
	if len(s) == 0 {
		return 0, 1
	}
	lo = s[int(q*float64(len(s)-1))]
	hi = s[int((1-q)*float64(len(s)-1))]
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// SymRange returns display limits (−a, a) centred on 0 for signed data:
// a is the largest absolute value of data's q and 1−q quantiles (Range),
// over all the given slices (maps shown on one scale); a = 1 when every
// value is 0 or none is finite.
func SymRange(q float64, data ...[]float64) (lo, hi float64) {
	a := 0.0
	for _, d := range data {
		s := finiteSorted(d)
		if len(s) == 0 {
			continue
		}
		a = math.Max(a, math.Max(math.Abs(s[int(q*float64(len(s)-1))]), math.Abs(s[int((1-q)*float64(len(s)-1))])))
	}
	if !(a > 0) || math.IsInf(a, 0) {
		a = 1
	}
	return -a, a
}

func finiteSorted(data []float64) []float64 {
	s := make([]float64, 0, len(data))
	for _, v := range data {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s = append(s, v)
		}
	}
	sort.Float64s(s)
	return s
}

// MapImage renders an M×N map (data[row·N + col]) with the viridis colour
// map between lo and hi, row 0 at the bottom of the image and column 0 at
// its left (the FITS / ds9 / astropy origin='lower' convention, in which
// stkit's angles turn counter-clockwise).
func MapImage(data []float64, m, n int, lo, hi float64) image.Image {
	return mapImage(data, m, n, lo, hi, Viridis)
}

// mapImage is MapImage with the colour map cmap: map row i is image row
// m−1−i.
func mapImage(data []float64, m, n int, lo, hi float64, cmap ColorMap) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, n, m))
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			img.SetRGBA(j, m-1-i, cmap((data[i*n+j]-lo)/(hi-lo)))
		}
	}
	return img
}

// clipCount counts the finite values of data above hi and below lo (drawn
// in the colour of the bar's end: saturated) and returns the largest and
// smallest finite values.
func clipCount(data []float64, lo, hi float64) (above, below int, dmin, dmax float64) {
	dmin, dmax = math.Inf(1), math.Inf(-1)
	for _, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		dmin, dmax = min(dmin, v), max(dmax, v)
		if v > hi {
			above++
		} else if v < lo {
			below++
		}
	}
	return above, below, dmin, dmax
}

// MapNote returns the small print MapPanel writes under a map with a
// colour bar: "row 0 at bottom" and, when some finite values lie outside
// [lo, hi] (drawn saturated, in the colour of the bar's end), their share
// and extreme: "clipped: ▲ 0.5 % up to 1.06, ▼ 0.2 % down to 0.036" (▲
// above hi, ▼ below lo; the bar then ends in a triangle on that side).
func MapNote(data []float64, lo, hi float64) string {
	above, below, dmin, dmax := clipCount(data, lo, hi)
	note := "row 0 at bottom"
	if above+below == 0 {
		return note
	}
	finite := 0
	for _, v := range data {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite++
		}
	}
	pct := func(k int) string { return strconv.FormatFloat(100*float64(k)/float64(finite), 'g', 2, 64) + " %" }
	var parts []string
	if above > 0 {
		parts = append(parts, "▲ "+pct(above)+" up to "+FormatTick(dmax))
	}
	if below > 0 {
		parts = append(parts, "▼ "+pct(below)+" down to "+FormatTick(dmin))
	}
	return note + "; colours clipped: " + strings.Join(parts, ", ")
}

// MapOptions tune MapPanel.
type MapOptions struct {
	// Cmap is the colour map (nil: Viridis).
	Cmap ColorMap
	// NoBar leaves out the colour bar (mosaics of many small patches, each
	// on its own scale).
	NoBar bool
	// BarLabel names the quantity and its unit beside the colour bar ("" for
	// none).
	BarLabel string
}

// MapPlot returns a plot showing an M×N map (row 0 at the bottom) as an image
// with the viridis colour map between lo and hi, its aspect ratio kept, a
// title, no axes and a colour bar.
func MapPlot(title string, data []float64, m, n int, lo, hi float64) *plot.Plot {
	return MapPanel(title, data, m, n, lo, hi, MapOptions{})
}

// DiffMapPlot is MapPlot for signed data centred on 0 (residuals, errors,
// differences): the Diverging colour map on [lo, hi], which should be
// symmetric about 0 (SymRange) so that white is 0.
func DiffMapPlot(title string, data []float64, m, n int, lo, hi float64) *plot.Plot {
	return MapPanel(title, data, m, n, lo, hi, MapOptions{Cmap: Diverging})
}

// MapPanel returns a plot showing an M×N map with the options' colour map
// between lo and hi, row 0 at the bottom and column 0 at the left
// (MapImage): the image keeps the map's aspect ratio (pixels stay square
// and, when enlarged, sharp) and, unless o.NoBar, a colour bar with
// labelled ticks stands at its right, ending in a triangle on each side
// where values lie beyond it (saturated), and MapNote's small print
// ("row 0 at bottom", the share clipped) stands under the image. The image
// is centred across the panel and placed at most 8 points under the top of
// its area, right under the title (a map wider than the panel's shape
// leaves the room below it).
func MapPanel(title string, data []float64, m, n int, lo, hi float64, o MapOptions) *plot.Plot {
	if o.Cmap == nil {
		o.Cmap = Viridis
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	p := plot.New()
	p.Title.Text = title
	p.HideAxes()
	v := &mapView{img: mapImage(data, m, n, lo, hi, o.Cmap), m: m, n: n, lo: lo, hi: hi, cmap: o.Cmap, bar: !o.NoBar, label: o.BarLabel}
	if v.bar {
		v.above, v.below, _, _ = clipCount(data, lo, hi)
		v.note = MapNote(data, lo, hi)
	}
	p.Add(v)
	return p
}

// MapRowHeight returns the height to give a figure's row of MapPlot panels
// of width w showing m×n maps (colour bar, one- or two-line title): about
// the height at which the map fills the panel's width, at most max (the
// row height for square maps). A map wider than tall then does not leave
// an empty band the height of the panel under it; a square or tall map
// gets max when max ≤ w (the usual case): with a larger max it gets the
// height that fits it (a square map w, as cmd/stkit's demo rows of 3 in
// panels with max 3.3 in).
func MapRowHeight(w vg.Length, m, n int, max vg.Length) vg.Length {
	if m <= 0 || n <= 0 {
		return max
	}
	// 0.7 in across for the colour bar, its labels and the padding;
	// 0.7 in down for the title and the padding between rows
	h := (w-0.7*vg.Inch)*vg.Length(m)/vg.Length(n) + 0.7*vg.Inch
	return min(h, max)
}

// mapView is a plot.Plotter that draws a map image in the data area of a
// plot without axes, keeping its aspect ratio, with an optional colour bar.
type mapView struct {
	img    *image.RGBA
	m, n   int
	lo, hi float64
	cmap   ColorMap
	bar    bool
	label  string
	// above, below count the values beyond hi and lo (the bar ends in a
	// triangle on that side); note is MapNote's text, under the image
	above, below int
	note         string
}

// DataRange implements plot.DataRanger (unit square: the view lays itself
// out in the canvas, not in data coordinates).
func (v *mapView) DataRange() (xmin, xmax, ymin, ymax float64) { return 0, 1, 0, 1 }

// Plot implements plot.Plotter.
func (v *mapView) Plot(c draw.Canvas, p *plot.Plot) {
	sty := p.Y.Tick.Label
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	W, H := c.Size().X, c.Size().Y
	var ticks []plot.Tick
	var barW, gap, tickLen, labW, lblW vg.Length
	if v.bar {
		// labels as FormatTick's ("2.5", not "2.50"; in one form and with
		// the digits they need, SameFormLabels), in a column at least as
		// wide as "-0.000", so that maps side by side get the same size
		labW = sty.Width("-0.000")
		for _, t := range (plot.DefaultTicks{}).Ticks(v.lo, v.hi) {
			if t.Label != "" && t.Value >= v.lo && t.Value <= v.hi {
				t.Label = FormatTick(t.Value)
				ticks = append(ticks, t)
			}
		}
		ticks = SameFormLabels(ticks)
		for _, t := range ticks {
			labW = max(labW, sty.Width(t.Label))
		}
		barW = max(vg.Points(7), min(W, H)/20)
		gap, tickLen = vg.Points(5), vg.Points(3)
		labW += vg.Points(2)
		if v.label != "" {
			lblW = sty.Height(v.label) + vg.Points(3)
		}
	}
	extra := gap + barW + tickLen + labW + lblW
	// the small print under the image, wrapped to the panel's width
	nsty := sty
	nsty.Font.Size = vg.Points(7)
	nsty.Color = color.Gray{Y: 64}
	nsty.XAlign, nsty.YAlign = draw.XLeft, draw.YTop
	note, noteH := "", vg.Length(0)
	if v.note != "" {
		note = WrapText(nsty, v.note, W)
		noteH = nsty.Height(note) + vg.Points(2)
	}
	s := min((W-extra)/vg.Length(v.n), (H-noteH)/vg.Length(v.m))
	if s <= 0 {
		return
	}
	mw, mh := s*vg.Length(v.n), s*vg.Length(v.m)
	x0 := c.Min.X + (W-mw-extra)/2
	// near the top, under the title: centred, but at most 8 pt below the
	// top (the room a wide map leaves goes below it)
	y0 := c.Max.Y - mh - min((H-noteH-mh)/2, vg.Points(8))
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + mw, Y: y0 + mh}}, upscale(v.img, mw, dpiOf(c)))
	if note != "" {
		c.FillText(nsty, vg.Point{X: min(x0, c.Max.X-nsty.Width(note)), Y: y0 - vg.Points(2)}, note)
	}
	if !v.bar {
		return
	}
	bx := x0 + mw + gap
	// the bar proper spans [b0, b1]; a triangle of the end colour fills
	// the rest of the image's height on a side with saturated values
	triH := min(barW, mh/6)
	b0, b1 := y0, y0+mh
	ls := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	if v.above > 0 {
		b1 -= triH
		tri := []vg.Point{{X: bx, Y: b1}, {X: bx + barW/2, Y: y0 + mh}, {X: bx + barW, Y: b1}, {X: bx, Y: b1}}
		c.FillPolygon(v.cmap(1), tri)
		c.StrokeLines(ls, tri)
	}
	if v.below > 0 {
		b0 += triH
		tri := []vg.Point{{X: bx, Y: b0}, {X: bx + barW/2, Y: y0}, {X: bx + barW, Y: b0}, {X: bx, Y: b0}}
		c.FillPolygon(v.cmap(0), tri)
		c.StrokeLines(ls, tri)
	}
	strip := image.NewRGBA(image.Rect(0, 0, 1, 256))
	for i := 0; i < 256; i++ {
		strip.SetRGBA(0, i, v.cmap(1-float64(i)/255))
	}
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: bx, Y: b0}, Max: vg.Point{X: bx + barW, Y: b1}}, strip)
	c.StrokeLines(ls, []vg.Point{{X: bx, Y: b0}, {X: bx + barW, Y: b0}, {X: bx + barW, Y: b1}, {X: bx, Y: b1}, {X: bx, Y: b0}})
	for _, t := range ticks {
		y := b0 + (b1-b0)*vg.Length((t.Value-v.lo)/(v.hi-v.lo))
		c.StrokeLine2(ls, bx+barW, y, bx+barW+tickLen, y)
		c.FillText(sty, vg.Point{X: bx + barW + tickLen + vg.Points(2), Y: y}, t.Label)
	}
	if v.label != "" {
		ls := sty
		ls.Rotation = math.Pi / 2
		ls.XAlign, ls.YAlign = draw.XCenter, draw.YTop
		c.FillText(ls, vg.Point{X: bx + barW + tickLen + labW + lblW, Y: y0 + mh/2}, v.label)
	}
}

// dpiOf returns the resolution of c's canvas (DPI when it does not say).
func dpiOf(c draw.Canvas) float64 {
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok {
		return d.DPI()
	}
	return DPI
}

// upscale enlarges img by the integer factor (nearest neighbour) that
// brings its width to at least the width it is drawn at, so that the
// renderer's smoothing does not blur small maps; a map already as wide is
// returned as it is.
func upscale(img *image.RGBA, width vg.Length, dpi float64) image.Image {
	n, m := img.Bounds().Dx(), img.Bounds().Dy()
	f := int(math.Ceil(width.Dots(dpi) / float64(n)))
	if f <= 1 || n*f*m*f > 1<<24 {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, n*f, m*f))
	for i := 0; i < m*f; i++ {
		for j := 0; j < n*f; j++ {
			out.SetRGBA(j, i, img.RGBAAt(j/f, i/f))
		}
	}
	return out
}

// XY builds plotter.XYs from two slices, dropping non-finite points and, when
// logY is set, non-positive y.
func XY(x, y []float64, logY bool) plotter.XYs {
	var xy plotter.XYs
	for i := range x {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) || math.IsNaN(x[i]) || math.IsInf(x[i], 0) || (logY && y[i] <= 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: x[i], Y: y[i]})
	}
	return xy
}

// Palette returns the i-th colour of a qualitative palette (matplotlib's
// tab10: blue, orange, green, red, …; its first two are distinguishable
// with the common colour-vision deficiencies). The palette's 10 colours
// repeat: i is taken modulo 10 into 0…9, negative indices too (Palette(−1)
// is the last colour, Palette(10) the first).
func Palette(i int) color.Color {
	cols := []color.RGBA{
		{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
		{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
		{188, 189, 34, 255}, {23, 190, 207, 255},
	}
	n := len(cols)
	return cols[(i%n+n)%n]
}

// dashes cycles line styles so that curves that lie on top of each other
// stay visible: solid, dashed, dotted, dash-dotted.
var dashes = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(1.5), vg.Points(2)},
	{vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)},
}

// glyphs cycles marker shapes.
var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}

// Segments is one series drawn as separate polylines (one style, one
// legend entry): the gaps between them are data that are missing (e.g.
// empty histogram bins on a log axis), which one polyline would bridge.
type Segments []plotter.XYs

// AddLines adds one line per (name string, xy plotter.XYs or Segments)
// pair to p, the i-th in Palette(i) with the i-th dash style (solid,
// dashed, dotted, dash-dotted, …) and, when markers, the i-th marker shape,
// each with a legend entry ("" for none). Empty series are skipped (their
// colour is still used up, so that colours stay tied to the position in
// the list).
func AddLines(p *plot.Plot, markers bool, series ...any) error {
	if len(series)%2 != 0 {
		return fmt.Errorf("plotx.AddLines: want name, xy pairs, got %d arguments", len(series))
	}
	for i := 0; i < len(series); i += 2 {
		name, ok1 := series[i].(string)
		var segs Segments
		ok2 := true
		switch v := series[i+1].(type) {
		case plotter.XYs:
			segs = Segments{v}
		case Segments:
			segs = v
		default:
			ok2 = false
		}
		if !ok1 || !ok2 {
			return fmt.Errorf("plotx.AddLines: argument pair %d is %T, %T, want string, plotter.XYs or plotx.Segments", i/2, series[i], series[i+1])
		}
		var xy plotter.XYs
		for _, sg := range segs {
			xy = append(xy, sg...)
		}
		if len(xy) == 0 {
			continue
		}
		k := i / 2
		var th []plot.Thumbnailer
		for _, sg := range segs {
			if len(sg) == 0 {
				continue
			}
			l, err := plotter.NewLine(sg)
			if err != nil {
				return err
			}
			l.Color = Palette(k)
			l.Width = vg.Points(1.25)
			l.Dashes = dashes[k%len(dashes)]
			if th == nil {
				th = []plot.Thumbnailer{l}
			}
			p.Add(l)
		}
		if markers {
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return err
			}
			s.Color = Palette(k)
			s.Shape = glyphs[k%len(glyphs)]
			s.Radius = vg.Points(2.5)
			p.Add(s)
			th = append(th, s)
		}
		if name != "" {
			p.Legend.Add(name, th...)
		}
	}
	return nil
}

// RefLine adds a thin grey dotted horizontal line at y from x0 to x1 (a
// reference value such as a ratio of 1), without a legend entry.
func RefLine(p *plot.Plot, x0, x1, y float64) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}})
	if err != nil {
		return err
	}
	l.Color = color.Gray{Y: 110}
	l.Width = vg.Points(0.75)
	l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	p.Add(l)
	return nil
}

// LogTicks is a plot.Ticker for log axes that always labels at least two
// ticks: powers of ten when the range spans three decades or more (with
// unlabelled minor ticks at 2…9 × 10^k while it spans at most six; when
// more than 10 powers of ten are in range, only those 10^e whose e is a
// multiple of k are labelled, k the smallest of 2, 5, 10, 20, 50, … leaving
// at most 10 labels, the powers between getting unlabelled ticks, every
// max(1, k/10)-th: [1e-300, 1e300] is labelled every 100 decades), 1, 2 and
// 5 × 10^k when it spans less, every 1…9 × 10^k when that gives fewer than
// two, and the linear ticks of plot.DefaultTicks on a range too short for
// those or, within a decade, when those labels cover less than half of it
// (in log). Labels are FormatTick's, all in one form (SameFormLabels). A
// one-value range (min = max, which SetLog widens) gets that one value
// labelled.
type LogTicks struct{}

// Ticks implements plot.Ticker. min and max must be > 0 and finite (nil
// otherwise).
func (LogTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) || math.IsInf(max, 0) {
		return nil
	}
	if min == max { // plot.DefaultTicks panics on it ("illegal range")
		return []plot.Tick{{Value: min, Label: FormatTick(min)}}
	}
	e0, e1 := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	in := func(v float64) bool { return v >= min*(1-1e-9) && v <= max*(1+1e-9) }
	steps := [][]float64{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}
	if math.Log10(max/min) < 3 {
		steps = steps[1:]
	}
	var labelled []float64
	decades := false // labels at powers of ten only
	for _, st := range steps {
		labelled = labelled[:0]
		for e := e0; e <= e1; e++ {
			for _, m := range st {
				if v := m * math.Pow(10, float64(e)); in(v) {
					labelled = append(labelled, v)
				}
			}
		}
		if len(labelled) >= 2 {
			decades = len(st) == 1
			break
		}
	}
	if decades && len(labelled) > maxLogLabels {
		return thinnedDecades(e0, e1, in)
	}
	// on a range of less than a decade, labels bunched in one part (7, 8,
	// 9 × 10⁻⁴ and 10⁻³ on [6.9e-4, 1.9e-3]) leave the rest unreadable:
	// the linear ticks label it evenly
	bunched := len(labelled) >= 2 && math.Log10(max/min) < 1 &&
		math.Log10(labelled[len(labelled)-1]/labelled[0]) < 0.5*math.Log10(max/min)
	if len(labelled) < 2 || bunched {
		var ticks []plot.Tick
		for _, t := range (plot.DefaultTicks{}).Ticks(min, max) {
			if t.Value > 0 {
				if t.Label != "" {
					t.Label = FormatTick(t.Value)
				}
				ticks = append(ticks, t)
			}
		}
		return SameFormLabels(ticks)
	}
	var ticks []plot.Tick
	for _, v := range labelled {
		ticks = append(ticks, plot.Tick{Value: v, Label: FormatTick(v)})
	}
	if e1-e0 <= 6 {
		for e := e0; e <= e1; e++ {
			for m := 2; m <= 9; m++ {
				if v := float64(m) * math.Pow(10, float64(e)); in(v) && !containsClose(labelled, v) {
					ticks = append(ticks, plot.Tick{Value: v})
				}
			}
		}
	}
	return SameFormLabels(ticks)
}

// maxLogLabels is the most decades LogTicks labels: beyond, every k-th.
const maxLogLabels = 10

// thinnedDecades is LogTicks on a range holding more than maxLogLabels
// powers of ten 10^e (e0 ≤ e ≤ e1, those with in(10^e)): labels at the
// powers whose exponent is a multiple of k, the smallest of 2, 5, 10, 20, 50,
// 100, … leaving at most maxLogLabels of them, and unlabelled ticks at the
// powers between whose exponent is a multiple of max(1, k/10) (so at most 9
// between two labels).
func thinnedDecades(e0, e1 int, in func(float64) bool) []plot.Tick {
	var exps []int
	for e := e0; e <= e1; e++ {
		if in(math.Pow(10, float64(e))) {
			exps = append(exps, e)
		}
	}
	count := func(k int) (n int) {
		for _, e := range exps {
			if e%k == 0 {
				n++
			}
		}
		return n
	}
	k := 1
	for i := 0; count(k) > maxLogLabels; i++ {
		k = []int{2, 5, 10}[i%3] * int(math.Pow(10, float64(i/3)))
	}
	minor := max(1, k/10)
	var ticks []plot.Tick
	for _, e := range exps {
		v := math.Pow(10, float64(e))
		switch {
		case e%k == 0:
			ticks = append(ticks, plot.Tick{Value: v, Label: FormatTick(v)})
		case e%minor == 0:
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return SameFormLabels(ticks)
}

func containsClose(s []float64, v float64) bool {
	for _, x := range s {
		if math.Abs(x-v) <= 1e-9*math.Abs(v) {
			return true
		}
	}
	return false
}

// FormatTick formats a tick value compactly (4 significant digits in plain
// form, 3 in the mantissa):
// plain decimals for 10⁻³ ≤ |v| < 10⁴ ("0.002", "30", "0.25"), else
// mantissa and exponent ("2e-5", "1.5e6", and "1e4" for a value such as
// 9999.7 that rounds up to 10⁴); 0 is "0"; NaN and ±Inf are "NaN", "+Inf"
// and "-Inf".
func FormatTick(v float64) string {
	if v == 0 {
		return "0"
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	a := math.Abs(v)
	if a >= 1e-3 && a < 1e4 {
		if s := fmt.Sprintf("%.4g", v); !strings.Contains(s, "e") {
			return trimFloat(s)
		}
	}
	return expLabel(v)
}

// trimFloat removes an exponent-free decimal's trailing zeros ("2.500" → "2.5").
func trimFloat(s string) string {
	for _, ch := range s {
		if ch == 'e' {
			return s
		}
	}
	if bytes.IndexByte([]byte(s), '.') < 0 {
		return s
	}
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// IntTicks is a plot.Ticker for axes of an integer index (scale j, epoch,
// iteration): labelled ticks on integers only, every 1, 2, 5, 10, 20, …
// so that at most ten are labelled (the smallest such step). Labels are
// the integers in full ("100000000000000000000" at 1e20); beyond 2^53,
// where float64 no longer holds every integer, the ticks are the
// multiples of the step that float64 rounds them to.
type IntTicks struct{}

// Ticks implements plot.Ticker.
func (IntTicks) Ticks(min, max float64) []plot.Tick {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) || max < min {
		return nil
	}
	// the labelled multiples of step in [min, max]: i0·step … i1·step
	count := func(step float64) (i0, i1 float64) { return math.Ceil(min / step), math.Floor(max / step) }
	step := 1.0
	for k := 0; ; k++ {
		if i0, i1 := count(step); i1-i0 < 10 {
			break
		}
		step = []float64{2, 5, 10}[k%3] * math.Pow(10, float64(k/3))
	}
	i0, i1 := count(step)
	var ticks []plot.Tick
	for n := 0; float64(n) <= i1-i0; n++ {
		v := (i0 + float64(n)) * step
		if v == 0 {
			v = 0 // not −0
		}
		if len(ticks) > 0 && v == ticks[len(ticks)-1].Value {
			continue // i0 + n rounded to i0 + n − 1 (beyond 2^53)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return ticks
}

// RatioTicks is a plot.Ticker for linear axes of a ratio (synthesis / target):
// LinearTicks, and always a label at 1 when 1 is in range (a labelled
// multiple closer to it than half a step then loses its label).
type RatioTicks struct{}

// Ticks implements plot.Ticker.
func (RatioTicks) Ticks(min, max float64) []plot.Tick { return roundTicks(min, max, true) }

// LinearTicks is a plot.Ticker for linear axes of a physical value (pixel
// values of a histogram): labels at multiples of a round step (1, 2, 2.5 or
// 5 × 10^k, the smallest giving at most six intervals) and unlabelled ticks
// half-way between them; gonum's default put labels at 0, 9, 18 on a range
// [−0.9, 19.7]. Labels are FormatTick's, all in one form (SameFormLabels).
// Any finite range has ticks, up to [−MaxFloat64, MaxFloat64] (whose span
// overflows float64); NaN, ±Inf or max < min give none.
type LinearTicks struct{}

// Ticks implements plot.Ticker.
func (LinearTicks) Ticks(min, max float64) []plot.Tick { return roundTicks(min, max, false) }

// roundTicks is LinearTicks, with a label at 1 when one (RatioTicks).
func roundTicks(min, max float64, one bool) []plot.Tick {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) || max < min {
		return nil
	}
	if max == min {
		return []plot.Tick{{Value: min, Label: FormatTick(min)}}
	}
	// half the span and half the step: max − min and i·step overflow to
	// +Inf on [−1e308, 1e308] (which then had no ticks); halving is exact
	// (for normal values), so the ticks are those of the full span
	half := max/2 - min/2
	e := math.Floor(math.Log10(half / 3))
	step := 0.0
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * math.Pow(10, e); half/step <= 3*(1+1e-9) {
			break
		}
	}
	eps := 1e-9 * step
	one = one && min <= 1+eps && max >= 1-eps
	// the range widened by eps, within the finite numbers: near ±MaxFloat64
	// max + eps rounds to +Inf, which no tick value would exceed
	lo := math.Max(min-eps, -math.MaxFloat64)
	hi := math.Min(max+eps, math.MaxFloat64)
	var ticks []plot.Tick
	for i := math.Ceil(lo / (step / 2)); i*(step/2) <= hi; i++ {
		v := i * (step / 2)
		if math.Abs(v) <= eps {
			v = 0 // not −0 or 1e-17 from the multiplication
		}
		if one && math.Abs(v-1) <= eps {
			continue // labelled below
		}
		t := plot.Tick{Value: v}
		if math.Mod(i, 2) == 0 && (!one || math.Abs(v-1) >= step/2-eps) {
			t.Label = FormatTick(v)
		}
		ticks = append(ticks, t)
	}
	if one {
		ticks = append(ticks, plot.Tick{Value: 1, Label: "1"})
	}
	return SameFormLabels(ticks)
}

// SameFormLabels rewrites the labels of ticks in mantissa-exponent form
// ("1e-3", "5e-4") when FormatTick wrote some of them that way and others
// as plain decimals: a log axis over [5e-5, 0.5] read "1e-4", "0.001",
// "0.01", "0.1". A label of 0 stays "0". It then gives the labels as many
// significant digits as they need (FormatTick's 4, or the mantissa's 3, at
// least) to be distinct and each within 1 % of the smallest step between
// labelled values of its value: on [0.99995, 1.00008] FormatTick wrote
// every label "1", on [0.9995, 1.0008] "0.9998" at 0.99975 and "1.001" at
// 1.00075; they read 0.99996, 1, 1.00004, 1.00008 and 0.99975, 1.00075.
func SameFormLabels(ticks []plot.Tick) []plot.Tick {
	plain, exp := false, false
	var vals []float64
	for _, t := range ticks {
		if t.Label == "" || t.Value == 0 {
			continue
		}
		vals = append(vals, t.Value)
		if strings.Contains(t.Label, "e") {
			exp = true
		} else {
			plain = true
		}
	}
	if len(vals) == 0 {
		return ticks
	}
	useExp := exp // every label in exponent form when any is
	sort.Float64s(vals)
	gap := math.Inf(1)
	for i := 1; i < len(vals); i++ {
		if d := vals[i] - vals[i-1]; d > 0 {
			gap = min(gap, d)
		}
	}
	format := func(v float64, d int) string {
		if useExp {
			return expLabelDigits(v, d-1)
		}
		return trimFloat(fmt.Sprintf("%.*g", d, v))
	}
	digits := 4
	for ; digits < 15; digits++ {
		ok, seen := true, map[string]float64{}
		for _, v := range vals {
			l := format(v, digits)
			if w, dup := seen[l]; dup && w != v {
				ok = false
				break
			}
			seen[l] = v
			var got float64
			if _, err := fmt.Sscan(l, &got); err != nil || !math.IsInf(gap, 1) && math.Abs(got-v) > 0.01*gap {
				ok = false
				break
			}
		}
		if ok {
			break
		}
	}
	if digits == 4 && !(plain && exp) {
		return ticks // FormatTick's labels, all of one form, are exact enough
	}
	for i, t := range ticks {
		if t.Label != "" && t.Value != 0 {
			ticks[i].Label = format(t.Value, digits)
		}
	}
	return ticks
}

// expLabel formats v as mantissa and exponent ("1e-3", "2.5e2", "1e0").
func expLabel(v float64) string { return expLabelDigits(v, 3) }

// expLabelDigits is expLabel with d significant digits in the mantissa,
// rounded from v itself (strconv's %e: a subnormal 5e-324 is "4.94e-324",
// 9.9996e-6 is "1e-5"). d < 1 counts as 1.
func expLabelDigits(v float64, d int) string {
	s := strconv.FormatFloat(v, 'e', max(d, 1)-1, 64)
	i := strings.IndexByte(s, 'e')
	if i < 0 { // NaN, ±Inf
		return s
	}
	e, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s
	}
	return fmt.Sprintf("%se%d", trimFloat(s[:i]), e)
}

// SetLog switches the chosen axes of p to log scales with LogTicks, once its
// data are added, where their range is positive and finite; an axis with no
// data or non-positive values stays linear (gonum's log scale panics on
// it). A one-value range is widened to a factor 2 either side (gonum would
// widen it by ±1, down to 0).
func SetLog(p *plot.Plot, x, y bool) {
	ok := func(a *plot.Axis) bool {
		if !(a.Min > 0 && a.Min <= a.Max) || math.IsInf(a.Max, 0) {
			return false
		}
		if a.Min == a.Max {
			a.Min, a.Max = a.Min/2, a.Max*2
		}
		return true
	}
	if x && ok(&p.X) {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, LogTicks{}
	}
	if y && ok(&p.Y) {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, LogTicks{}
	}
}

// LogToLabels widens a log axis (plot.LogScale, 0 < Min < Max, finite)
// so that no part of it lies beyond its outermost labelled ticks: a series
// drawn below the lowest label (|L| down to 2.5e-4 under a lowest label
// 5e-4) could not be read off the axis. On an axis labelled at powers of
// ten only, spanning two decades or more, an end beyond the labels moves
// out to the next power of ten (then labelled). Otherwise it moves out to
// the nearest m·10^k, m = 1, 1.5, 2, 2.5, 3, …, 9 (0.0048 → 0.004, 0.16 →
// 0.15), and that value gets a label (the axis' ticker is wrapped:
// EndLabels, which unlabels a tick that would crowd it). Other axes are
// left as they are.
func LogToLabels(a *plot.Axis) {
	if _, ok := a.Scale.(plot.LogScale); !ok || !(a.Min > 0) || !(a.Max > a.Min) || math.IsInf(a.Max, 0) || a.Tick.Marker == nil {
		return
	}
	lo, hi, decades := math.Inf(1), math.Inf(-1), true
	for _, t := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if t.Label == "" {
			continue
		}
		lo, hi = min(lo, t.Value), max(hi, t.Value)
		e := math.Round(math.Log10(t.Value))
		decades = decades && math.Abs(t.Value/math.Pow(10, e)-1) < 1e-9
	}
	if math.IsInf(lo, 0) {
		return
	}
	steps := []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9}
	if decades && hi/lo >= 100*(1-1e-9) {
		steps = steps[:1]
	}
	e := EndLabels{Ticker: a.Tick.Marker}
	newMin, newMax := a.Min, a.Max
	if lo > a.Min*(1+1e-9) {
		newMin = niceLog(a.Min, steps, false)
		e.Lo = newMin
	}
	if hi < a.Max*(1-1e-9) {
		newMax = niceLog(a.Max, steps, true)
		e.Hi = newMax
	}
	a.Min, a.Max = newMin, newMax
	if len(steps) > 1 && (e.Lo > 0 || e.Hi > 0) {
		a.Tick.Marker = e
	}
}

// LabelEnds marks a log axis for SaveGrid (SaveGridTitled): when it draws
// the figure, it unwraps Ticker and widens the axis to labelled ends
// (LogToLabels), after the caller has set the range (tests of the range
// a panel asks for see it unchanged). Ticks is Ticker's.
type LabelEnds struct{ plot.Ticker }

// labelEnds applies LabelEnds to the axes of p: LogToLabels on each axis
// whose ticker is a LabelEnds.
func labelEnds(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if m, ok := a.Tick.Marker.(LabelEnds); ok {
			a.Tick.Marker = m.Ticker
			LogToLabels(a)
		}
	}
}

// EndLabels is a plot.Ticker that adds labels (FormatTick's, in the form
// of the others: SameFormLabels) at Lo and Hi (0: none) to the ticks of
// Ticker when they are the ends of the range (to 1e-9 relative): the ends
// LogToLabels gave a log axis (an end no longer the axis' end, e.g. the
// top once PlaceLegend has made room above the data, gets no label). A
// labelled tick closer to an added label than 0.12 of the axis' log span
// loses its label (keeps its tick): 9e-8 and 1e-7 would overlap.
type EndLabels struct {
	plot.Ticker
	Lo, Hi float64
}

// Ticks implements plot.Ticker.
func (e EndLabels) Ticks(lo, hi float64) []plot.Tick {
	ticks := e.Ticker.Ticks(lo, hi)
	for _, v := range []float64{e.Lo, e.Hi} {
		if !(v > 0) || math.Abs(v-lo) > 1e-9*v && math.Abs(v-hi) > 1e-9*v {
			continue
		}
		found := false
		for k := range ticks {
			if math.Abs(ticks[k].Value-v) <= 1e-9*v {
				found = true
				if ticks[k].Label == "" {
					ticks[k].Label = FormatTick(v)
				}
			}
		}
		if !found {
			ticks = append(ticks, plot.Tick{Value: v, Label: FormatTick(v)})
		}
		span := math.Log(hi / lo)
		for k := range ticks {
			if ticks[k].Label != "" && math.Abs(ticks[k].Value-v) > 1e-9*v && math.Abs(math.Log(ticks[k].Value/v)) < 0.12*span {
				ticks[k].Label = ""
			}
		}
	}
	return SameFormLabels(ticks)
}

// niceLog returns the largest value m·10^k ≤ v (up: the smallest ≥ v),
// m one of steps.
func niceLog(v float64, steps []float64, up bool) float64 {
	e := math.Floor(math.Log10(v))
	best := math.NaN()
	for k := e - 1; k <= e+1; k++ {
		for _, m := range steps {
			// m·10^k to the nearest float64 of the decimal (1.5e-1 = 0.15,
			// where 1.5·0.1 is 0.15000000000000002)
			c, _ := strconv.ParseFloat(strconv.FormatFloat(m, 'g', -1, 64)+"e"+strconv.Itoa(int(k)), 64)
			if up && c >= v*(1-1e-12) && !(best <= c) || !up && c <= v*(1+1e-12) && !(best >= c) {
				best = c
			}
		}
	}
	return best
}

// WrapText breaks each line of s that is wider than width in style sty
// into lines that fit, at spaces (greedily: as many words a line as fit; a
// single word wider than width stays whole on its line). Lines that fit
// and the existing line breaks are kept.
func WrapText(sty text.Style, s string, width vg.Length) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if sty.Width(line) <= width {
			out = append(out, line)
			continue
		}
		cur := ""
		for _, word := range strings.Fields(line) {
			if cur != "" && sty.Width(cur+" "+word) > width {
				out = append(out, cur)
				cur = word
				continue
			}
			if cur == "" {
				cur = word
			} else {
				cur += " " + word
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}
