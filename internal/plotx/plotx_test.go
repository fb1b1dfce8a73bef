package plotx

import (
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func labelled(ts []plot.Tick) (vals []float64, labels []string) {
	for _, t := range ts {
		if t.Label != "" {
			vals = append(vals, t.Value)
			labels = append(labels, t.Label)
		}
	}
	return vals, labels
}

func TestLogTicksLabelAtLeastTwo(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string // labels expected among the ticks ("" entries: don't care)
	}{
		{1e-5, 1.2e-4, []string{"2e-5", "5e-5", "1e-4"}},
		{1, 1e6, []string{"1e0", "1e2", "1e4", "1e6"}}, // one form (SameFormLabels)
		{0.15, 0.29, nil},
		{2.1e-3, 2.4e-3, nil},
		{0.3, 0.95, []string{"0.5"}},
		{0.3, 0.45, []string{"0.3", "0.4"}},
	} {
		ts := LogTicks{}.Ticks(c.lo, c.hi)
		vals, labels := labelled(ts)
		if len(vals) < 2 {
			t.Errorf("[%g, %g]: %d labelled ticks %v, want ≥ 2", c.lo, c.hi, len(vals), labels)
		}
		for i, v := range vals {
			if v < c.lo*(1-1e-9) || v > c.hi*(1+1e-9) {
				t.Errorf("[%g, %g]: tick %g (%s) outside the range", c.lo, c.hi, v, labels[i])
			}
		}
		for _, w := range c.want {
			found := false
			for _, l := range labels {
				found = found || l == w
			}
			if !found {
				t.Errorf("[%g, %g]: labels %v lack %q", c.lo, c.hi, labels, w)
			}
		}
	}
	// wide ranges: only the decades are labelled
	_, labels := labelled(LogTicks{}.Ticks(1e-3, 1e3))
	if strings.Join(labels, " ") != "0.001 0.01 0.1 1 10 100 1000" {
		t.Errorf("[1e-3, 1e3] labels %v", labels)
	}
	if ts := (LogTicks{}).Ticks(0, 1); ts != nil {
		t.Errorf("non-positive range gave ticks %v", ts)
	}
}

func TestIntTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 5, "0 1 2 3 4 5"},
		{-0.1, 5.1, "0 1 2 3 4 5"},
		{1, 300, "20 40 60 80 100 120 140 160 180 200 220 240 260 280 300"},
		{1, 60, "10 20 30 40 50 60"},
	} {
		_, labels := labelled(IntTicks{}.Ticks(c.lo, c.hi))
		if got := strings.Join(labels, " "); got != c.want && !(c.lo == 1 && c.hi == 300 && len(labels) <= 10) {
			t.Errorf("[%g, %g]: labels %q, want %q", c.lo, c.hi, got, c.want)
		}
		if len(labels) > 11 {
			t.Errorf("[%g, %g]: %d labels", c.lo, c.hi, len(labels))
		}
	}
}

func TestFormatTick(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 1e-4: "1e-4", 2e-5: "2e-5", 0.001: "0.001", 0.25: "0.25", 2.5: "2.5",
		30: "30", 1e4: "1e4", 1.5e6: "1.5e6", -0.5: "-0.5", 9.99999e-6: "1e-5",
	} {
		if got := FormatTick(v); got != want {
			t.Errorf("FormatTick(%g) = %q, want %q", v, got, want)
		}
	}
}

func TestColourMapsAndRanges(t *testing.T) {
	near := func(c color.RGBA, r, g, b uint8) bool {
		d := func(x, y uint8) int { return int(x) - int(y) }
		return math.Abs(float64(d(c.R, r)))+math.Abs(float64(d(c.G, g)))+math.Abs(float64(d(c.B, b))) < 6
	}
	if c := Diverging(0.5); !near(c, 247, 247, 247) {
		t.Errorf("Diverging(0.5) = %v, want near white", c)
	}
	if c := Diverging(0); !(c.B > c.R) {
		t.Errorf("Diverging(0) = %v, want blue", c)
	}
	if c := Diverging(1); !(c.R > c.B) {
		t.Errorf("Diverging(1) = %v, want red", c)
	}
	if c := Viridis(math.NaN()); !near(c, 255, 0, 255) {
		t.Errorf("Viridis(NaN) = %v, want magenta", c)
	}
	lo, hi := SymRange(0, []float64{-1, 0.5, 3}, []float64{-4, 2})
	if lo != -4 || hi != 4 {
		t.Errorf("SymRange = %g, %g, want -4, 4", lo, hi)
	}
	if lo, hi := SymRange(0, []float64{0, 0}); lo != -1 || hi != 1 {
		t.Errorf("SymRange of zeros = %g, %g, want -1, 1", lo, hi)
	}
	if lo, hi := Range([]float64{math.NaN(), 2, 2}, 0); lo != 2 || hi != 3 {
		t.Errorf("Range of a constant = %g, %g, want 2, 3", lo, hi)
	}
}

// legendPlot returns a plot with one line through points and a two-entry
// legend, drawn on a 5×4 inch canvas.
func legendPlot(t *testing.T, pts plotter.XYs) (*plot.Plot, draw.Canvas) {
	t.Helper()
	p := plot.New()
	if err := AddLines(p, true, "one", pts, "two", plotter.XYs{pts[0]}); err != nil {
		t.Fatal(err)
	}
	return p, draw.New(vgimg.NewWith(vgimg.UseWH(5*vg.Inch, 4*vg.Inch), vgimg.UseDPI(DPI)))
}

func TestPlaceLegendAvoidsData(t *testing.T) {
	// data rising to the top right: the legend must leave that corner
	var rising plotter.XYs
	for i := 0; i <= 20; i++ {
		rising = append(rising, plotter.XY{X: float64(i), Y: float64(i * i)})
	}
	p, c := legendPlot(t, rising)
	if PlaceLegend(p, c) {
		t.Errorf("a free corner exists, but the range was widened")
	}
	if p.Legend.Top && !p.Legend.Left {
		t.Errorf("legend left at the top right, over the data")
	}
	// data filling the whole box: the range is widened and the legend at the top
	var zig plotter.XYs
	for i := 0; i <= 40; i++ {
		zig = append(zig, plotter.XY{X: float64(i), Y: float64(i % 2)})
	}
	p, c = legendPlot(t, zig)
	if !PlaceLegend(p, c) || !p.Legend.Top || !(p.Y.Max > 1) {
		t.Errorf("no free corner: widened=%v top=%v y max %g, want true, true, > 1", false, p.Legend.Top, p.Y.Max)
	}
}

// countColour counts the pixels of a PNG near colour want.
func countColour(t *testing.T, path string, want color.RGBA) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if math.Abs(float64(r>>8)-float64(want.R))+math.Abs(float64(g>>8)-float64(want.G))+math.Abs(float64(bb>>8)-float64(want.B)) < 12 {
				n++
			}
		}
	}
	return n
}

func TestMapPanelColourBar(t *testing.T) {
	dir := t.TempDir()
	flat := make([]float64, 16*32) // every pixel at lo: only the bar reaches the top colour
	top := Viridis(1)
	withBar, noBar := filepath.Join(dir, "bar.png"), filepath.Join(dir, "nobar.png")
	if err := SaveGridTitled(withBar, "title", [][]*plot.Plot{{MapPlot("m", flat, 16, 32, 0, 1)}}, 4*vg.Inch, 3*vg.Inch); err != nil {
		t.Fatal(err)
	}
	if err := Save(noBar, MapPanel("m", flat, 16, 32, 0, 1, MapOptions{NoBar: true}), 4*vg.Inch, 3*vg.Inch); err != nil {
		t.Fatal(err)
	}
	if n := countColour(t, withBar, top); n == 0 {
		t.Errorf("colour bar: %d pixels of the top colour, want some", n)
	}
	if n := countColour(t, noBar, top); n != 0 {
		t.Errorf("no bar: %d pixels of the top colour, want 0", n)
	}
	// the image keeps the map's 2:1 aspect: count the pixels of the low colour
	low := Viridis(0)
	f, _ := os.Open(noBar)
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	minX, maxX, minY, maxY := 1<<30, -1, 1<<30, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == low.R && uint8(g>>8) == low.G && uint8(bb>>8) == low.B {
				minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
			}
		}
	}
	w, h := float64(maxX-minX+1), float64(maxY-minY+1)
	if math.Abs(w/h-2) > 0.05 {
		t.Errorf("map drawn %g×%g pixels, want the 2:1 aspect of a 16×32 map", w, h)
	}
}

func TestAddLinesArguments(t *testing.T) {
	p := plot.New()
	if err := AddLines(p, false, "a"); err == nil {
		t.Errorf("odd argument count accepted")
	}
	if err := AddLines(p, false, 1, plotter.XYs{}); err == nil {
		t.Errorf("non-string name accepted")
	}
	if err := AddLines(p, false, "empty", plotter.XYs(nil), "one", plotter.XYs{{X: 1, Y: 1}}); err != nil {
		t.Errorf("empty series: %v", err)
	}
}

// A Segments series is drawn as separate lines with one legend entry, so
// that its gaps are not bridged.
func TestAddLinesSegments(t *testing.T) {
	p := plot.New()
	segs := Segments{{{X: 1, Y: 1}, {X: 2, Y: 2}}, {{X: 5, Y: 1}, {X: 6, Y: 1}}}
	if err := AddLines(p, false, "hist", segs, "other", plotter.XYs{{X: 1, Y: 3}, {X: 6, Y: 3}}); err != nil {
		t.Fatal(err)
	}
	// one legend entry per series: the legend is as tall as that of two plain series
	q := plot.New()
	if err := AddLines(q, false, "a", plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 2}}, "b", plotter.XYs{{X: 1, Y: 3}, {X: 6, Y: 3}}); err != nil {
		t.Fatal(err)
	}
	c := draw.New(vgimg.New(4*vg.Inch, 3*vg.Inch))
	if h, want := p.Legend.Rectangle(c).Size().Y, q.Legend.Rectangle(c).Size().Y; h != want {
		t.Errorf("legend height %v, want %v (one entry per series)", h, want)
	}
	// the x range covers both segments
	if p.X.Min != 1 || p.X.Max != 6 {
		t.Errorf("x range [%g, %g], want [1, 6]", p.X.Min, p.X.Max)
	}
	if err := AddLines(p, false, "bad", []float64{1}); err == nil || !strings.Contains(err.Error(), "plotx.Segments") {
		t.Errorf("wrong series type: %v, want an error naming plotter.XYs or plotx.Segments", err)
	}
}

// In a row of panels whose titles have different line counts, plot.Align
// leaves the extra height above the data area of the panel with the shorter
// title, and gonum draws a top legend from just below the title: the legend
// started above the data area. alignLegendTop moves it down to the data
// area's top.
func TestAlignLegendTop(t *testing.T) {
	mk := func(title string) *plot.Plot {
		p := plot.New()
		p.Title.Text = title
		if err := AddLines(p, false, "a", plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 2}}); err != nil {
			t.Fatal(err)
		}
		p.Legend.Top = true
		return p
	}
	one, two := mk("one line"), mk("two\nlines")
	plots := [][]*plot.Plot{{one, two}}
	dc := draw.New(vgimg.New(8*vg.Inch, 3*vg.Inch))
	cs := plot.Align(plots, draw.Tiles{Rows: 1, Cols: 2}, dc)
	for j, p := range plots[0] {
		alignLegendTop(p, cs[0][j])
		top := cs[0][j].Max.Y - p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y - p.Title.Padding
		got := top + p.Legend.YOffs
		if want := p.DataCanvas(cs[0][j]).Max.Y; math.Abs(float64(got-want)) > 1e-9 {
			t.Errorf("panel %d: legend top at %v, data area top at %v", j, got, want)
		}
	}
	if !(one.Legend.YOffs < -vg.Points(5)) {
		t.Errorf("one-line title beside a two-line one: legend offset %v, want about one title line down", one.Legend.YOffs)
	}
	bottom := mk("x")
	bottom.Legend.Top = false
	alignLegendTop(bottom, cs[0][0])
	if bottom.Legend.YOffs != 0 {
		t.Errorf("bottom legend moved by %v", bottom.Legend.YOffs)
	}
}

// Within a decade, LogTicks labelled 7, 8, 9 × 10⁻⁴ and 10⁻³ on
// [6.9e-4, 1.9e-3] (the S2 panel of stats --kind wst --plot): the upper two
// thirds of the axis had no label. The labels now cover at least half of
// such a range (in log).
func TestLogTicksNotBunched(t *testing.T) {
	for _, c := range [][2]float64{{6.9e-4, 1.9e-3}, {8.5e-4, 1.6e-3}, {0.3, 0.45}, {0.0069, 0.0105}, {1e-4, 1.65e-4}} {
		vals, labels := labelled(LogTicks{}.Ticks(c[0], c[1]))
		if len(vals) < 2 {
			t.Errorf("[%g, %g]: labels %v, want ≥ 2", c[0], c[1], labels)
			continue
		}
		cover := math.Log10(vals[len(vals)-1]/vals[0]) / math.Log10(c[1]/c[0])
		if cover < 0.5 {
			t.Errorf("[%g, %g]: labels %v cover %.0f %% of the axis, want ≥ 50 %%", c[0], c[1], labels, 100*cover)
		}
	}
}

// RatioTicks labels round values and always 1 when it is in range (gonum's
// default labelled [0.2, 1.8] as 0.25, 1.00, 1.75).
func TestRatioTicks(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		want     string
	}{
		{0.2, 1.8, "0.5 1 1.5"},
		{0.9, 1.1, "0.9 0.95 1 1.05 1.1"},
		{0.97, 1.02, "0.97 0.98 0.99 1 1.01 1.02"},
		{0.62, 1.31, "0.8 1 1.2"},
		{0, 9, "0 1 2 4 6 8"},         // 1 between multiples of 2
		{0, 25, "1 5 10 15 20 25"},    // 0 too close to 1 loses its label
		{2, 5, "2 2.5 3 3.5 4 4.5 5"}, // 1 not in range
		{1, 1, "1"},
		{-0.5, 1, "-0.5 -0.25 0 0.25 0.5 0.75 1"},
	} {
		ts := RatioTicks{}.Ticks(c.min, c.max)
		var lt []plot.Tick
		for _, tk := range ts {
			if tk.Label != "" {
				lt = append(lt, tk)
			}
		}
		sort.Slice(lt, func(i, j int) bool { return lt[i].Value < lt[j].Value })
		got := make([]string, len(lt))
		for i, tk := range lt {
			got[i] = tk.Label
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("[%g, %g]: labels %q, want %q", c.min, c.max, g, c.want)
		}
		seen := map[float64]bool{}
		for _, tk := range ts {
			if tk.Value < c.min-1e-12 || tk.Value > c.max+1e-12 || seen[tk.Value] {
				t.Errorf("[%g, %g]: tick %g out of range or repeated", c.min, c.max, tk.Value)
			}
			seen[tk.Value] = true
		}
	}
	if ts := (RatioTicks{}).Ticks(math.NaN(), 1); ts != nil {
		t.Errorf("NaN range: %v, want none", ts)
	}
}
