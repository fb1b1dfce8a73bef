package main

import (
	"fmt"

	"github.com/stkit-org/stkit/datasets"
)

// separateNoScaleNote is separate --report's note for a DATA whose axes
// have units that differ and are not both angles (noPixelScaleNote): the
// report's power spectra have k in cycles per map only, where a DATA with
// one pixel scale gets k on the sky (SepReportOptions.PixelScale); the
// output FITS keeps DATA's WCS. "" when DATA gives a pixel scale or no units
// that differ, or when there is no report.
func separateNoScaleNote(data string, cards []datasets.Card, report string) string {
	if report == "" {
		return ""
	}
	n := noPixelScaleNote(cards)
	if n == "" {
		return ""
	}
	return fmt.Sprintf("separate: note: DATA %s: %s: the report's power spectra give k in cycles per map only (a FITS output keeps DATA's WCS, each axis its own unit)\n", data, n)
}
