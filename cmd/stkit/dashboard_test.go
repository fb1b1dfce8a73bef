package main

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
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
