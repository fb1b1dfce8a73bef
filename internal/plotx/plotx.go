// Package plotx holds the small plotting helpers shared by stkit's reports:
// tiled PNG figures with gonum/plot, map images with a perceptual colour map,
// and atomic file writes.
package plotx

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// WriteFileAtomic writes data to path through internal/atomicfile (a
// temporary file and a rename: readers never see a partial file, a failed
// write keeps the old one; devices and pipes are written in place, links
// followed, directories refused). New files get mode 0644, replaced files
// keep theirs.
func WriteFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0)
}

// SaveGrid draws plots (rows × cols, nil entries left empty) aligned on one
// canvas of size w×h and writes it as a PNG to path.
func SaveGrid(path string, plots [][]*plot.Plot, w, h vg.Length) error {
	if len(plots) == 0 || len(plots[0]) == 0 {
		return fmt.Errorf("plotx: nothing to draw")
	}
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, t, dc)
	for i := range plots {
		for j := range plots[i] {
			if plots[i][j] != nil {
				plots[i][j].Draw(canvases[i][j])
			}
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// Save writes a single plot as a PNG.
func Save(path string, p *plot.Plot, w, h vg.Length) error {
	return SaveGrid(path, [][]*plot.Plot{{p}}, w, h)
}

// viridis anchor colours (every 1/8 of the range).
var viridis = [][3]float64{
	{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
	{39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37},
}

// Viridis maps t ∈ [0,1] to a colour of the viridis colour map (piecewise linear).
func Viridis(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{255, 0, 255, 255}
	}
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(viridis)-1)
	i := int(x)
	if i >= len(viridis)-1 {
		i = len(viridis) - 2
	}
	f := x - float64(i)
	c := func(k int) uint8 { return uint8(math.Round(viridis[i][k]*(1-f) + viridis[i+1][k]*f)) }
	return color.RGBA{c(0), c(1), c(2), 255}
}

// Range returns robust display limits of data: the q and 1−q quantiles.
func Range(data []float64, q float64) (lo, hi float64) {
	s := make([]float64, 0, len(data))
	for _, v := range data {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s = append(s, v)
		}
	}
	if len(s) == 0 {
		return 0, 1
	}
	sort.Float64s(s)
	lo = s[int(q*float64(len(s)-1))]
	hi = s[int((1-q)*float64(len(s)-1))]
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// MapImage renders an M×N map (row 0 at the top) with the viridis colour map
// between lo and hi.
func MapImage(data []float64, m, n int, lo, hi float64) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, n, m))
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			img.SetRGBA(j, i, Viridis((data[i*n+j]-lo)/(hi-lo)))
		}
	}
	return img
}

// MapPlot returns a plot showing a map as an image with a title and no axes.
func MapPlot(title string, data []float64, m, n int, lo, hi float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Add(plotter.NewImage(MapImage(data, m, n, lo, hi), 0, 0, float64(n), float64(m)))
	p.HideAxes()
	return p
}

// XY builds plotter.XYs from two slices, dropping non-finite points and, when
// logY is set, non-positive y.
func XY(x, y []float64, logY bool) plotter.XYs {
	var xy plotter.XYs
	for i := range x {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) || math.IsNaN(x[i]) || (logY && y[i] <= 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: x[i], Y: y[i]})
	}
	return xy
}

// Palette returns the i-th colour of a qualitative palette.
func Palette(i int) color.Color {
	cols := []color.RGBA{
		{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
		{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
		{188, 189, 34, 255}, {23, 190, 207, 255},
	}
	return cols[i%len(cols)]
}
