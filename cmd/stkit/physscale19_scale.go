package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Physical units of stats' outputs (physscale19): where MAP's FITS header
// gives a pixel scale (datasets.PixelScaleOf: CDELTi, or a PC or CD
// matrix, rotation dropped) the JSON config records it as "pixel_scale"
// {value, unit} (value_y for pixels that are not square) and, per scale j,
// "scale_wavelengths": the wavelets' central wavelength in pixels (Morlet
// of wst, scov and spectra: 2π/(3π/4)·2^j = 8/3·2^j; wph's bump-steerable:
// 2π/(0.85π)·2^j ≈ 2.35·2^j) and on the sky (angular scales in arcmin,
// arcsec for pixels given in arcsec or mas; other units as the header
// names them). The printed table gets the same as "# " lines, and its
// class lines name the BUNIT ("(K²)" for "(unit squared)").

// physScale is what stats knows of MAP's physical units (physScaleOf).
type physScale struct {
	bunit string
	scale *datasets.PixelScale
	cards []datasets.Card
}

// physScaleOf reads MAP's BUNIT and pixel scale from its FITS cards (nil
// cards: a .npy or .npz map, nothing known).
func physScaleOf(cards []datasets.Card) *physScale {
	u := datasets.MapUnitsOf(cards)
	return &physScale{bunit: u.BUnit, scale: u.Scale, cards: cards}
}

// pixelScaleDoc is the JSON config's "pixel_scale".
type pixelScaleDoc struct {
	// Value: the size of a pixel along FITS axis 1 (the columns), in Unit;
	// ValueY along axis 2 (the rows) where it differs.
	Value  float64 `json:"value"`
	ValueY float64 `json:"value_y,omitempty"`
	Unit   string  `json:"unit"`
	Doc    string  `json:"doc"`
}

// scaleWavelengthDoc is one entry of the JSON config's
// "scale_wavelengths".
type scaleWavelengthDoc struct {
	J int `json:"j"`
	// WavelengthPx: the central wavelength of the wavelets of scale j in
	// pixels; Wavelength the same in Unit (WavelengthY along the rows
	// where the pixels are not square).
	WavelengthPx float64 `json:"central_wavelength_px"`
	Wavelength   float64 `json:"central_wavelength"`
	WavelengthY  float64 `json:"central_wavelength_y,omitempty"`
	Unit         string  `json:"unit"`
}

// waveFactor is the central wavelength of scale j in pixels over 2^j: 8/3
// for the Morlet wavelets (central frequency 3π/4 rad per pixel at j = 0),
// 2/0.85 for wph's bump-steerable ones (0.85π), with a description.
func waveFactor(spec stats.Spec) (float64, string) {
	if spec.Kind == stats.WPH {
		return 2 / 0.85, "bump-steerable wavelets, central frequency 0.85π/2^j rad per pixel: 2.35·2^j pixels"
	}
	return 8.0 / 3, "Morlet wavelets, central frequency (3π/4)/2^j rad per pixel: 8/3·2^j pixels"
}

// skyUnit returns the unit the wavelengths are written in for a pixel
// scale in unit u and the size of u in it: arcmin for deg, arcmin and rad,
// arcsec for arcsec and mas (whatever their case, as
// datasets.AngleUnitDegrees reads them: 'ARCSEC' is arcsec), u itself for
// a unit that is not an angle and for none ("" or blank).
func skyUnit(u string) (string, float64) {
	f, ok := datasets.AngleUnitDegrees(u)
	if !ok {
		return u, 1
	}
	if l := strings.ToLower(strings.TrimSpace(u)); l == "arcsec" || l == "mas" {
		return "arcsec", f * 3600
	}
	return "arcmin", f * 60
}

// pixelScaleJSON returns the JSON config's pixel_scale and
// scale_wavelengths for J scales of spec; nil, nil without a pixel scale.
func (ph *physScale) pixelScaleJSON(spec stats.Spec) (*pixelScaleDoc, []scaleWavelengthDoc) {
	if ph == nil || ph.scale == nil {
		return nil, nil
	}
	p := ph.scale
	x, y := p.X, p.Y
	if x == 0 {
		x = y
	}
	if y == 0 {
		y = x
	}
	fac, what := waveFactor(spec)
	unit, conv := skyUnit(p.Unit)
	doc := &pixelScaleDoc{Value: x, Unit: p.Unit}
	if math.Abs(x-y) > 1e-5*max(x, y) {
		doc.ValueY = y
	}
	doc.Doc = "the size of a pixel from MAP's FITS header (|CDELTi|, or the columns of a PC or CD matrix: rotation dropped); value along axis 1 (columns), value_y along axis 2 (rows) when it differs. scale_wavelengths: the central wavelength of each scale j's " + what + ", and in " + unitOrNone(unit) + " (pixels × value)"
	if p.Unit == "" {
		doc.Doc += "; the header names no unit (CUNIT1/2) for the pixel scale"
	}
	var ws []scaleWavelengthDoc
	for j := 0; j < spec.J; j++ {
		px := fac * math.Ldexp(1, j)
		w := scaleWavelengthDoc{J: j, WavelengthPx: px, Wavelength: px * x * conv, Unit: unit}
		if doc.ValueY != 0 {
			w.WavelengthY = px * y * conv
		}
		ws = append(ws, w)
	}
	return doc, ws
}

func unitOrNone(u string) string {
	if u == "" {
		return "the header's (unnamed) unit"
	}
	return u
}

// fmtG writes v with up to 4 significant digits.
func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// headerLines returns the "# " lines stats prints above its table for a
// map with a pixel scale: the scale and each j's central wavelength; none
// without one, but for a header whose axes' units differ and are not both
// angles the line saying so (noScaleLine).
func (ph *physScale) headerLines(spec stats.Spec) []string {
	doc, ws := ph.pixelScaleJSON(spec)
	if doc == nil {
		if l := ph.noScaleLine(); l != "" {
			return []string{"# " + l}
		}
		return nil
	}
	sz := fmtG(doc.Value)
	if doc.ValueY != 0 {
		sz += " × " + fmtG(doc.ValueY)
	}
	u := doc.Unit
	if u == "" {
		u = "(no unit in the header)"
	}
	_, what := waveFactor(spec)
	line := fmt.Sprintf("# pixel scale: %s %s (%s) per pixel, from the FITS header; central wavelength of scale j (%s):", sz, u, ph.scale.String(), what)
	for i, w := range ws {
		sep := ","
		if i == 0 {
			sep = ""
		}
		v := fmtG(w.Wavelength)
		if w.WavelengthY != 0 {
			v += " × " + fmtG(w.WavelengthY)
		}
		line += fmt.Sprintf("%s j=%d %s %s", sep, w.J, v, w.Unit)
	}
	return []string{line}
}

// nameUnit writes the BUNIT into a class or column description
// (stats.NameUnit, the square written as plotx.UnitPower writes it): "the
// map's raw mean (in its unit)" becomes "… (in K)", "(unit squared)"
// "(K²)"; s unchanged for bunit "".
func nameUnit(s, bunit string) string {
	return stats.NameUnit(s, bunit, plotx.UnitPower(bunit, 2))
}

// classDocUnits is classDoc with the BUNIT named (nameUnit).
func (ph *physScale) classDocUnits(d map[string]string) map[string]string {
	if ph == nil || ph.bunit == "" || d == nil {
		return d
	}
	out := make(map[string]string, len(d))
	for k, v := range d {
		out[k] = nameUnit(v, ph.bunit)
	}
	return out
}

// printCoeffsPhys is printCoeffs with MAP's physical units: the pixel
// scale's "# " lines first (headerLines) and the BUNIT named in the "# "
// lines above the table (nameUnit). ph nil: printCoeffs as it is.
func printCoeffsPhys(g *globals, spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, ph *physScale) error {
	if ph == nil {
		return printCoeffs(g, spec, lab, c)
	}
	var buf bytes.Buffer
	g2 := *g
	g2.stdout = &buf
	if err := printCoeffs(&g2, spec, lab, c); err != nil {
		return err
	}
	for _, l := range ph.headerLines(spec) {
		if _, err := io.WriteString(g.stdout, l+"\n"); err != nil {
			return err
		}
	}
	out := buf.String()
	if ph.bunit != "" {
		// only the "# " key lines above the table: the table itself is
		// "#  coefficient …" and the coefficient rows
		var b strings.Builder
		for _, l := range strings.SplitAfter(out, "\n") {
			if strings.HasPrefix(l, "# ") {
				l = nameUnit(l, ph.bunit)
			}
			b.WriteString(l)
		}
		out = b.String()
	}
	_, err := io.WriteString(g.stdout, out)
	return err
}

// noScaleLine is noPixelScaleNote of MAP's header with what it leaves out:
// "no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s' (…): the central
// wavelengths of the scales j are in pixels only"; "" when the header gives
// a pixel scale or none at all.
func (ph *physScale) noScaleLine() string {
	if ph == nil || ph.scale != nil {
		return ""
	}
	if n := noPixelScaleNote(ph.cards); n != "" {
		return n + ": the central wavelengths of the scales j are in pixels only"
	}
	return ""
}
