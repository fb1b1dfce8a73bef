package infer

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// pngSize returns the pixel size of a PNG file.
func pngSize(t *testing.T, path string) (w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

// The maps.png figures had fixed heights for square maps: maps four times
// as wide as tall sat in bands of white three times their height. Their
// height now follows the maps' shape (plotx.MapRowHeight); square maps
// keep theirs.
func TestMapFiguresFollowMapShape(t *testing.T) {
	dir := t.TempDir()
	px := func(in float64) int { return int(math.Round(in * plotx.DPI)) }
	for _, c := range []struct {
		m, n          int
		synth, sep    int // heights in pixels
		model, model0 int
	}{
		// square: the heights before
		{32, 32, px(6.6), px(7.4), px(3 * 3.4), px(3.4)},
		// 16×64: rows of (w − 0.7 in)/4 + 0.7 in, plus the figure title
		{16, 64, px(0.3 + 2*(2.7/4+0.7)), px(0.4 + 2*((11.0/3-0.7)/4+0.7)), px(0.6 + 3*(2.7/4+0.7)), px(0.3 + 2.7/4 + 0.7)},
	} {
		a, b := biMaps(2, c.m, c.n, 1), biMaps(2, c.m, c.n, 2)
		f := filepath.Join(dir, "synth.png")
		if err := plotMapsNamed(f, a, b, "target", "synthesis"); err != nil {
			t.Fatal(err)
		}
		if _, h := pngSize(t, f); h != c.synth {
			t.Errorf("%d×%d synthesis maps.png: height %d px, want %d", c.m, c.n, h, c.synth)
		}
		one := func(x *stlayer.Maps) *stlayer.Maps { return &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: x.Map(0)} }
		f = filepath.Join(dir, "sep.png")
		if err := plotSeparationMaps(f, one(a), one(b), one(b)); err != nil {
			t.Fatal(err)
		}
		if _, h := pngSize(t, f); h != c.sep {
			t.Errorf("%d×%d separation maps.png: height %d px, want %d", c.m, c.n, h, c.sep)
		}
		for _, truth := range []*stlayer.Maps{b, nil} {
			d := filepath.Join(dir, "model")
			if err := WriteModelSepReport(d, one(a), &ModelSepResult{Components: a}, truth, &ModelSepReport{Components: []string{"x", "y"}}); err != nil {
				t.Fatal(err)
			}
			want := c.model
			if truth == nil {
				want = c.model0
			}
			if _, h := pngSize(t, filepath.Join(d, "maps.png")); h != want {
				t.Errorf("%d×%d model separation maps.png (truth %v): height %d px, want %d", c.m, c.n, truth != nil, h, want)
			}
		}
	}
}
