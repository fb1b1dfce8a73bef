package main

import (
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/infer"
)

// emptyClusterFrac is the share of a dataset's patches below which a
// cluster is warned about as (nearly) empty: with train --val-split blocks
// the README's first chain (--clusters 4 --drop '^C11', seed 1) left
// cluster 2 with 0 of 2410 patches, and neither clusters nor export said so.
const emptyClusterFrac = 0.01

// emptyClusterWarning says which clusters hold no patch or fewer than 1 %
// of the n patches (counts per cluster), and what to try; "" when none.
func emptyClusterWarning(counts []int, n int) string {
	var empty, small []string
	for k, c := range counts {
		switch {
		case c == 0:
			empty = append(empty, fmt.Sprint(k))
		case float64(c) < emptyClusterFrac*float64(n):
			small = append(small, fmt.Sprintf("%d (%d of %d patches)", k, c, n))
		}
	}
	if len(empty) == 0 && len(small) == 0 {
		return ""
	}
	var parts []string
	if len(empty) == 1 {
		parts = append(parts, "cluster "+empty[0]+" got no patch")
	} else if len(empty) > 1 {
		parts = append(parts, "clusters "+strings.Join(empty, ", ")+" got no patch")
	}
	if len(small) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s under 1 %% of the patches", plural1(len(small), "cluster", "clusters"), strings.Join(small, ", ")))
	}
	return fmt.Sprintf("%s: the run learned fewer clusters than --clusters %d asked for, and an exported model of such a cluster describes no (or hardly any) training patch; retrain with another --seed or fewer --clusters", strings.Join(parts, "; "), len(counts))
}

func plural1(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

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

// exportEmptyWarning is emptyClusterWarning for export's components; "" when
// every component holds 1 % of the patches or more.
func exportEmptyWarning(cl []infer.ModelCluster) string {
	counts := make([]int, len(cl))
	total := 0
	for i, c := range cl {
		counts[i] = c.Count
		total += c.Count
	}
	msg := emptyClusterWarning(counts, total)
	msg = strings.Replace(msg, "clusters ", "components ", 1)
	return strings.Replace(msg, "cluster ", "component ", 1)
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
