package infer

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// maps.png of a learned-model separation showed the truths and the
// estimates but, unlike the plain separation report, no error maps. With
// the truths it now has a third row: estimate − truth per component on a
// symmetric diverging scale, its rms relative to the truth's std in the
// title (the metrics' RelError).
func TestModelSepMapsErrorPanels(t *testing.T) {
	const n = 16
	truth := biMaps(2, n, n, 1)
	est := biMaps(2, n, n, 1)
	for i := range est.Data {
		est.Data[i] *= 0.9
	}
	data := stlayer.NewMaps(1, n, n)
	for c := 0; c < 2; c++ {
		for i, v := range truth.Map(c) {
			data.Data[i] += v
		}
	}
	names := []string{"dust", "cmb"}
	met, err := EvaluateModelSeparation(est, truth, names)
	if err != nil {
		t.Fatal(err)
	}
	rows, title := modelSepMapPanels(data, est, truth, names)
	if len(rows) != 3 || len(rows[2]) != 3 {
		t.Fatalf("%d rows of %d panels, want 3 of 3", len(rows), len(rows[0]))
	}
	if rows[1][0] != nil || rows[2][0] != nil {
		t.Errorf("the data column has panels below the data")
	}
	if !strings.Contains(title, "errors estimate − truth (bottom") {
		t.Errorf("figure title %q does not name the error row", title)
	}
	for c, name := range names {
		got := rows[2][c+1].Title.Text
		want := "error: estimate − true " + name + "\nrms = " + fmtDev(met[c].RelError) + " × std of the truth"
		if got != want {
			t.Errorf("error panel %d: title %q, want %q", c, got, want)
		}
		if rows[0][c+1].Title.Text != "true "+name || rows[1][c+1].Title.Text != "estimate "+name {
			t.Errorf("component %d: titles %q, %q", c, rows[0][c+1].Title.Text, rows[1][c+1].Title.Text)
		}
	}
	if fmtDev(met[0].RelError) != "0.100" {
		t.Errorf("relative rms error %g, want 0.1 (estimate = 0.9 × truth)", met[0].RelError)
	}

	// A constant truth has no std: no rms line.
	flat := biMaps(2, n, n, 1)
	for i := range flat.Map(1) {
		flat.Map(1)[i] = 2
	}
	rows, _ = modelSepMapPanels(data, est, flat, names)
	if got := rows[2][2].Title.Text; got != "error: estimate − true cmb" {
		t.Errorf("constant truth: title %q", got)
	}

	// Without truths: data and estimates in one row (they stood on the
	// diagonal of a 2-row grid, half of it empty).
	rows, title = modelSepMapPanels(data, est, nil, names)
	if len(rows) != 1 || len(rows[0]) != 3 || strings.Contains(title, "error") {
		t.Fatalf("without truths: %d rows of %d, title %q", len(rows), len(rows[0]), title)
	}
	for j, want := range []string{"data", "estimate dust", "estimate cmb"} {
		if got := rows[0][j].Title.Text; got != want {
			t.Errorf("without truths, panel %d: title %q, want %q", j, got, want)
		}
	}

	// The report's maps.png has the three rows.
	dir := t.TempDir()
	res := &ModelSepResult{Components: est}
	if err := WriteModelSepReport(dir, data, res, truth, &ModelSepReport{Components: names, Metrics: met}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "maps.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if w, h := int(math.Round(3*3.4*plotx.DPI)), int(math.Round(3*3.4*plotx.DPI)); cfg.Width != w || cfg.Height != h {
		t.Errorf("maps.png is %d×%d pixels, want %d×%d (3 columns, 3 rows)", cfg.Width, cfg.Height, w, h)
	}
}

// power_spectrum.png of a learned-model separation without truths was
// titled "(solid: estimate, dashed: truth)" with no truth drawn.
func TestModelSepSpectrumTitle(t *testing.T) {
	const n = 16
	est, truth := biMaps(2, n, n, 1), biMaps(2, n, n, 3)
	data := biMaps(1, n, n, 5)
	names := []string{"a", "b"}
	var heights []float64 // legend height per entry
	for _, c := range []struct {
		truth   *stlayer.Maps
		title   string
		entries int
	}{
		{nil, "isotropic power spectra of the data and the estimates", 3},
		{truth, "isotropic power spectra (solid: estimate, dashed: truth)", 5},
	} {
		p, err := modelSepSpectrumPlot(data, est, c.truth, names)
		if err != nil {
			t.Fatal(err)
		}
		if p.Title.Text != c.title {
			t.Errorf("truth %v: title %q, want %q", c.truth != nil, p.Title.Text, c.title)
		}
		// legend entries: data, the estimates (and the truths)
		heights = append(heights, float64(p.Legend.Rectangle(draw.New(vgimg.New(4*vg.Inch, 3*vg.Inch))).Size().Y)/float64(c.entries))
	}
	if math.Abs(heights[1]/heights[0]-1) > 0.01 {
		t.Errorf("legend height per entry %v: not 3 entries without truths and 5 with", heights)
	}
}
