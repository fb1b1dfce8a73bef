package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// The stats dashboard drew WPH's scaling moments L (no orientation; three
// (p1, p2) pairs per scale) in one colour without a legend, so the
// modulus moments (p = 1) could not be told from the p = 0 ones. Classes
// without l1 are now grouped by (p1, p2) when those vary.
func TestDashboardGroups(t *testing.T) {
	lab := stlayer.NewLabels("j1", "l1", "p1", "j2", "p2")
	lab.Add("S11", map[string]int{"j1": 0, "l1": 0, "p1": 1, "j2": 0, "p2": 1})
	lab.Add("S11", map[string]int{"j1": 0, "l1": 1, "p1": 1, "j2": 0, "p2": 1})
	lab.Add("L", map[string]int{"j1": -1, "p1": 0, "j2": -1, "p2": 0})
	lab.Add("L", map[string]int{"j1": -1, "p1": 0, "j2": -1, "p2": 1})
	lab.Add("L", map[string]int{"j1": -1, "p1": 1, "j2": -1, "p2": 1})
	lab.Add("S0", map[string]int{})
	lab.Add("S0", map[string]int{})

	key, name, what := dashboardGroups(lab, lab.Select("S11", nil))
	if what != "l1" || key(1) != 1 || name(key(1)) != "l1=1" {
		t.Errorf("S11: grouping %q, key %d, name %q; want l1, 1, l1=1", what, key(1), name(key(1)))
	}
	key, name, what = dashboardGroups(lab, lab.Select("L", nil))
	if what != "(p1, p2)" {
		t.Errorf("L: grouping %q, want (p1, p2)", what)
	}
	seen := map[int]string{}
	for _, i := range lab.Select("L", nil) {
		seen[key(i)] = name(key(i))
	}
	if len(seen) != 3 || seen[key(3)] != "p1=0,p2=1" || seen[key(4)] != "p1=1,p2=1" {
		t.Errorf("L groups %v, want three named p1=0,p2=0 / p1=0,p2=1 / p1=1,p2=1", seen)
	}
	key, name, what = dashboardGroups(lab, lab.Select("S0", nil))
	if what != "" || key(5) != key(6) || name(key(5)) != "" {
		t.Errorf("S0: grouping %q, keys %d %d, name %q; want one unnamed group", what, key(5), key(6), name(key(5)))
	}
}

// The scov dashboard of a constant map (every P00, C01, C11 zero) drew six
// bare axes with no word of why; each empty panel's title now says so, and
// panels with data keep their titles.
func TestScovDashboardEmptyPanelsSaySo(t *testing.T) {
	const J, L = 3, 2
	r := &scov.Result{J: J, L: L, P00: make([]float64, J*L), S1: make([]float64, J*L),
		C01: make([]complex128, J*J*L*L), C11: make([]complex128, J*J*J*L*L*L)}
	grid, err := scovDashboardPlots(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range grid {
		for _, p := range row {
			if !strings.HasSuffix(p.Title.Text, noScovData) {
				t.Errorf("empty panel titled %q, want it to end with %q", p.Title.Text, noScovData)
			}
		}
	}
	for i := range r.P00 {
		r.P00[i], r.S1[i] = 1, 0.8
	}
	grid, err = scovDashboardPlots(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(grid[0][0].Title.Text, "nothing") || strings.Contains(grid[0][1].Title.Text, "nothing") {
		t.Errorf("panels with P00 > 0 titled %q, %q", grid[0][0].Title.Text, grid[0][1].Title.Text)
	}
	if !strings.HasSuffix(grid[1][0].Title.Text, noScovData) {
		t.Errorf("C01 panel with C01 = 0 titled %q", grid[1][0].Title.Text)
	}
}
