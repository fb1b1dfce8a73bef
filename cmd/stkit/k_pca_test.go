package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/plotx"
)

// clusters' latent PCA plot fitted each axis to its data: on
// /work/stkit-try/run2 PC1 (83 % of the variance) spanning 9 units and PC2
// (11 %) spanning 7 were drawn at about the same length per unit only
// because the figure happened to be 9 × 7, and the demo's PC2 (22 %) was
// stretched 1.45 times against PC1 (47 %). Both axes now have one scale:
// a unit is as long on x as on y, whichever the data's shape, every point
// stays inside and the title says so.
func TestPCAEqualScales(t *testing.T) {
	for _, shape := range [][2]float64{{10, 1}, {1, 10}, {3, 2.5}} {
		var pc [][2]float64
		var cl []int
		for i := 0; i < 60; i++ {
			a := float64(i) / 59
			pc = append(pc, [2]float64{shape[0] * (a - 0.5), shape[1] * math.Sin(7*a) / 2})
			cl = append(cl, i%2)
		}
		p, err := pcaPlot(pc, [2]float64{0.8, 0.1}, cl, 2, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		a := plotx.DataArea(p, pcaW, pcaH)
		sx, sy := float64(a.X)/(p.X.Max-p.X.Min), float64(a.Y)/(p.Y.Max-p.Y.Min)
		if math.Abs(sx/sy-1) > 0.01 {
			t.Errorf("data %g × %g: %.2f points per unit on x, %.2f on y", shape[0], shape[1], sx, sy)
		}
		for _, q := range pc {
			if q[0] <= p.X.Min || q[0] >= p.X.Max || q[1] <= p.Y.Min || q[1] >= p.Y.Max {
				t.Errorf("data %g × %g: point %v outside x [%g, %g], y [%g, %g]", shape[0], shape[1], q, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
				break
			}
		}
		if !strings.Contains(p.Title.Text, "PC1 and PC2 on one scale") {
			t.Errorf("title %q does not say the axes share a scale", p.Title.Text)
		}
	}
}
