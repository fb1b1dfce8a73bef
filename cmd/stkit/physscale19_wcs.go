package main

import (
	"strconv"

	"github.com/stkit-org/stkit/datasets"
)

// Sky orientation of stats' anisotropy summary (physscale19): where MAP's
// FITS header has a celestial WCS, each scale's stripe direction (measured
// on the pixel grid, anisoMeasuredFrom) is also given as a position angle
// on the sky, position_angle_deg: the direction the structures run along,
// measured from north through east (the IAU convention), in [0°, 180°).
// The WCS is read and the angle computed by the library,
// datasets.SkyOrientationCards and datasets.SkyOrientation.PositionAngle,
// whose doc comment gives the formula and what is handled or refused.

// skyFrameDoc is the anisotropy summary's "sky" (physAnisotropy): the
// frame of position_angle_deg, or why there is none.
type skyFrameDoc struct {
	// Frame: the celestial coordinates and what north and east are there.
	Frame string `json:"frame,omitempty"`
	// Convention of position_angle_deg.
	Convention string `json:"convention,omitempty"`
	// Matrix: the WCS cards the pixel-to-sky directions came from.
	Matrix string `json:"matrix,omitempty"`
	// Note: where it holds (the reference pixel), or why no position angle.
	Note string `json:"note"`
}

const skyConvention = "position_angle_deg: the direction the structures run along (stripe_direction_deg carried to the sky through the WCS), measured from north through east (IAU), in [0°, 180°)"

const skyWhere = "the direction on the sky at the reference pixel CRPIX (for the default LONPOLE the projection plane's axes point east and north there); away from it north turns by about Δα·sin δ (Δα the longitude offset). Handled: CDELTi, PCi_j, CDi_j, CROTAi of the latitude axis (wcslib's precedence PC, CD, CROTA), CUNIT deg/arcmin/arcsec/mas/rad, either axis order; SIP distortions ignored (second order at CRPIX)"

// physAnisotropy adds the sky orientation to an anisotropy summary d (nil:
// nothing): each scale's position_angle_deg and the summary's "sky" frame
// where cards hold a celestial WCS, a "sky" note alone where they hold one
// that is not handled; nothing for maps without celestial axes.
func physAnisotropy(d *anisotropyDoc, cards []datasets.Card) {
	if d == nil {
		return
	}
	s, note := datasets.SkyOrientationCards(cards)
	if s == nil {
		if note != "" {
			d.Sky = &skyFrameDoc{Note: note}
		}
		return
	}
	d.Sky = &skyFrameDoc{Frame: s.Frame, Convention: skyConvention, Matrix: s.Matrix, Note: skyWhere}
	for mi := range d.Maps {
		for si := range d.Maps[mi].Scales {
			e := &d.Maps[mi].Scales[si]
			pa := s.PositionAngle(e.StripeDirectionDeg)
			e.PositionAngleDeg = &pa
		}
	}
}

// fmtDeg180 writes an angle of [0°, 180°) with one decimal: a value that
// rounds to 180.0 (179.97) is written 0.0, the same direction, so the
// table never shows a value outside the range the JSON states.
func fmtDeg180(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if s == "180.0" || s == "-0.0" {
		return "0.0"
	}
	return s
}
