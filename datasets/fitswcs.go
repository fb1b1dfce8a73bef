package datasets

import (
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
