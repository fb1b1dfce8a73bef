package infer

import (
	"math"
	"reflect"
	"testing"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// TestRatioBandLogNormal checks the band of one map's spectrum on the
// ratio panel of power_spectrum.png: exp(±σ_log), σ_log = √ln(1 + σ²), by
// hand; ≈ 1 ± σ for a small σ; positive for a relative std above 1 (the
// sample report's 1 ± σ went down to −0.97 for σ = 1.97); and every point
// of the drawn band above 0.
func TestRatioBandLogNormal(t *testing.T) {
	sigma := []float64{0, 0.01, 1.97, 1.1422}
	lo, hi := ratioBand(sigma)
	for b, s := range sigma {
		sl := math.Sqrt(math.Log(1 + s*s))
		if math.Abs(lo[b]-math.Exp(-sl)) > 1e-14 || math.Abs(hi[b]-math.Exp(sl)) > 1e-14 || !(lo[b] > 0) {
			t.Errorf("σ = %g: band [%g, %g], want [exp(−%g), exp(%g)] > 0", s, lo[b], hi[b], sl, sl)
		}
	}
	if math.Abs(lo[1]-0.99) > 1e-4 || math.Abs(hi[1]-1.01) > 1e-4 {
		t.Errorf("σ = 0.01: band [%g, %g], want ≈ [0.99, 1.01]", lo[1], hi[1])
	}
	if math.Abs(lo[2]-0.2838) > 1e-3 || math.Abs(hi[2]-3.523) > 1e-3 {
		t.Errorf("σ = 1.97: band [%g, %g], want [0.284, 3.52]", lo[2], hi[2])
	}
	if l, h := ratioBand([]float64{-1}); !math.IsNaN(l[0]) || !math.IsNaN(h[0]) {
		t.Errorf("σ = −1 (no modes): band [%g, %g], want NaN", l[0], h[0])
	}
	vm := &ValidationMetrics{
		PSEdges: []float64{1, 2, 4, 8}, PSTarget: []float64{3, 2, 1}, PSSynth: []float64{6, 1, 1},
		PSRatio: []float64{2, 0.5, 1}, PSTargetSpread: []float64{1.97, 1.5, 0.2},
	}
	_, r, err := spectraPlots(vm, "training patch", "sample tile")
	if err != nil {
		t.Fatal(err)
	}
	f := reflect.ValueOf(r).Elem().FieldByName("plotters")
	ps, _ := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().([]plot.Plotter)
	bands := 0
	for _, p := range ps {
		if l, ok := p.(*plotter.Line); ok && l.Dashes != nil && len(l.XYs) == 3 {
			bands++
			for _, xy := range l.XYs {
				if !(xy.Y > 0) {
					t.Errorf("band point (%g, %g) ≤ 0", xy.X, xy.Y)
				}
			}
		}
	}
	if bands != 2 {
		t.Errorf("%d band lines of 3 points, want 2", bands)
	}
}
