package datasets

import "strings"

// unitSpellings maps known spellings of astronomical map units, the part
// after an optional SI prefix case-folded, to one form. FITS unit strings
// are case-sensitive (FITS WCS Paper I, §2.3: mJy is not MJy), so only
// these are folded: the upper-case spellings of AIPS and CASA (JY/BEAM),
// Jy/Beam, the FITS forms with a negative power (Jy beam-1), and K_CMB and
// K_RJ (kept apart from each other and from K). A prefix letter keeps its
// case: MJY/SR is MJy/sr, mJY/BEAM mJy/beam.
var unitSpellings = map[string]string{
	"jy/beam": "Jy/beam", "jy beam-1": "Jy/beam", "jy.beam-1": "Jy/beam", "jy beam^-1": "Jy/beam", "jy beam**-1": "Jy/beam", "jy/bm": "Jy/beam",
	"jy/sr": "Jy/sr", "jy sr-1": "Jy/sr", "jy.sr-1": "Jy/sr", "jy sr^-1": "Jy/sr", "jy sr**-1": "Jy/sr",
	"jy/pixel": "Jy/pixel", "jy pixel-1": "Jy/pixel", "jy.pixel-1": "Jy/pixel",
	"jy":    "Jy",
	"k_cmb": "K_CMB", "kcmb": "K_CMB",
	"k_rj": "K_RJ", "krj": "K_RJ",
}

// unitPrefixes are the one-letter SI prefixes of FITS unit strings (FITS
// WCS Paper I, Table 4; "da" is not used with these units).
const unitPrefixes = "yzafpnumcdhkMGTPEZY"

// CanonicalBUnit returns one spelling for the known spellings of a map unit
// (unitSpellings): "JY/BEAM", "Jy/Beam" and "Jy beam-1" give "Jy/beam",
// "MJY/SR" gives "MJy/sr", "uK_cmb" "uK_CMB"; other units are returned as
// given (blanks trimmed), since FITS units are case-sensitive: "k" is not
// "K", "mJy/sr" not "MJy/sr".
//
// It is used to compare units (SameBUnit, MixedUnits, the manifests'
// common BUNIT, stkit's unit checks between inputs, models and datasets),
// not to write them: what stkit writes (the dataset and model manifests'
// bunit, stats' JSON bunit, the BUNIT card of synth's and sample's FITS,
// the unit on report axes and in class_doc) is the BUNIT as the input
// spells it, blanks trimmed ("MJY/SR" stays "MJY/SR"; of sources that spell
// one unit differently, the first source's), since a FITS unit string is
// the file's own and other software reads it so.
func CanonicalBUnit(u string) string {
	u = strings.TrimSpace(u)
	if c, ok := unitSpellings[strings.ToLower(u)]; ok {
		return c
	}
	if len(u) > 1 && strings.IndexByte(unitPrefixes, u[0]) >= 0 {
		if c, ok := unitSpellings[strings.ToLower(u[1:])]; ok {
			return u[:1] + c
		}
	}
	return u
}

// SameBUnit reports whether two BUNIT values name the same unit: equal
// after CanonicalBUnit.
func SameBUnit(a, b string) bool {
	return CanonicalBUnit(a) == CanonicalBUnit(b)
}
