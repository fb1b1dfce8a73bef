package main

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// The dashboards' y axes named the coefficient but not its unit. With the
// maps' unit (FITS BUNIT) the axes now carry it: amplitudes (wst S0, S1, S2)
// in the unit, powers and covariances (wst P00, P11; every raw wph moment;
// scov P00) in its square, logs say the unit their argument was taken in,
// ratios and normalised statistics (s21, s22, wph norm auto) none.
func TestDashboardAxisUnits(t *testing.T) {
	if got := mapUnit([]datasets.Card{{Key: "BITPIX", Value: int64(-32)}, {Key: "BUNIT", Value: "MJy/sr  "}}); got != "MJy/sr" {
		t.Errorf("mapUnit = %q, want MJy/sr", got)
	}
	if got := mapUnit(nil); got != "" {
		t.Errorf("mapUnit(nil) = %q, want \"\"", got)
	}
	for _, tc := range []struct{ unit, want string }{{"MJy/sr", "(MJy/sr)²"}, {"K", "K²"}, {"uK_CMB", "uK_CMB²"}, {"Jy beam-1", "(Jy beam-1)²"}} {
		if got := unitPower(tc.unit, 2); got != tc.want {
			t.Errorf("unitPower(%q, 2) = %q, want %q", tc.unit, got, tc.want)
		}
	}

	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		r, c := float64(i/32), float64(i%32)
		x.Data[i] = 2 + math.Sin(0.4*r)*math.Cos(0.3*(r+2*c))
	}
	yLabels := func(s stats.Spec, unit string) map[string]string {
		t.Helper()
		op, err := stats.BuildWithRef(s, cpu.New(), x)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		s = s.WithDefaults(x.M, x.N)
		panels, err := statsDashboardPanelsUnit(op.Labels(), c.Row(0), func(class string) string { return statsClassUnit(s, class, unit) })
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range panels {
			got[p.Y.Label.Text] = p.Title.Text
		}
		return got
	}
	for _, tc := range []struct {
		spec stats.Spec
		unit string
		want []string
	}{
		{stats.Spec{Kind: stats.WST, J: 2}, "MJy/sr", []string{"|S1| [MJy/sr]", "|P00| [(MJy/sr)²]", "|S2| [MJy/sr]", "|P11| [(MJy/sr)²]"}},
		{stats.Spec{Kind: stats.WST, J: 2, Iso: true}, "K", []string{"|S1_iso| [K]", "|P00_iso| [K²]", "|S2_iso| [K]", "|s21|", "|s22|"}},
		{stats.Spec{Kind: stats.WST, J: 2, Synthesis: true}, "K", []string{"Re logS1 (S1 in K)", "Re logS2 (S2 in K)"}},
		{stats.Spec{Kind: stats.WST, J: 2}, "", []string{"|S1|", "|P00|"}},
		{stats.Spec{Kind: stats.WPH, J: 2}, "MJy/sr", []string{"|S11| [(MJy/sr)²]", "|S00| [(MJy/sr)²]", "|L| [(MJy/sr)²]"}},
		{stats.Spec{Kind: stats.WPH, J: 2, Norm: "auto"}, "MJy/sr", []string{"|S11|", "|S00|", "|L|"}},
	} {
		got := yLabels(tc.spec, tc.unit)
		for _, w := range tc.want {
			if _, ok := got[w]; !ok {
				t.Errorf("%s, unit %q: no y axis %q (axes: %v)", tc.spec, tc.unit, w, got)
			}
		}
	}

	// scov dashboard: P00 in the square of the unit, the rest dimensionless
	const J, L = 2, 2
	r := &scov.Result{J: J, L: L, P00: []float64{1, 2, 3, 4}, S1: []float64{0.8, 1, 1.2, 1.4},
		C01: make([]complex128, J*J*L*L), C11: make([]complex128, J*J*J*L*L*L)}
	for _, tc := range []struct{ unit, want string }{{"MJy/sr", "P00 [(MJy/sr)²]"}, {"K", "P00 [K²]"}, {"", "P00"}} {
		grid, err := scovDashboardPlotsUnit(r, tc.unit)
		if err != nil {
			t.Fatal(err)
		}
		if got := grid[0][0].Y.Label.Text; got != tc.want {
			t.Errorf("scov P00 axis with unit %q: %q, want %q", tc.unit, got, tc.want)
		}
		if got := grid[0][1].Y.Label.Text; got != "S1/√P00" {
			t.Errorf("scov sparsity axis with unit %q: %q, want S1/√P00", tc.unit, got)
		}
	}
}
