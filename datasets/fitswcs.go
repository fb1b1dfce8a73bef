package datasets

import (
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
//   - a WCSAXESa card is set to 3 in place (it must precede the other WCS
//     keywords); without one, WCSAXES defaults to NAXIS, 3;
//   - the cards describing axis 3 or beyond (CTYPE3a, CRPIX3a, PC3_ja,
//     CDi_3a, PV3_ma, …, e.g. a degenerate frequency axis of a cube with one
//     plane) are dropped;
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
		cd   bool // CDi_j present: the plane axis needs CD3_3
		last int  // index in out of the last card of this description
	}
	found := map[string]*wcs{}
	var order []string
	note := func(alt string) *wcs {
		w := found[alt]
		if w == nil {
			w = &wcs{last: -1}
			found[alt] = w
			order = append(order, alt)
		}
		return w
	}
	var out []Card
	for _, c := range cards {
		if c.Commentary {
			out = append(out, c)
			continue
		}
		if m := wcsAxesKey.FindStringSubmatch(c.Key); m != nil {
			w := note(m[1])
			if v, ok := c.Value.(int64); !ok || v != 3 {
				c.Value = int64(3)
			}
			out = append(out, c)
			w.last = len(out) - 1
			continue
		}
		if m := wcsAxisKey.FindStringSubmatch(c.Key); m != nil {
			i := m[1] + m[2]
			w := note(m[3])
			if n, _ := strconv.Atoi(i); n >= 3 {
				continue
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
			if i >= 3 || j >= 3 {
				continue
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
//   - |CDELTj| × √(PC1_j² + PC2_j²) with a PC matrix (PCi_j takes
//     precedence over CDi_j, as in wcslib; missing elements are those of
//     the identity, a missing CDELTj is 1);
//   - √(CD1_j² + CD2_j²) with a CD matrix (missing elements 0),
//
// so a rotation is dropped and the size of a pixel kept (CROTAi, the old
// rotation keyword, changes no scale). CUNITj is the input's CUNITj, else
// 'deg' when CTYPEj is a celestial axis (RA, DEC, xLON, xLAT, xyLN, xyLT in
// the 4–3 form, whose default unit is the degree), else left out. Alternate
// descriptions (suffix A–Z) are ignored. Without CDELTj, PCi_j or CDi_j
// (no pixel scale) PixelScaleCards returns nil; a scale that is not a
// finite number ≠ 0 is left out (with its unit).
func PixelScaleCards(cards []Card) []Card {
	num := func(v any) (float64, bool) {
		switch x := v.(type) {
		case float64:
			return x, true
		case int64:
			return float64(x), true
		}
		return 0, false
	}
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
			v, ok := num(c.Value)
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
					if v, ok := num(c.Value); ok {
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
	var out, units []Card
	for j := 0; j < 2; j++ {
		var scale float64
		switch {
		case hasPC:
			scale = math.Abs(cdelt[j]) * math.Hypot(pc[0][j], pc[1][j])
		case hasCD:
			scale = math.Hypot(cd[0][j], cd[1][j])
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
		unit := cunit[j]
		if !hasCUNIT[j] && isCelestialCType(ctype[j]) {
			unit = "deg"
		}
		if unit != "" {
			units = append(units, Card{Key: "CUNIT" + key, Value: unit})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return append(out, units...)
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
