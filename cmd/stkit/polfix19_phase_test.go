package main

import (
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestPolfix19PhaseSegments: a phase line is cut where consecutive phases
// differ by more than π (it wraps across ±π), and nowhere else (pol's
// report: the scov set's arg C01 lines ran from +π to −π across the
// panel); the scov set and --cross set dashboards are still drawn.
func TestPolfix19PhaseSegments(t *testing.T) {
	xy := plotter.XYs{{X: 0, Y: 3.0}, {X: 1, Y: -3.0}, {X: 2, Y: -2.5}, {X: 3, Y: 0.5}, {X: 4, Y: 3.1}, {X: 5, Y: 2.9}}
	// 3.0 → −3.0: 6.0 > π, cut; −2.5 → 0.5: 3.0 < π, kept; 0.5 → 3.1: 2.6, kept
	want := [][2]int{{0, 1}, {1, 6}}
	if got := phaseSegments(xy); !slices.Equal(got, want) {
		t.Errorf("phaseSegments = %v, want %v", got, want)
	}
	xy = append(xy, plotter.XY{X: 6, Y: -3.1}) // 2.9 → −3.1: cut
	if got := phaseSegments(xy); !slices.Equal(got, [][2]int{{0, 1}, {1, 6}, {6, 7}}) {
		t.Errorf("phaseSegments = %v", got)
	}
	if got := phaseSegments(nil); got != nil {
		t.Errorf("phaseSegments(nil) = %v", got)
	}
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a.npy", 3)
	b := writeAnisoMaps(t, filepath.Join(dir, "b.npy"), stripeMaps(64, 4, []float64{10, 50, 120}))
	for _, args := range [][]string{{a}, {a, "--cross", b}} {
		args = append(append([]string{"stats"}, args...), "--kind", "scov", "-J", "3", "--plot", filepath.Join(dir, "s.png"))
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, tail(errs, 300))
		}
	}
}
