package main

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// The generic stats dashboard (every family but scov, e.g. --kind wst)
// named every y axis "|value|" or "Re value": a reader of a panel had to
// look up its title to know which coefficient it showed. The axis now names
// the class: "|S1|" (log axis, all moduli positive), "Re C01" otherwise.
func TestStatsDashboardAxisNamesClass(t *testing.T) {
	lab := stlayer.NewLabels("j1", "l1", "j2")
	var row []complex128
	for j := 0; j < 3; j++ {
		lab.Add("S1", map[string]int{"j1": j, "l1": 0, "j2": -1})
		row = append(row, complex(float64(1+j), 0))
	}
	for j := 0; j < 3; j++ {
		lab.Add("C01", map[string]int{"j1": j, "l1": 0, "j2": j + 1})
		row = append(row, complex(float64(j-1), 0)) // −1, 0, 1: a zero modulus
	}
	panels, err := statsDashboardPanels(lab, row)
	if err != nil {
		t.Fatal(err)
	}
	if len(panels) != 2 {
		t.Fatalf("%d panels, want 2", len(panels))
	}
	for i, want := range []string{"|S1|", "Re C01"} {
		if got := panels[i].Y.Label.Text; got != want {
			t.Errorf("panel %q: y label %q, want %q", panels[i].Title.Text, got, want)
		}
		checkInside(t, panels[i], 0, i)
	}
}
