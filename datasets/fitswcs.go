package datasets

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// wcsAxisKey matches a WCS keyword with one axis index i (FITS WCS Papers I
// and II): CTYPEia, CRPIXia, CRVALia, CDELTia, CUNITia, CNAMEia, CROTAi,
// CRDERia, CSYERia, and PVi_ma/PSi_ma (i first), with a ≥ "" or A–Z the
// alternate description.
var wcsAxisKey = regexp.MustCompile(`^(?:(?:CTYPE|CRPIX|CRVAL|CDELT|CUNIT|CNAME|CROTA|CRDER|CSYER)([1-9][0-9]?)|(?:PV|PS)([1-9][0-9]?)_[0-9]{1,2})([A-Z]?)$`)

// wcsMatrixKey matches a linear-transformation element PCi_ja or CDi_ja.
var wcsMatrixKey = regexp.MustCompile(`^(PC|CD)([1-9][0-9]?)_([1-9][0-9]?)([A-Z]?)$`)

// wcsAxesKey matches WCSAXESa.
var wcsAxesKey = regexp.MustCompile(`^WCSAXES([A-Z]?)$`)

// PlaneAxisCards returns the content cards of a 2-D image (e.g.
// ReadMapsHeader's) made fit for an image of planes on the same pixel grid
// stacked along NAXIS3 ([B, M, N] maps written as FITS: NAXIS = 3), so that
// the WCS describes three axes as the data have: for the primary WCS and
// each alternate one (suffix A–Z) found among the cards,
//
//   - the cards describing axis 3 or beyond (CTYPE3a, CRPIX3a, PC3_ja,
//     CDi_3a, PV3_ma, …: the degenerate axes of a single map, such as the
//     frequency and Stokes axes of a radio image with NAXIS3 = NAXIS4 = 1,
//     or of a plane read from a cube with "x.fits[*,*,K]") move one axis
//     up (CTYPE3 → CTYPE4, CTYPE4 → CTYPE5, PC3_3 → PC4_4, PC1_3 → PC1_4,
//     PV3_1 → PV4_1, …), so that they are kept beside the plane axis; a
//     card whose keyword would then exceed 8 characters (axis 99) is
//     dropped. FITS WCS Paper I lets WCSAXES exceed NAXIS: the extra axes
//     are degenerate, of size 1, as they were in the input;
//   - a WCSAXESa card is set in place (it must precede the other WCS
//     keywords) to 3, or to one more than its value or than the highest
//     axis among the cards when one is 3 or more; without one, WCSAXES
//     defaults to the largest of NAXIS (3) and the highest axis number
//     among the keywords (FITS standard §8.2), left implicit when that is
//     3, else written before the description's first card (WCSAXESa = 5
//     for an input's CTYPE3, CTYPE4 moved to 4 and 5), as readers that take
//     NAXIS axes, and the FITS verifier, want it;
//   - the plane axis is added after the last WCS card: CTYPE3a = 'PLANE', a
//     linear axis whose world coordinate is the plane number counted from
//     1 (CRPIX3a = 1, CRVAL3a = 1, CDELT3a = 1, or CD3_3a = 1 when the WCS
//     uses a CD matrix, whose missing elements default to 0), and
//     CNAME3a = name (trimmed to the 68 characters a card holds, non-ASCII
//     and control characters as '?'; left out when empty).
//
// astropy then reads a 3-axis WCS whose .celestial (or .dropaxis(2)) is the
// input's 2-D one. Cards without a WCS (no WCSAXES, CTYPEi, CRPIXi, CRVALi,
// CDELTi, CUNITi, CDi_j or PCi_j) are returned unchanged; so are all other
// cards, in order. The input slice is not modified.
func PlaneAxisCards(cards []Card, name string) []Card {
	type wcs struct {
		cd    bool // CDi_j present: the plane axis needs CD3_3
		first int  // index in out of the first card of this description
		last  int  // index in out of the last card of this description
		axes  int  // WCSAXESa's value, else 0
		maxAx int  // the highest axis number among its cards
		at    int  // index in out of its WCSAXESa card, -1 if none
	}
	found := map[string]*wcs{}
	var order []string
	var out []Card
	note := func(alt string) *wcs {
		w := found[alt]
		if w == nil {
			w = &wcs{first: len(out), last: -1, at: -1}
			found[alt] = w
			order = append(order, alt)
		}
		return w
	}
	for _, c := range cards {
		if c.Commentary {
			out = append(out, c)
			continue
		}
		if m := wcsAxesKey.FindStringSubmatch(c.Key); m != nil {
			w := note(m[1])
			if v, ok := c.Value.(int64); ok && v > 0 && v < 99 {
				w.axes = int(v)
			}
			out = append(out, c)
			w.last = len(out) - 1
			w.at = w.last
			continue
		}
		if m := wcsAxisKey.FindStringSubmatch(c.Key); m != nil {
			w := note(m[3])
			n, _ := strconv.Atoi(m[1] + m[2])
			w.maxAx = max(w.maxAx, n)
			if n >= 3 {
				// CTYPE3 → CTYPE4; PV3_1 → PV4_1 (the index after the
				// two- or five-letter name)
				name := c.Key[:len(c.Key)-len(strings.TrimLeft(c.Key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
				rest := c.Key[len(name)+len(strconv.Itoa(n)):]
				if c.Key = name + strconv.Itoa(n+1) + rest; len(c.Key) > 8 {
					continue
				}
			}
			out = append(out, c)
			w.last = len(out) - 1
			continue
		}
		if m := wcsMatrixKey.FindStringSubmatch(c.Key); m != nil {
			w := note(m[4])
			w.cd = w.cd || m[1] == "CD"
			i, _ := strconv.Atoi(m[2])
			j, _ := strconv.Atoi(m[3])
			w.maxAx = max(w.maxAx, i, j)
			if i >= 3 || j >= 3 {
				if i >= 3 {
					i++
				}
				if j >= 3 {
					j++
				}
				if c.Key = fmt.Sprintf("%s%d_%d%s", m[1], i, j, m[4]); len(c.Key) > 8 {
					continue
				}
			}
			out = append(out, c)
			w.last = len(out) - 1
			continue
		}
		out = append(out, c)
	}
	if len(order) == 0 {
		return out
	}
	for _, alt := range order {
		w := found[alt]
		if w.at < 0 {
			continue
		}
		n := int64(3)
		if hi := max(w.axes, w.maxAx); hi >= 3 {
			n = int64(min(hi, 98) + 1)
		}
		if v, ok := out[w.at].Value.(int64); !ok || v != n {
			out[w.at].Value = n
		}
	}
	name = strings.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '?'
		}
		return r
	}, name)
	// a string of n characters with no quote takes n + 2 columns of the 70
	// after "KEYWORD = ": 68 at most (a quote is doubled)
	for len(name)+strings.Count(name, "'") > 68 {
		name = name[:len(name)-1]
	}
	name = strings.TrimRight(name, " ")
	// insert each description's plane axis after its last card
	type insertion struct {
		at    int
		cards []Card
	}
	var ins []insertion
	for _, alt := range order {
		w := found[alt]
		axis := []Card{
			{Key: "CTYPE3" + alt, Value: "PLANE", Comment: "plane number, counted from 1"},
			{Key: "CRPIX3" + alt, Value: 1.0},
			{Key: "CRVAL3" + alt, Value: 1.0},
		}
		if w.cd {
			axis = append(axis, Card{Key: "CD3_3" + alt, Value: 1.0})
		} else {
			axis = append(axis, Card{Key: "CDELT3" + alt, Value: 1.0})
		}
		if name != "" {
			axis = append(axis, Card{Key: "CNAME3" + alt, Value: name})
		}
		ins = append(ins, insertion{w.last + 1, axis})
	}
	// WCSAXESa where a description without one has axes beyond the
	// output's NAXIS (3): before its first card, after any plane axis
	// inserted at the same place (unitfits20)
	for _, alt := range order {
		if w := found[alt]; w.at < 0 && w.maxAx >= 3 {
			ins = append(ins, insertion{w.first, []Card{{Key: "WCSAXES" + alt, Value: int64(min(w.maxAx, 98) + 1), Comment: "Number of coordinate axes"}}})
		}
	}
	// by position; for equal positions, in the order the descriptions came
	sort.SliceStable(ins, func(a, b int) bool { return ins[a].at < ins[b].at })
	res := make([]Card, 0, len(out)+6*len(ins))
	prev := 0
	for _, in := range ins {
		res = append(res, out[prev:in.at]...)
		res = append(res, in.cards...)
		prev = in.at
	}
	return append(res, out[prev:]...)
}

// PixelScaleCards returns the cards that give the pixel scale of a 2-D
// image's primary WCS among cards (e.g. ReadMapsHeader's), for an image with
// the same pixels but no place on the sky, such as a new realisation of the
// field (stkit synth): CDELT1 and CDELT2, the world-coordinate size of a
// pixel along pixel axes 1 (columns) and 2 (rows), and CUNIT1, CUNIT2, their
// units. They carry no CTYPE, CRPIX or CRVAL: an axis without CTYPE is a
// linear one (FITS WCS Paper I), so a reader (wcslib, astropy) gets linear
// world coordinates in those units, CDELTi × (pixel − CRPIXi) with the
// default CRPIXi = 0, and no celestial position.
//
// The scale along pixel axis j is
//
//   - CDELTj as given (its sign kept) when the WCS has no PCi_j or CDi_j;
//   - √(CD1_j² + CD2_j²), the norm of column j of the linear
//     transformation, with a CD matrix (missing elements 0);
//   - the same with a PC matrix, whose linear transformation is
//     CDi_j = CDELTi × PCi_j (FITS WCS Paper I, Greisen & Calabretta
//     2002, eq. 1–3): √((CDELT1 × PC1_j)² + (CDELT2 × PC2_j)²), CDELTi
//     scaling row i, not column j (PCi_j takes precedence over CDi_j, as
//     in wcslib; missing elements are those of the identity, a missing
//     CDELTi is 1),
//
// so a rotation is dropped and the size of a pixel kept (CROTAi, the old
// rotation keyword, changes no scale). The sign is kept: that of the
// diagonal element Mj_j of the matrix M (CDi_j, or CDELTi × PCi_j), so that
// CD1_1 = −0.0833 with no rotation gives CDELT1 = −0.0833, as a plain
// CDELT1 does (a flipped axis, such as east to the left, stays flipped).
// With rotation terms (M1_2 or M2_1 ≠ 0) this is the sign of the CROTA
// convention Mj_j = CDELTj cos ρ, right for a rotation |ρ| < 90°; the
// rotation itself is dropped. A diagonal element 0 (ρ = ±90°) takes its
// sign from the determinant, sign(CDELT1 × CDELT2) = sign(det M), CDELT2
// positive when both are 0. CUNITj is the input's CUNITj, else
// 'deg' when CTYPEj is a celestial axis (RA, DEC, xLON, xLAT, xyLN, xyLT in
// the 4–3 form, whose default unit is the degree), else left out. Row i of
// the linear transformation is in CUNITi, so two different angular units
// (CUNIT1 = 'deg', CUNIT2 = 'arcsec': AngleUnitDegrees) are made one first,
// CUNIT1's: CDELT2 and row 2 are converted to it and both CUNITs written as
// CUNIT1. Two different units that are not both angles (deg and m/s of a
// position–velocity map) are kept, each with its axis, when the matrix has
// no rotation terms (CD1_2 = CD2_1 = 0); with rotation terms a column norm
// would add lengths in two units, and PixelScaleCards returns nil. Alternate
// descriptions (suffix A–Z) are ignored. Without CDELTj, PCi_j or CDi_j
// (no pixel scale) PixelScaleCards returns nil; a scale that is not a
// finite number ≠ 0 is left out (with its unit).
func PixelScaleCards(cards []Card) []Card {
	cdelt := [2]float64{1, 1}
	var hasCDELT [2]bool
	var pc, cd [2][2]float64
	pc[0][0], pc[1][1] = 1, 1
	hasPC, hasCD := false, false
	var ctype, cunit [2]string
	var hasCUNIT [2]bool
	for _, c := range cards {
		if c.Commentary {
			continue
		}
		if m := wcsMatrixKey.FindStringSubmatch(c.Key); m != nil && m[4] == "" {
			i, _ := strconv.Atoi(m[2])
			j, _ := strconv.Atoi(m[3])
			v, ok := cardNum(c.Value)
			if i > 2 || j > 2 || !ok {
				continue
			}
			if m[1] == "PC" {
				pc[i-1][j-1], hasPC = v, true
			} else {
				cd[i-1][j-1], hasCD = v, true
			}
			continue
		}
		var axis int
		for _, k := range []string{"CDELT", "CTYPE", "CUNIT"} {
			if rest, ok := strings.CutPrefix(c.Key, k); ok && (rest == "1" || rest == "2") {
				axis = int(rest[0] - '0')
				switch k {
				case "CDELT":
					if v, ok := cardNum(c.Value); ok {
						cdelt[axis-1], hasCDELT[axis-1] = v, true
					}
				case "CTYPE":
					ctype[axis-1], _ = c.Value.(string)
				case "CUNIT":
					if s, ok := c.Value.(string); ok && strings.TrimSpace(s) != "" {
						cunit[axis-1], hasCUNIT[axis-1] = strings.TrimSpace(s), true
					}
				}
			}
		}
	}
	if !hasPC && !hasCD && !hasCDELT[0] && !hasCDELT[1] {
		return nil
	}
	var unit [2]string
	for j := range 2 {
		unit[j] = cunit[j]
		if !hasCUNIT[j] && isCelestialCType(ctype[j]) {
			unit[j] = "deg"
		}
	}
	// row i of the linear transformation (CDi_j, or CDELTi × PCi_j) is in
	// CUNITi: two angular units are made one, CUNIT1's (fixunits)
	mixed := unit[0] != "" && unit[1] != "" && unit[0] != unit[1]
	if mixed {
		f0, ok0 := AngleUnitDegrees(unit[0])
		f1, ok1 := AngleUnitDegrees(unit[1])
		if ok0 && ok1 {
			cdelt[1] *= f1 / f0
			cd[1][0] *= f1 / f0
			cd[1][1] *= f1 / f0
			unit[1], mixed = unit[0], false
		}
	}
	var out, units []Card
	var sign [2]float64
	if hasPC {
		// CDi_j = CDELTi × PCi_j: CDELTi scales row i
		cd = [2][2]float64{{cdelt[0] * pc[0][0], cdelt[0] * pc[0][1]}, {cdelt[1] * pc[1][0], cdelt[1] * pc[1][1]}}
	}
	if hasPC || hasCD {
		if mixed && (cd[0][1] != 0 || cd[1][0] != 0) {
			// a column norm would add lengths in two units
			return nil
		}
		sign = matrixSigns(cd)
	}
	for j := 0; j < 2; j++ {
		var scale float64
		switch {
		case hasPC || hasCD:
			scale = sign[j] * math.Hypot(cd[0][j], cd[1][j])
		case hasCDELT[j]:
			scale = cdelt[j]
		default:
			continue
		}
		if scale == 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
			continue
		}
		key := strconv.Itoa(j + 1)
		out = append(out, Card{Key: "CDELT" + key, Value: scale, Comment: "pixel size along axis " + key})
		if unit[j] != "" {
			units = append(units, Card{Key: "CUNIT" + key, Value: unit[j]})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return append(out, units...)
}

// cardNum reads a numeric card value: the float64 and int64 of a card read
// from a file, and the int and float32 a caller may also set (Card); false
// for anything else (a string, a RawValue, nil).
func cardNum(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float32:
		return float64(x), true
	}
	return 0, false
}

// matrixSigns returns the signs (±1) of the pixel scales of a linear
// transformation m (m[i][j] = CDi+1_j+1): see PixelScaleCards.
func matrixSigns(m [2][2]float64) [2]float64 {
	sgn := func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}
	s := [2]float64{sgn(m[0][0]), sgn(m[1][1])}
	det := sgn(m[0][0]*m[1][1] - m[0][1]*m[1][0])
	if det == 0 {
		det = 1
	}
	switch {
	case s[0] == 0 && s[1] == 0:
		s = [2]float64{det, 1}
	case s[0] == 0:
		s[0] = det * s[1]
	case s[1] == 0:
		s[1] = det * s[0]
	}
	return s
}

// isCelestialCType reports whether a CTYPE value names a celestial axis in
// the 4–3 form ("RA---TAN", "GLON-CAR", "HPLN-TAN"): RA, DEC, xLON, xLAT,
// xyLN or xyLT before the projection code.
func isCelestialCType(ctype string) bool {
	if len(ctype) < 5 || ctype[4] != '-' {
		return false
	}
	p := strings.TrimRight(ctype[:4], "-")
	switch {
	case p == "RA" || p == "DEC":
		return true
	case len(p) == 4 && (strings.HasSuffix(p, "LON") || strings.HasSuffix(p, "LAT")):
		return true
	case len(p) == 4 && (strings.HasSuffix(p, "LN") || strings.HasSuffix(p, "LT")):
		return true
	}
	return false
}
