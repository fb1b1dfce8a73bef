package main

import (
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/stkit-org/stkit/internal/plotx"
)

// TestPolfix19AnisoLegendOutside: both anisotropy panels draw their legend
// beside the data area (plotx.LegendOutside), so that the key's marker is
// not read as a point (pol's report: "above the floor ●" at j=4, ψ=0° in
// the data of stats Q.fits --imag U.fits --kind wph -J 5 --plot); the
// strip lies right of the data area, inside the figure, and the amplitude
// axis keeps no headroom for a legend (at most 1.1 × the largest A_j + σ,
// padded by 5 %).
func TestPolfix19AnisoLegendOutside(t *testing.T) {
	d := &anisotropyDoc{Class: "S11", Maps: []anisotropyAt{{Map: 0, Scales: []anisoScaleDoc{
		{J: 0, Amplitude: 0.01, DirectionDeg: 15, NoiseFloor: 0.02},
		{J: 1, Amplitude: 0.2, DirectionDeg: 30, NoiseFloor: 0.05, Significant: true},
		{J: 2, Amplitude: 0.3, DirectionDeg: 179, NoiseFloor: 0.05, Significant: true},
	}}}}
	ps, err := anisoPanels(d)
	if err != nil || len(ps) != 2 {
		t.Fatalf("anisoPanels: %d panels, %v", len(ps), err)
	}
	for i, p := range ps {
		if !plotx.IsLegendOutside(p) {
			t.Errorf("panel %d (%q): legend not outside the data area", i, p.Title.Text)
		}
	}
	if top := 0.3 * 1.1; ps[0].Y.Max > top+0.05*top+1e-12 {
		t.Errorf("amplitude axis up to %.3f, want ≤ %.3f (no room kept for a legend)", ps[0].Y.Max, top*1.05)
	}
	w, h := 2*4.5*vg.Inch, 3.5*vg.Inch
	data, leg, err := plotx.OutsideLegendLayout("t", [][]*plot.Plot{ps}, w, h)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		dr, lr := data[0][i], leg[0][i]
		if lr.Size().X <= 0 || lr.Min.X < dr.Max.X || lr.Max.X > w*vg.Length(i+1)/2+1 {
			t.Errorf("panel %d: legend strip %v, data area %v: want right of the data, inside the panel", i, lr, dr)
		}
	}
}
