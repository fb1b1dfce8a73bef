package main

import (
	"fmt"

	"github.com/stkit-org/stkit/infer"
)

// The warning about clusters that got no patch, or fewer than 1 % of them,
// is infer's: infer.EmptyClusterWarning (clusters) and
// infer.EmptyComponentsWarning, which infer.ExportModels reports to its
// Warn (export prints it there).

// emptyComponent reports whether model cluster c was exported from no
// patch (Count and Weight 0: a folder whose manifest predates count keeps
// its weight, so it is not taken for empty).
func emptyComponent(c infer.ModelCluster) bool {
	return c.Count == 0 && c.Weight == 0
}

// checkComponentNotEmpty refuses (exit 2) component k of the models in dir
// when its cluster had no training patch, unless allow (--allow-empty): its
// decoded samples come from a cluster no patch trained and its spectra and
// pixel moments are those of all the dataset's patches (ps_from "all"), so
// sample would draw, and separate fit, a model of no process.
func checkComponentNotEmpty(ms *infer.ModelSet, dir, cmd string, k int, allow bool) error {
	if allow || k < 0 || k >= len(ms.Manifest.Clusters) {
		return nil
	}
	c := ms.Manifest.Clusters[k]
	if !emptyComponent(c) {
		return nil
	}
	return badInputf("component %d of %s was exported from a cluster that got no training patch (weight 0, 0 patches): its model describes no process (its spectra and pixel moments are those of all the dataset's patches); use another component, retrain with another --seed or fewer --clusters, or pass %s --allow-empty to use it anyway", k, dir, cmd)
}

// exportComponentLine is export's summary line of component c (model comp).
// An empty one printed "weight 0.000 (0 patches, mean confidence 0.00),
// typical χ² of its patches 1.00": the χ² of a model that fits its patches,
// for one that has none (TypicalChi2 is 1 without data).
func exportComponentLine(c infer.ModelCluster, comp *infer.ComponentModel) string {
	if emptyComponent(c) {
		return fmt.Sprintf("component %d: weight 0 (no patch): an empty cluster, its model describes no process (sample and separate --models refuse it without --allow-empty)", c.K)
	}
	return fmt.Sprintf("component %d: weight %.3f (%d patches, mean confidence %.2f), typical χ² of its patches %.2f",
		c.K, c.Weight, c.Count, c.MeanConfidence, comp.TypicalChi2(false))
}
