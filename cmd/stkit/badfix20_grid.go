package main

import "github.com/stkit-org/stkit/datasets"

// cleanGridCounts is gridCounts for --grid-offset auto without --skip-nan,
// where one patch holding NaN, ±Inf or UNSEEN pixels fails the run: the
// offsets whose grid holds such a patch get −1 when another offset's grid
// holds none, so that bestOffset picks among the grids that succeed
// (edge.npy, NaN in row 0 and column 63, --size 32 --stride 16: auto chose
// 0,0, whose grid holds 5 patches with NaN, and failed, while 1,1 keeps
// the same 4 patches and none with NaN). counts is gridCounts' result
// (capped by maxPer); clean reports whether any offset's grid is clean.
// With no clean grid, counts is returned unchanged (the run fails naming a
// patch: --skip-nan is the way).
func cleanGridCounts(srcs []datasets.Source, size, stride, maxPer int, counts []int) (out []int, clean bool) {
	all := counts
	if maxPer > 0 {
		all = gridCounts(srcs, size, stride, 0) // patches without NaN, ±Inf or UNSEEN, uncapped
	}
	out = make([]int, len(counts))
	for i, n := range counts {
		out[i] = -1
		if n < 0 {
			continue
		}
		dy, dx := i/stride, i%stride
		total := 0
		for _, s := range srcs {
			m := s.Maps
			total += m.B * ((m.M-dy-size)/stride + 1) * ((m.N-dx-size)/stride + 1)
		}
		if all[i] == total {
			out[i], clean = n, true
		}
	}
	if !clean {
		return counts, false
	}
	return out, true
}
