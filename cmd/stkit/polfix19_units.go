package main

import (
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// unitFactor is unit as a factor of a product: in parentheses when it
// holds a '/', '·', '*' or space ("(MJy/sr)", "K"), as plotx.UnitPower
// writes powers, so that "(MJy/sr)·K" does not read as MJy/(sr·K).
func unitFactor(unit string) string {
	if strings.ContainsAny(unit, "/·* ") {
		return "(" + unit + ")"
	}
	return unit
}

// crossUnitProduct is the unit of a cross moment of maps in units a and b
// ("" when either is unknown): "(MJy/sr)·K"; unitPower(a, 2) when they are
// equal.
func crossUnitProduct(a, b string) string {
	switch {
	case a == "" || b == "":
		return ""
	case datasets.SameBUnit(a, b): // "JY/BEAM" and "Jy/beam" (unitfits20)
		return unitPower(a, 2)
	}
	return unitFactor(a) + "·" + unitFactor(b)
}

// unitsDifferNote is the title line of a dashboard whose maps' BUNITs
// differ where one unit is needed (the real and imaginary parts of
// z = Q + iU, the maps of a set): its axes name no unit, and the line says
// why: "units differ (MAP "MJy/sr", --imag "K"): the axes name no unit".
// parts are pairs of a name and a BUNIT; "" when fewer than two distinct
// known BUNITs.
func unitsDifferNote(parts ...[2]string) string {
	var seen []string
	var desc []string
	for _, p := range parts {
		if p[1] == "" {
			continue
		}
		desc = append(desc, p[0]+" "+strconv.Quote(p[1]))
		if u := datasets.CanonicalBUnit(p[1]); !containsString(seen, u) {
			seen = append(seen, u)
		}
	}
	if len(seen) < 2 {
		return ""
	}
	return "units differ (" + strings.Join(desc, ", ") + "): the axes name no unit"
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// setUnitsNote is unitsDifferNote for the files of a stats map argument
// whose BUNITs differ (a set mixing units: stats drops its unit): the
// files named by their base names; "" when they agree or in is not read
// from files.
func setUnitsNote(in statsInput) string {
	if in.set == nil {
		return ""
	}
	s := inputUnits(in)
	if s.mixB == "" {
		return ""
	}
	return "units differ (BUNIT " + s.mixB + "): the axes name no unit"
}

// cplxUnitOf is cplxDashboard's unit of each class's y axis (kinds and
// phase as splitComplexRows returns them) for maps in unit: none for a
// phase; with --cross and another unit o.crossUnit the product
// (crossUnitProduct: " [(MJy/sr)·K]"); for complex data whose imaginary
// part is in another known unit (o.imagUnit) none, note then being the
// title line saying so (unitsDifferNote); else statsClassUnit's.
func cplxUnitOf(spec stats.Spec, unit string, o dashOpts, kinds map[string]string, phase map[string]bool) (unitOf func(class string) string, note string) {
	imagDiff := spec.Complex && unit != "" && o.imagUnit != "" && !datasets.SameBUnit(o.imagUnit, unit)
	if imagDiff {
		note = unitsDifferNote([2]string{"MAP", unit}, [2]string{"--imag", o.imagUnit})
	}
	return func(class string) string {
		if phase[class] || imagDiff {
			return ""
		}
		orig := strings.TrimPrefix(kinds[class], "pseudo ")
		if spec.Cross && !datasets.SameBUnit(o.crossUnit, unit) {
			u := crossUnitProduct(unit, o.crossUnit)
			if u == "" || statsClassUnit(spec, orig, "u") == "" {
				return ""
			}
			return " [" + u + "]"
		}
		return statsClassUnit(spec, orig, unit)
	}, note
}
