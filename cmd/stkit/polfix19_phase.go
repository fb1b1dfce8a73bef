package main

import (
	"math"

	"gonum.org/v1/plot/plotter"
)

// phaseSegments splits the points xy of a phase line (radians, in
// [−π, π], in x order) where it wraps: between two consecutive points
// whose phases differ by more than π (the shorter way round the circle
// crosses ±π). It returns the index ranges [start, end) of the pieces to
// draw as separate lines, so that no line crosses the panel from +π to −π
// (pol's report: scov set arg C01, cross C01 ba at j1 = 4).
func phaseSegments(xy plotter.XYs) [][2]int {
	if len(xy) == 0 {
		return nil
	}
	var out [][2]int
	start := 0
	for k := 1; k < len(xy); k++ {
		if math.Abs(xy[k].Y-xy[k-1].Y) > math.Pi {
			out = append(out, [2]int{start, k})
			start = k
		}
	}
	return append(out, [2]int{start, len(xy)})
}
