package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/scov"
)

// The scov dashboard's sparsity panel named the Gaussian value √π/2 ≈
// 0.886 in its title only: with data at 0.45–0.8 the reader had to place
// 0.886 beyond the top of the axis. The panel now draws it as a dotted line
// across the scales, inside the y range, and the title says so.
func TestScovSparsityGaussianLine(t *testing.T) {
	const J, L = 4, 2
	r := &scov.Result{J: J, L: L, P00: make([]float64, J*L), S1: make([]float64, J*L),
		C01: make([]complex128, J*J*L*L), C11: make([]complex128, J*J*J*L*L*L)}
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			r.P00[j*L+l] = math.Pow(2, float64(j))
			r.S1[j*L+l] = (0.45 + 0.1*float64(j)) * math.Sqrt(r.P00[j*L+l]) // sparsity 0.45 … 0.75
		}
	}
	grid, err := scovDashboardPlots(r)
	if err != nil {
		t.Fatal(err)
	}
	sp := grid[0][1]
	g := math.Sqrt(math.Pi) / 2
	if !strings.Contains(sp.Title.Text, "dotted: √π/2 ≈ 0.886") {
		t.Errorf("sparsity title %q does not name the dotted line", sp.Title.Text)
	}
	if !(sp.Y.Min < g && g < sp.Y.Max) {
		t.Fatalf("y range [%g, %g] leaves out √π/2 = %g", sp.Y.Min, sp.Y.Max, g)
	}
	// the line's two ends: at j = 0 and J − 1, height √π/2
	var ends []float64
	for _, b := range sp.GlyphBoxes(sp) {
		y := sp.Y.Min + b.Y*(sp.Y.Max-sp.Y.Min)
		if math.Abs(y-g) < 1e-9 {
			ends = append(ends, sp.X.Min+b.X*(sp.X.Max-sp.X.Min))
		}
	}
	if len(ends) != 2 || math.Abs(ends[0]) > 1e-9 || math.Abs(ends[1]-(J-1)) > 1e-9 {
		t.Errorf("points at y = √π/2: x = %v, want the line's ends 0 and %d", ends, J-1)
	}
}
