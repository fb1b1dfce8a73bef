package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/stkit-org/stkit/datasets"
)

// valSplitBlocks and valSplitRandom are the values of train --val-split,
// recorded in the run's metadata (val_split): blockSplit, or train.Split's
// random rows (runs written before --val-split have none: random).
const (
	valSplitBlocks = "blocks"
	valSplitRandom = "random"
)

// blockSplit holds out validation patches that no training patch overlaps.
// With the default stride (half the patch size) a random 10 % of the
// patches overlapped training patches by half their area (validation loss
// below the training loss throughout): validation was not held out.
//
// For each source, the validation patches are the last round(frac·n) of
// its patches in (map, row) order, taken as whole patch rows: whole maps at
// the end of a batch, then the last rows of patches of a map (its top
// band in stkit's figures, row 0 at the bottom); augmented copies of a
// block go with it. Then every other patch of the same source and map that
// overlaps a validation patch (rows and columns both less than size apart)
// is left out of training too (dropped): about one row of patches per map
// with the default stride. A source whose validation would leave it no
// training patch keeps all its patches for training: kept lists those
// sources. The split does not depend on the seed.
func blockSplit(patches []datasets.Patch, size int, frac float64) (trainIdx, valIdx []int, dropped int, kept []int) {
	n := len(patches)
	if frac <= 0 || n == 0 {
		for i := 0; i < n; i++ {
			trainIdx = append(trainIdx, i)
		}
		return trainIdx, nil, 0, nil
	}
	bySource := map[int][]int{}
	for i, p := range patches {
		bySource[p.Source] = append(bySource[p.Source], i)
	}
	role := make([]int8, n) // 0 train, 1 validation, 2 dropped
	sources := make([]int, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Ints(sources)
	for _, s := range sources {
		idx := bySource[s]
		nVal := int(math.Round(frac * float64(len(idx))))
		if nVal == 0 {
			continue
		}
		sort.SliceStable(idx, func(a, b int) bool {
			pa, pb := patches[idx[a]], patches[idx[b]]
			if pa.Map != pb.Map {
				return pa.Map < pb.Map
			}
			return pa.Row < pb.Row
		})
		// whole (map, row) groups from the end
		cut := len(idx)
		for cut > 0 && len(idx)-cut < nVal {
			p := patches[idx[cut-1]]
			for cut > 0 && patches[idx[cut-1]].Map == p.Map && patches[idx[cut-1]].Row == p.Row {
				cut--
			}
		}
		val := idx[cut:]
		valByMap := map[int][]datasets.Patch{}
		for _, i := range val {
			valByMap[patches[i].Map] = append(valByMap[patches[i].Map], patches[i])
		}
		left := 0
		var drop []int
		for _, i := range idx[:cut] {
			p := patches[i]
			over := false
			for _, q := range valByMap[p.Map] {
				if absInt(p.Row-q.Row) < size && absInt(p.Col-q.Col) < size {
					over = true
					break
				}
			}
			if over {
				drop = append(drop, i)
			} else {
				left++
			}
		}
		if left == 0 {
			kept = append(kept, s) // no training patch would be left: all train
			continue
		}
		for _, i := range val {
			role[i] = 1
		}
		for _, i := range drop {
			role[i] = 2
		}
	}
	for i, r := range role {
		switch r {
		case 0:
			trainIdx = append(trainIdx, i)
		case 1:
			valIdx = append(valIdx, i)
		default:
			dropped++
		}
	}
	return trainIdx, valIdx, dropped, kept
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// valSplitDesc describes a run's split for the start line and run.json.
func valSplitDesc(nTrain, nVal, dropped int) string {
	return fmt.Sprintf("%d training and %d validation patches (the last patch rows of each source's maps, whole maps first), %d patches overlapping a validation patch left out of both", nTrain, nVal, dropped)
}
