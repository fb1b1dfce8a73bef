package infer

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"

	"github.com/stkit-org/stkit/datasets"
)

// KScale says what the wavenumber k of a report's power spectra is in
// physical units: k counts cycles per SidePx pixels (min(M, N), or the
// interior window's smaller side), which span Side in Unit, so a bin at k
// has the wavelength Side/k. With square pixels Side = SidePx × the pixel
// size; otherwise the pixel size is the geometric mean √(X·Y) of the two
// axes' (Note says so). Recorded in metrics.json as "k_scale";
// power_spectrum.png writes Side in its k axis label and the wavelength
// under each labelled k.
type KScale struct {
	PixelScale *datasets.PixelScale `json:"pixel_scale"`
	SidePx     int                  `json:"side_px"`
	Side       float64              `json:"side"`
	Unit       string               `json:"unit"`
	Note       string               `json:"note,omitempty"`
}

// newKScale returns the KScale of maps whose smaller side is side pixels
// of size ps (nil: nil, no physical scale known).
func newKScale(ps *datasets.PixelScale, side int) *KScale {
	if ps == nil || side <= 0 {
		return nil
	}
	x, y := ps.X, ps.Y
	if x == 0 {
		x = y
	}
	if y == 0 {
		y = x
	}
	if !(x > 0) || math.IsInf(x, 0) || !(y > 0) || math.IsInf(y, 0) {
		return nil
	}
	k := &KScale{PixelScale: ps, SidePx: side, Side: float64(side) * math.Sqrt(x*y), Unit: ps.Unit}
	if math.Abs(x-y) > 1e-5*max(x, y) {
		k.Note = "pixels not square (" + ps.String() + "): side uses their geometric mean size"
	}
	return k
}

// length writes v (in the KScale's Unit) for a label: angles as 21.3°,
// 12.5' or 40" (3 significant digits, the largest unit with v ≥ 1),
// other units as "v unit" ("v" with none).
func (k *KScale) length(v float64) string {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }
	if f, ok := datasets.AngleUnitDegrees(k.Unit); ok {
		d := v * f
		switch {
		case d >= 1:
			return g(d) + "°"
		case d*60 >= 1:
			return g(d*60) + "'"
		}
		return g(d*3600) + "\""
	}
	if k.Unit == "" {
		return g(v) + " (no unit)"
	}
	return g(v) + " " + k.Unit
}

// axisLabel is the k axis label of power_spectrum.png: base (the label in
// pixels) with the side's physical size and how to read the wavelength
// row; base alone for k nil.
func (k *KScale) axisLabel(base string) string {
	if k == nil {
		return base
	}
	return fmt.Sprintf("%s; %d px = %s\nbelow each k: its wavelength %s/k", base, k.SidePx, k.length(k.Side), k.length(k.Side))
}

// wavelengthTicks adds the wavelength Side/k under each labelled tick of
// Ticker (the k axis of power_spectrum.png).
type wavelengthTicks struct {
	plot.Ticker
	k *KScale
}

// Ticks implements plot.Ticker.
func (w wavelengthTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := w.Ticker.Ticks(lo, hi)
	for i, t := range ts {
		if t.Label != "" && t.Value > 0 {
			ts[i].Label = t.Label + "\n" + w.k.length(w.k.Side/t.Value)
		}
	}
	return ts
}

// setKAxis labels p's k axis (already log-scaled, setLogScales) with the
// physical scale k: the label (axisLabel) and the wavelength under each
// labelled tick; nothing for k nil.
func (k *KScale) setKAxis(p *plot.Plot) {
	if k == nil || p == nil {
		return
	}
	p.X.Label.Text = k.axisLabel(p.X.Label.Text)
	p.X.Tick.Marker = wavelengthTicks{Ticker: p.X.Tick.Marker, k: k}
}
