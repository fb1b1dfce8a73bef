package main

import (
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// In the wph dashboard of a real dust map (U_1.npy cropped to 256², J = 6)
// the C01 legend at the top right covered the l1=3 points at j2 − j1 = 5:
// PlaceLegend judged the corners by the points' centres on the padded data
// area and joined scatter points by phantom lines. It now measures the
// legend where gonum draws it against the markers as drawn
// (plotx.LegendOverlaps). No legend of the wph, wst or scov dashboards of
// these maps may cover a data mark.
func TestDashboardLegendsClearOfData(t *testing.T) {
	full, err := datasets.ReadMaps(filepath.Join(sharedDir(t), "data", "dust", "U_1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{256, 128} {
		x := stlayer.NewMaps(1, n, n)
		for i := 0; i < n; i++ {
			copy(x.Data[i*n:(i+1)*n], full.Data[i*full.N:i*full.N+n])
		}
		J := 6
		if n == 128 {
			J = 5
		}
		for _, sp := range []stats.Spec{{Kind: stats.WPH, J: J, L: 4}, {Kind: stats.WST, J: J, L: 4}, {Kind: stats.SCov, J: J, L: 4}} {
			op, err := stats.Build(sp, n, n)
			if err != nil {
				t.Fatal(err)
			}
			var ov [][]int
			if sop, ref, ok := stats.SCovOp(op); ok {
				raw, err := cpu.New().Forward(sop.Key(), sop.Stat(), x)
				if err != nil {
					t.Fatal(err)
				}
				rs, err := sop.Results(raw, ref)
				if err != nil {
					t.Fatal(err)
				}
				g, err := scovDashboardPlots(rs[0])
				if err != nil {
					t.Fatal(err)
				}
				if ov, err = plotx.GridLegendOverlaps(scovDashboardTitle("t"), g, scovDashW, scovDashH); err != nil {
					t.Fatal(err)
				}
				checkOverlaps(t, n, sp, g, ov)
				continue
			}
			c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
			if err != nil {
				t.Fatal(err)
			}
			panels, err := statsDashboardPanels(op.Labels(), c.Row(0))
			if err != nil {
				t.Fatal(err)
			}
			g, w, h := statsDashboardGrid(panels)
			if ov, err = plotx.GridLegendOverlaps("t", g, w, h); err != nil {
				t.Fatal(err)
			}
			checkOverlaps(t, n, sp, g, ov)
		}
	}
}

// checkOverlaps fails for every panel of g whose legend covers data marks
// (ov from plotx.GridLegendOverlaps).
func checkOverlaps(t *testing.T, n int, sp stats.Spec, g [][]*plot.Plot, ov [][]int) {
	t.Helper()
	legends := 0
	for i := range g {
		for j, p := range g[i] {
			if p == nil {
				continue
			}
			if _, ok := plotx.LegendBox(p, draw.Canvas{}); ok {
				legends++
			}
			if ov[i][j] > 0 {
				t.Errorf("%d² %s: panel %q: the legend (top=%v left=%v) covers %d data marks", n, sp.String(), p.Title.Text, p.Legend.Top, p.Legend.Left, ov[i][j])
			}
		}
	}
	if legends == 0 {
		t.Errorf("%d² %s: no panel has a legend", n, sp.String())
	}
}
