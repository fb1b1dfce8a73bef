package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// The wst dashboard's S2 and P11 panels were reported to show points at
// j2 − j1 = 0. The global WST keeps j2 ≥ j1 by default (Cheng's
// j1j2_criteria 'j2>=j1'; stats.Spec.StrictJ2 gives j2 > j1), so those points
// are the j2 = j1 pairs the label table holds. Every plotted point must sit
// at the j2 − j1 of its label (up to the documented sideways offset of its
// l1 group), and with StrictJ2 no point may sit at 0; the panel title says
// which pairs the class holds.
func TestWSTDashboardScaleDifference(t *testing.T) {
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		r, c := float64(i/32), float64(i%32)
		x.Data[i] = math.Exp(math.Sin(0.4*r) + math.Cos(0.3*(r+2*c)))
	}
	for _, strict := range []bool{false, true} {
		op, err := stats.Build(stats.Spec{Kind: stats.WST, J: 3, L: 2, StrictJ2: strict}, x.M, x.N)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		lab := op.Labels()
		row := c.Row(0)
		panels, err := statsDashboardPanels(lab, row)
		if err != nil {
			t.Fatal(err)
		}
		for _, cl := range []string{"S2", "P11"} {
			var found bool
			for _, p := range panels {
				if !strings.HasPrefix(p.Title.Text, cl+" ") {
					continue
				}
				if want := map[bool]string{false: cl + " (pairs j2 ≥ j1)", true: cl + " (pairs j2 > j1)"}[strict]; p.Title.Text != want {
					t.Errorf("strict=%v: panel titled %q, want %q", strict, p.Title.Text, want)
				}
				found = true
				// the labels' (j2 − j1, l1, |value|) of the class
				want := map[[2]int][]float64{}
				minD := 99
				for _, i := range lab.Select(cl, nil) {
					d := lab.Get(i, "j2") - lab.Get(i, "j1")
					minD = min(minD, d)
					k := [2]int{d, lab.Get(i, "l1")}
					want[k] = append(want[k], cmplxAbs(row[i]))
				}
				if strict && minD != 1 || !strict && minD != 0 {
					t.Errorf("strict=%v %s: smallest label j2 − j1 = %d", strict, cl, minD)
				}
				n := 0
				L := 2
				for _, b := range p.GlyphBoxes(p) {
					// back from the axes' normalised position to data: linear x, log y
					xy := struct{ X, Y float64 }{p.X.Min + b.X*(p.X.Max-p.X.Min), math.Exp(math.Log(p.Y.Min) + b.Y*(math.Log(p.Y.Max)-math.Log(p.Y.Min)))}
					{
						n++
						d := int(math.Round(xy.X))
						gi := int(math.Round((xy.X-float64(d))/0.06 + float64(L-1)/2))
						if math.Abs(xy.X-float64(d)) > 0.1 {
							t.Errorf("strict=%v %s: point at x = %g, more than the l1 offset from an integer", strict, cl, xy.X)
						}
						if strict && d < 1 {
							t.Errorf("strict=%v %s: point at j2 − j1 = %d", strict, cl, d)
						}
						if !hasValue(want[[2]int{d, gi}], xy.Y) {
							t.Errorf("strict=%v %s: point (%g, %g) of l1=%d matches no label with j2 − j1 = %d", strict, cl, xy.X, xy.Y, gi, d)
						}
					}
				}
				if n != len(lab.Select(cl, nil)) {
					t.Errorf("strict=%v %s: %d points for %d coefficients", strict, cl, n, len(lab.Select(cl, nil)))
				}
			}
			if !found {
				t.Errorf("strict=%v: no %s panel", strict, cl)
			}
		}
	}
}

func hasValue(vs []float64, v float64) bool {
	for _, w := range vs {
		if math.Abs(w-v) <= 1e-9*math.Abs(w) {
			return true
		}
	}
	return false
}

// The generic dashboard drew a class on a log axis of moduli whenever no
// modulus was 0, so real negative coefficients (wst --synthesis's logS1,
// logS2 of maps with S1 < 1) were drawn as their opposites under "|logS1|".
// A class holding a negative real number is now drawn as its real part.
func TestStatsDashboardNegativeRealsKeepSign(t *testing.T) {
	lab := stlayer.NewLabels("j1", "l1")
	row := []complex128{-3, -2, 0.5}
	for j := range row {
		lab.Add("logS1", map[string]int{"j1": j, "l1": 0})
	}
	lab.Add("C01", map[string]int{"j1": 0, "l1": 0})
	lab.Add("C01", map[string]int{"j1": 1, "l1": 0})
	row = append(row, complex(-1, 0.5), complex(0.2, -0.1)) // complex: modulus
	panels, err := statsDashboardPanels(lab, row)
	if err != nil {
		t.Fatal(err)
	}
	if len(panels) != 2 {
		t.Fatalf("%d panels, want 2", len(panels))
	}
	p := panels[0]
	if p.Y.Label.Text != "Re logS1" {
		t.Errorf("logS1 axis %q, want Re logS1", p.Y.Label.Text)
	}
	var ys []float64
	for _, b := range p.GlyphBoxes(p) {
		ys = append(ys, p.Y.Min+b.Y*(p.Y.Max-p.Y.Min))
	}
	if len(ys) != 3 || math.Abs(ys[0]+3) > 1e-9 || math.Abs(ys[1]+2) > 1e-9 || math.Abs(ys[2]-0.5) > 1e-9 {
		t.Errorf("logS1 points at y = %v, want [-3 -2 0.5]", ys)
	}
	if panels[1].Y.Label.Text != "|C01|" {
		t.Errorf("complex C01 axis %q, want |C01|", panels[1].Y.Label.Text)
	}
}
