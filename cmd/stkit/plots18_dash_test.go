package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// The wph --iso dashboard labelled its rotation-averaged series "l1=0
// (θ=0°)" (l1 is 0 in every row) and put C01's four Δl in one colour. Its
// classes are now coloured by Δl = l2 where that varies ("Δl=1 (45°)"),
// one unnamed group otherwise, and the title says the moments are
// isotropic.
func TestPlots18IsoDashboardGroups(t *testing.T) {
	spec := stats.Spec{Kind: stats.WPH, J: 3, L: 4, Iso: true}
	lab := stlayer.NewLabels("j1", "l1", "p1", "j2", "l2", "p2")
	for j := 0; j < 3; j++ {
		lab.Add("S11", map[string]int{"j1": j, "l1": 0, "p1": 1, "j2": j, "l2": 0, "p2": 1})
	}
	for dl := 0; dl < 4; dl++ {
		lab.Add("C01", map[string]int{"j1": 0, "l1": 0, "p1": 0, "j2": 1, "l2": dl, "p2": 1})
	}
	lab.Add("L", map[string]int{"j1": -1, "p1": 0, "j2": -1, "p2": 0})
	lab.Add("L", map[string]int{"j1": -1, "p1": 1, "j2": -1, "p2": 1})

	key, name, what := isoDashboardGroups(spec, lab, lab.Select("C01", nil))
	if what != "Δl" {
		t.Errorf("C01 grouped by %q, want Δl", what)
	}
	var names []string
	for _, i := range lab.Select("C01", nil) {
		names = append(names, name(key(i)))
	}
	if got, want := strings.Join(names, "|"), "Δl=0 (0°)|Δl=1 (45°)|Δl=2 (90°)|Δl=3 (135°)"; got != want {
		t.Errorf("C01 legend %q, want %q", got, want)
	}
	key, name, what = isoDashboardGroups(spec, lab, lab.Select("S11", nil))
	s := lab.Select("S11", nil)
	if what != "" || key(s[0]) != key(s[2]) || name(key(s[0])) != "" {
		t.Errorf("S11: grouping %q, name %q; want one group without legend", what, name(key(s[0])))
	}
	if _, name, what = isoDashboardGroups(spec, lab, lab.Select("L", nil)); what != "(p1, p2)" || name(1<<16+1) != "p1=1,p2=1" {
		t.Errorf("L: grouping %q, want (p1, p2)", what)
	}
	note := isoDashboardNote(spec)
	for _, w := range []string{"isotropic", "Δl = (l2 − l1) mod 4", "180°/4"} {
		if !strings.Contains(note, w) {
			t.Errorf("iso note %q does not say %q", note, w)
		}
	}
	if strings.Contains(note, "θ=") {
		t.Errorf("iso note %q names an absolute orientation", note)
	}
}
