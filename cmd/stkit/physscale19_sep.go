package main

import "fmt"

// sepMeanShiftNote is separate's line when it shifts s̃ to DATA's mean
// minus the samples' (the statistics do not see the mean): the samples'
// mean m is written as a value of its own, "mean(DATA) − m (m = −0.1939,
// the samples' mean)", where "mean(DATA) − %.4g" printed a double sign
// ("mean(DATA) − -0.1939") for samples of negative mean.
func sepMeanShiftNote(shift, samplesMean float64) string {
	return fmt.Sprintf("separate: note: the statistics do not see the mean: s̃ shifted by %.4g to mean(DATA) − m (m = %.4g, the samples' mean)\n", shift, samplesMean)
}
