package main

import (
	"fmt"
	"io"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// sampleUnitCards returns the FITS cards of stkit sample's output that say
// what its pixels are: BUNIT, the unit of the training patches (the model
// manifest's, infer.ModelSet.TrainingUnits), and their pixel scale
// (CDELT1/2 and CUNIT1/2, linear axes: a sample is a new realisation, it has
// no place on the sky), each when the patches share one. The output had no
// unit although the model manifest records it (personavae's report, item 9).
func sampleUnitCards(ms *infer.ModelSet) []datasets.Card {
	tu := ms.TrainingUnits()
	var out []datasets.Card
	if len(tu.BUnits) == 1 && tu.BUnits[0] != "" {
		out = append(out, datasets.Card{Key: "BUNIT", Value: tu.BUnits[0], Comment: "the training patches' unit"})
	}
	if len(tu.PixelScales) == 1 && tu.PixelScales[0] != nil {
		ps := tu.PixelScales[0]
		var units []datasets.Card
		for i, v := range []float64{ps.X, ps.Y} {
			if !(v > 0) {
				continue
			}
			key := fmt.Sprint(i + 1)
			out = append(out, datasets.Card{Key: "CDELT" + key, Value: v, Comment: "pixel size along axis " + key})
			if ps.Unit != "" {
				units = append(units, datasets.Card{Key: "CUNIT" + key, Value: ps.Unit})
			}
		}
		out = append(out, units...)
	}
	return out
}

// printSampleChecks writes the report's checks and verdict
// (settings["sample_checks"], infer.SampleChecks.Lines) as "report: …"
// lines; ok is false when the settings hold none.
func printSampleChecks(w io.Writer, settings map[string]any) bool {
	sc, ok := settings["sample_checks"].(infer.SampleChecks)
	if !ok {
		return false
	}
	for _, l := range sc.Lines() {
		fmt.Fprintf(w, "report: %s\n", l)
	}
	return true
}
