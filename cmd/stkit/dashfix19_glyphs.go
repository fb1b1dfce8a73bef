package main

import (
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// dashfixJ1Glyphs are the marker shapes of the per-class dashboard's j1
// values in a panel against j2 − j1 (j1 = 0: filled circle, 1: filled
// square, 2: filled triangle, then ×, +, open circle, square, triangle);
// they repeat after eight. (gonum's BoxGlyph and PyramidGlyph are the
// filled square and triangle, SquareGlyph and TriangleGlyph outlines.)
var dashfixJ1Glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}}

// dashfixJ1Glyph is the marker shape of the k-th j1 value of a panel.
func dashfixJ1Glyph(k int) draw.GlyphDrawer {
	n := len(dashfixJ1Glyphs)
	return dashfixJ1Glyphs[(k%n+n)%n]
}

// dashfixThumb is a legend thumbnail: one marker of colour col, shape sh
// and radius r (a scatter that is not added to the plot).
func dashfixThumb(col color.Color, sh draw.GlyphDrawer, r vg.Length) *plotter.Scatter {
	s, _ := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
	s.GlyphStyle = draw.GlyphStyle{Color: col, Shape: sh, Radius: r}
	return s
}

// phaseTicks label a phase axis [−π, π] at multiples of π/2.
var phaseTicks = plot.ConstantTicks{
	{Value: -math.Pi, Label: "−π"}, {Value: -math.Pi / 2, Label: "−π/2"}, {Value: 0, Label: "0"},
	{Value: math.Pi / 2, Label: "π/2"}, {Value: math.Pi, Label: "π"},
}

// dashfixScaleAxes names the wavelength on the x axis of the per-class
// dashboard panels drawn against the scale j1 (statsDashboardPanelsLinear's
// "scale j1 …"): "scale j1 (central wavelength ≈ 2.35·2^j1 px) …" for wph's
// bump-steerable wavelets (central frequency 0.85π/2^j), "≈ 8/3·2^j1 px"
// for the Morlet wavelets of wst (as scov's axes say). The scaling moments
// L (and pseudo L), whose j1 is the scale of a Gaussian low-pass, say so
// instead. The offset note that followed "scale j1" goes to a second line.
func dashfixScaleAxes(spec stats.Spec, panels []*plot.Plot) {
	wave := "8/3"
	if spec.Kind == stats.WPH {
		wave = "2.35"
	}
	for _, p := range panels {
		if p == nil || !strings.HasPrefix(p.X.Label.Text, "scale j1") {
			continue
		}
		rest := strings.TrimPrefix(p.X.Label.Text, "scale j1") // the offset note
		if rest != "" {
			rest = "\n" + strings.TrimSpace(rest) // a second line: the label fits the panel
		}
		cl := strings.SplitN(strings.SplitN(p.Title.Text, "\n", 2)[0], " (", 2)[0]
		if spec.Kind == stats.WPH && (cl == "L" || cl == "pseudo L" || cl == "|L|" || cl == "arg L" || cl == "|pseudo L|" || cl == "arg pseudo L") {
			p.X.Label.Text = "scale j1 of the Gaussian low-pass" + rest
			continue
		}
		p.X.Label.Text = "scale j1 (central wavelength ≈ " + wave + "·2^j1 px)" + rest
	}
}
