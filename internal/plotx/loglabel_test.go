package plotx

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// spectrumPanel returns a panel of a power-law spectrum over four decades
// with the reports' long axis labels, log scales when log.
func spectrumPanel(t *testing.T, title string, log bool) *plot.Plot {
	t.Helper()
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "k (cycles per min(M,N) pixels)"
	p.Y.Label.Text = "P(k) = mean |FFT x|² / MN"
	var xy plotter.XYs
	for k := 1.0; k <= 32; k *= math.Sqrt2 {
		xy = append(xy, plotter.XY{X: k, Y: 400 * math.Pow(k, -3)})
	}
	if err := AddLines(p, true, "", xy); err != nil {
		t.Fatal(err)
	}
	if log {
		SetLog(p, true, true)
	}
	return p
}

// gonum reserved room for the label of a log axis as if it were centred on
// Norm((min+max)/2), near the top of a y axis spanning decades: in a row
// with a linear panel (power_spectrum.png of the synthesis report) the log
// panel's title stood some 60 points above the other's. holdLabels gives
// the log panel the data area of its linear twin, and the titles of the
// rendered row are level.
func TestLogAxisLabelLayout(t *testing.T) {
	logP, linP := spectrumPanel(t, "spectrum", true), spectrumPanel(t, "spectrum", false)
	c := draw.New(vgimg.New(5.5*vg.Inch, 4.5*vg.Inch))
	top := func(p *plot.Plot) vg.Length { return c.Max.Y - p.DataCanvas(c).Max.Y }
	if d := top(logP) - top(linP); d < vg.Points(20) {
		t.Logf("gonum no longer pads a log axis' label away (%v more above the log panel's data): holdLabels may be dropped", d)
	}
	right := func(p *plot.Plot) vg.Length { return c.Max.X - p.DataCanvas(c).Max.X }
	held := holdLabels([][]*plot.Plot{{logP, linP}}, false)
	if len(held) != 2 {
		t.Fatalf("held %d labels, want the log panel's two", len(held))
	}
	if a, b := top(logP), top(linP); math.Abs(float64(a-b)) > 1e-9 {
		t.Errorf("with the labels held, room above the data: log panel %v, linear panel %v", a, b)
	}
	if a, b := right(logP), right(linP); math.Abs(float64(a-b)) > 1e-9 {
		t.Errorf("with the labels held, room right of the data: log panel %v, linear panel %v", a, b)
	}
	releaseLabels(held)
	if logP.X.Label.Text != "k (cycles per min(M,N) pixels)" || logP.Y.Label.Text != "P(k) = mean |FFT x|² / MN" ||
		logP.Y.Label.TextStyle.XAlign != draw.XCenter {
		t.Errorf("labels not restored: %q, %q (x align %v)", logP.X.Label.Text, logP.Y.Label.Text, logP.Y.Label.TextStyle.XAlign)
	}

	// The rendered row: the first non-white pixel row of each half (the
	// title's top) is the same.
	img, err := renderGrid("", [][]*plot.Plot{{logP, linP}}, 11*vg.Inch, 4.5*vg.Inch, false)
	if err != nil {
		t.Fatal(err)
	}
	im := decodePNG(t, img)
	w := im.Bounds().Dx()
	first := func(x0, x1 int) int {
		for y := 0; y < im.Bounds().Dy(); y++ {
			for x := x0; x < x1; x++ {
				if r, g, b, _ := im.At(x, y).RGBA(); r < 0xc000 || g < 0xc000 || b < 0xc000 {
					return y
				}
			}
		}
		return -1
	}
	if a, b := first(0, w/2), first(w/2, w); a != b || a < 0 {
		t.Errorf("title tops at pixel rows %d (log panel) and %d (linear panel), want level", a, b)
	}
	if logP.Y.Label.Text != "P(k) = mean |FFT x|² / MN" {
		t.Errorf("renderGrid left the y label as %q", logP.Y.Label.Text)
	}
}

// drawLabels draws a held label where gonum draws it: a figure whose
// labels are all held (linear axes, where gonum's room is right) is the
// same image, pixel for pixel, as gonum's.
func TestHeldLabelsDrawnAsGonum(t *testing.T) {
	mk := func() [][]*plot.Plot {
		a, b := spectrumPanel(t, "one", false), spectrumPanel(t, "two\nlines", false)
		b.X.Label.Text = "two-line\nx label"
		return [][]*plot.Plot{{a, b}}
	}
	var imgs [2]image.Image
	for i, all := range []bool{false, true} {
		img, err := renderGrid("figure", mk(), 9*vg.Inch, 4*vg.Inch, all)
		if err != nil {
			t.Fatal(err)
		}
		imgs[i] = decodePNG(t, img)
	}
	diff := 0
	for y := 0; y < imgs[0].Bounds().Dy(); y++ {
		for x := 0; x < imgs[0].Bounds().Dx(); x++ {
			if imgs[0].At(x, y) != imgs[1].At(x, y) {
				diff++
			}
		}
	}
	if diff != 0 {
		t.Errorf("%d pixels differ between gonum's labels and the held ones", diff)
	}
}

func decodePNG(t *testing.T, c *vgimg.Canvas) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	im, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

// A log axis over [5e-5, 0.5] (histogram.png of stkit demo's lognormal
// sample) read "1e-4", "0.001", "0.01", "0.1": one form now.
func TestLogTicksOneLabelForm(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{5e-5, 0.5, "1e-4 1e-3 1e-2 1e-1"},
		{1e-3, 1e3, "0.001 0.01 0.1 1 10 100 1000"}, // all plain: unchanged
		{1e-7, 1e-4, "1e-7 1e-6 1e-5 1e-4"},
		{2e-4, 3e-3, "2e-4 5e-4 1e-3 2e-3"},
	} {
		_, labels := labelled(LogTicks{}.Ticks(c.lo, c.hi))
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("[%g, %g]: labels %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}

// The pixel axis of histogram.png had gonum's default labels 0, 9, 18 on
// [−0.9, 19.7]; LinearTicks labels round multiples.
func TestLinearTicksRound(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{-0.9, 19.7, "0 5 10 15"},
		{-2.6, 2.4, "-2 -1 0 1 2"},
		{0.02, 0.37, "0.1 0.2 0.3"},
		{-3e4, 2e4, "-3e4 -2e4 -1e4 0 1e4 2e4"},
		{0.9, 1.1, "0.9 0.95 1 1.05 1.1"},
	} {
		_, labels := labelled(LinearTicks{}.Ticks(c.lo, c.hi))
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("[%g, %g]: labels %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}
