package main

import (
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// noPixelScaleNote says why a FITS header's WCS gives no pixel scale where
// it has one per axis: the two axes' units differ and are not both angles
// (a position–velocity map, CUNIT1 = 'deg', CUNIT2 = 'm/s'), so
// datasets.PixelScaleOf is nil and stats printed no "# pixel scale" line
// and synth's report no k axis on the sky, without a word. It returns
// "no single pixel scale: CUNIT1 'deg', CUNIT2 'm/s' (the axes' units
// differ and are not both angles)", or "" when the header gives a pixel
// scale or no units that differ.
func noPixelScaleNote(cards []datasets.Card) string {
	if len(cards) == 0 || datasets.PixelScaleOf(cards) != nil {
		return ""
	}
	unit := func(cs []datasets.Card, key string) string {
		for _, c := range cs {
			if c.Key == key && !c.Commentary {
				if s, ok := c.Value.(string); ok {
					return strings.TrimSpace(s)
				}
			}
		}
		return ""
	}
	// the units as PixelScaleCards gives them (a celestial axis without
	// CUNIT in deg); the header's own where it gives none (a PC or CD
	// matrix with rotation terms between axes of two units)
	src := datasets.PixelScaleCards(cards)
	if src == nil {
		matrix := false
		for _, c := range cards {
			for _, k := range []string{"CD1_", "CD2_", "PC1_", "PC2_"} {
				matrix = matrix || (!c.Commentary && strings.HasPrefix(c.Key, k))
			}
		}
		if !matrix {
			return "" // no scale given at all
		}
		src = cards
	}
	u1, u2 := unit(src, "CUNIT1"), unit(src, "CUNIT2")
	if u1 == "" || u2 == "" || u1 == u2 {
		return ""
	}
	_, a1 := datasets.AngleUnitDegrees(u1)
	_, a2 := datasets.AngleUnitDegrees(u2)
	if a1 && a2 {
		return ""
	}
	return fmt.Sprintf("no single pixel scale: CUNIT1 '%s', CUNIT2 '%s' (the axes' units differ and are not both angles)", u1, u2)
}
