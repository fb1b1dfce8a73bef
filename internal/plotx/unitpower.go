package plotx

import "strings"

// UnitPower writes a unit (FITS BUNIT) raised to the power p (1 or 2) for an
// axis label: "MJy/sr", "(MJy/sr)²", "K²"; a unit of more than one symbol
// (one holding '/', '*', '.', ' ' or '^') is parenthesised for the square.
// Both the stats dashboards and the synthesis/separation reports label
// their axes with it, so one BUNIT reads the same everywhere.
func UnitPower(unit string, p int) string {
	if p != 2 {
		return unit
	}
	if strings.ContainsAny(unit, "/*. ^") {
		return "(" + unit + ")²"
	}
	return unit + "²"
}
