package datasets

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// PixelScale is the size of a pixel of a FITS image, as PixelScaleCards
// reads it from the header (CDELTi, or a PC or CD matrix, rotation
// dropped): X along axis 1 (the columns), Y along axis 2 (the rows), both
// absolute values (a flipped axis is not another scale), 0 where the header
// gives none for that axis; Unit is CUNITi ("deg" for a celestial axis
// without one, "" when the header names none).
type PixelScale struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	Unit string  `json:"unit,omitempty"`
}

// PixelScaleOf returns the pixel scale of a FITS header's cards
// (PixelScaleCards, which gives two angular units as one), nil when they
// give none, and when the two axes' scales are in different units that are
// not both angles (CUNIT1 = 'deg', CUNIT2 = 'm/s': no one pixel scale).
func PixelScaleOf(cards []Card) *PixelScale {
	var p PixelScale
	found := false
	for _, c := range PixelScaleCards(cards) {
		v, _ := c.Value.(float64)
		switch c.Key {
		case "CDELT1":
			p.X, found = math.Abs(v), true
		case "CDELT2":
			p.Y, found = math.Abs(v), true
		case "CUNIT1", "CUNIT2":
			s, _ := c.Value.(string)
			if p.Unit != "" && s != p.Unit {
				return nil
			}
			p.Unit = s
		}
	}
	if !found {
		return nil
	}
	return &p
}

// AngleUnitDegrees is the size in degrees of one angular unit of FITS WCS
// (Paper I, Table 3: deg, arcmin, arcsec, mas, rad; surrounding spaces
// ignored, and case, as in the upper-case CUNIT 'DEG' of older headers,
// with "degree(s)" for deg: no prefixed unit is among them, so no mJy/MJy
// ambiguity), false for other units and for "" (a caller for which an
// empty CUNIT means degrees says so itself).
func AngleUnitDegrees(unit string) (float64, bool) {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "deg", "degree", "degrees":
		return 1, true
	case "arcmin":
		return 1.0 / 60, true
	case "arcsec":
		return 1.0 / 3600, true
	case "mas":
		return 1.0 / 3.6e6, true
	case "rad":
		return 180 / math.Pi, true
	}
	return 0, false
}

// pixelScaleRTol is the relative difference below which two pixel scales
// are one: a header writes 1/12° as CDELT1 = 8.333333E-02, 4e-8 off.
const pixelScaleRTol = 1e-5

// Equal reports whether p and q are one pixel scale (both nil included):
// each axis the same up to 1e-5 relative, in the same unit or in two
// angular units (1.5 arcmin is 0.025 deg).
func (p *PixelScale) Equal(q *PixelScale) bool {
	if p == nil || q == nil {
		return p == q
	}
	fp, fq := 1.0, 1.0
	if p.Unit != q.Unit {
		var ok1, ok2 bool
		fp, ok1 = AngleUnitDegrees(p.Unit)
		fq, ok2 = AngleUnitDegrees(q.Unit)
		if !ok1 || !ok2 {
			return false
		}
	}
	same := func(a, b float64) bool {
		return math.Abs(a-b) <= pixelScaleRTol*max(math.Abs(a), math.Abs(b))
	}
	return same(p.X*fp, q.X*fq) && same(p.Y*fp, q.Y*fq)
}

// String writes the scale for messages: "1.5 arcmin" (square pixels),
// "1.5 × 3 arcmin", angles in deg, arcmin or arcsec, the largest in
// which the size is at least 1; other units as the header names them
// ("0.2 kpc", "2 (no unit)"); an axis without a scale as "?".
func (p *PixelScale) String() string {
	if p == nil {
		return "unknown"
	}
	num := func(v float64) string {
		if v == 0 {
			return "?"
		}
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	x, y, unit := p.X, p.Y, p.Unit
	if f, ok := AngleUnitDegrees(unit); ok {
		x, y, unit = x*f, y*f, "deg"
		for _, sub := range []string{"arcmin", "arcsec"} {
			if max(x, y) >= 1 {
				break
			}
			x, y, unit = x*60, y*60, sub
		}
	}
	if unit == "" {
		unit = "(no unit)"
	}
	if x == y || x == 0 || y == 0 || math.Abs(x-y) <= pixelScaleRTol*max(x, y) {
		return num(max(x, y)) + " " + unit
	}
	return num(x) + " × " + num(y) + " " + unit
}

// MapUnits are the physical units of a map file: its FITS BUNIT as the
// file spells it, blanks trimmed ("" when it has none, and for .npy and
// .npz files; compare two with SameBUnit, not ==) and its pixel scale (nil
// when unknown).
type MapUnits struct {
	BUnit string
	Scale *PixelScale
}

// MapUnitsOf reads MapUnits from a FITS header's cards.
func MapUnitsOf(cards []Card) MapUnits {
	var u MapUnits
	for _, c := range cards {
		if c.Key == "BUNIT" && !c.Commentary {
			if s, ok := c.Value.(string); ok {
				u.BUnit = strings.TrimSpace(s)
			}
		}
	}
	u.Scale = PixelScaleOf(cards)
	return u
}

// MixedUnits says how the units of named files differ: bunit lists the
// distinct BUNITs with the files that have each (`"K" (a.fits, b.fits)
// and "JY/BEAM" (c.fits)`; spellings of one unit, SameBUnit, are one,
// named as the first file spells it), scale the distinct pixel scales
// likewise ("1.5 arcmin (a.fits) and 3 arcmin (c.fits)"); each is "" when
// the files that have one agree (files without one, such as .npy, are left out: an
// unknown unit differs from none). names and units are parallel; at most
// three names are given per value.
func MixedUnits(names []string, units []MapUnits) (bunit, scale string) {
	type group struct {
		key   string
		scale *PixelScale
		names []string
	}
	list := func(gs []group, quote bool) string {
		if len(gs) < 2 {
			return ""
		}
		var parts []string
		for _, g := range gs {
			n := g.names
			if len(n) > 3 {
				n = append(n[:3:3], fmt.Sprintf("… %d files", len(g.names)))
			}
			v := g.key
			if quote {
				v = strconv.Quote(v)
			}
			parts = append(parts, v+" ("+strings.Join(n, ", ")+")")
		}
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	var bg, sg []group
	for i, u := range units {
		if u.BUnit != "" {
			j := 0
			for j < len(bg) && !SameBUnit(bg[j].key, u.BUnit) {
				j++
			}
			if j == len(bg) {
				bg = append(bg, group{key: u.BUnit})
			}
			bg[j].names = append(bg[j].names, names[i])
		}
		if u.Scale != nil {
			j := 0
			for j < len(sg) && !sg[j].scale.Equal(u.Scale) {
				j++
			}
			if j == len(sg) {
				sg = append(sg, group{key: u.Scale.String(), scale: u.Scale})
			}
			sg[j].names = append(sg[j].names, names[i])
		}
	}
	return list(bg, true), list(sg, false)
}

// unitsManifest fills the manifest's unit fields from the units of the
// sources (PatchSet.Units, one per source): BUnit and PixelScale when every
// source has the same (BUnit as the first source spells it when the others
// spell it otherwise, SameBUnit), else BUnits and PixelScales, one per source in
// Sources' order ("" and null where a source has none); nothing when no
// source has one (.npy and .npz sources, FITS without BUNIT or WCS).
func unitsManifest(m *DatasetManifest, units []MapUnits) {
	m.BUnit, m.BUnits, m.PixelScale, m.PixelScales = "", nil, nil, nil
	if len(units) == 0 {
		return
	}
	sameB, sameS, anyB, anyS := true, true, false, false
	for _, u := range units {
		sameB = sameB && SameBUnit(u.BUnit, units[0].BUnit)
		sameS = sameS && u.Scale.Equal(units[0].Scale)
		anyB = anyB || u.BUnit != ""
		anyS = anyS || u.Scale != nil
	}
	switch {
	case sameB:
		m.BUnit = units[0].BUnit
	case anyB:
		for _, u := range units {
			m.BUnits = append(m.BUnits, u.BUnit)
		}
	}
	switch {
	case sameS:
		m.PixelScale = units[0].Scale
	case anyS:
		for _, u := range units {
			m.PixelScales = append(m.PixelScales, u.Scale)
		}
	}
}

// ClassDocBUnit is stats.ClassDoc of spec and lab with the BUNIT named
// (stats.ClassDocUnit, the square as plotx.UnitPower writes it, as stkit
// stats' class_doc): "the map's raw mean (in its unit)" becomes "… (in
// K)", "(unit squared)" "(K²)", "(MJy/sr)²" for MJy/sr. bunit "" (no BUNIT,
// or sources of different BUNITs) leaves ClassDoc's placeholders. The
// dataset manifest's and the model manifest's class_doc are its.
func ClassDocBUnit(spec stats.Spec, lab *stlayer.Labels, bunit string) map[string]string {
	return stats.ClassDocUnit(spec, lab, bunit, plotx.UnitPower(bunit, 2))
}

// mixedSourcesNotice is the notice CutPatches gives when its sources mix
// BUNITs or pixel scales ("" when they do not).
func mixedSourcesNotice(srcs []Source) string {
	names := make([]string, len(srcs))
	units := make([]MapUnits, len(srcs))
	for i, s := range srcs {
		names[i], units[i] = baseName(s.Name), s.Units
	}
	b, s := MixedUnits(names, units)
	var what []string
	if b != "" {
		what = append(what, "BUNIT "+b)
	}
	if s != "" {
		what = append(what, "pixel scale "+s)
	}
	if len(what) == 0 {
		return ""
	}
	return "the sources mix units: " + strings.Join(what, "; ") + ": their patches go into one dataset as given (no conversion: values in different units, and patches of one size in pixels spanning different angles); the manifest lists each source's (bunits, pixel_scales). Convert the maps to one unit and pixel scale first, or make one dataset per unit and pixel scale"
}

// baseName is the last element of a path (a FITS section or HDU suffix
// kept: "x.fits[2]").
func baseName(p string) string {
	if i := strings.LastIndexAny(FilePart(p), `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
