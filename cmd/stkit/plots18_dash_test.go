package main

import (
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

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

// stats --plot on a set drew map 0 only, under a title "(map 0 of 3)". The
// points are now the means over the maps, each with a bar of ±1σ (std over
// the maps, n − 1), and the title says "mean of 3 maps".
func TestPlots18SetDashboardMeanAndSigma(t *testing.T) {
	lab := stlayer.NewLabels("j1", "l1")
	for j := 0; j < 3; j++ {
		lab.Add("S1", map[string]int{"j1": j, "l1": 0})
	}
	rows := [][]complex128{{1, 10, 100}, {2, 20, 200}, {3, 60, 300}}
	panels, err := statsDashboardPanelsGrouped(lab, rows, nil, namedGroups(lab, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(panels) != 1 {
		t.Fatalf("%d panels, want 1", len(panels))
	}
	// the panel's glyphs, back in data units (a log axis): markers (4 pt
	// wide) and bar caps (3 pt)
	glyphs := func(p *plot.Plot) (marks, caps []float64) {
		for _, b := range p.GlyphBoxes(p) {
			v := p.Y.Min * math.Pow(p.Y.Max/p.Y.Min, b.Y)
			switch w := b.Size().X; {
			case math.Abs(float64(w-vg.Points(4))) < 1e-9:
				marks = append(marks, v)
			case math.Abs(float64(w-vg.Points(3))) < 1e-9:
				caps = append(caps, v)
			}
		}
		sort.Float64s(marks)
		sort.Float64s(caps)
		return marks, caps
	}
	if _, isLog := panels[0].Y.Scale.(plot.LogScale); !isLog {
		t.Fatal("S1 panel not on a log axis")
	}
	marks, caps := glyphs(panels[0])
	sd := math.Sqrt(700)
	wantMarks := []float64{2, 30, 200}
	wantCaps := []float64{1, 3, 30 - sd, 30 + sd, 100, 300}
	if len(marks) != len(wantMarks) || len(caps) != len(wantCaps) {
		t.Fatalf("markers %v, bar ends %v; want %v and %v", marks, caps, wantMarks, wantCaps)
	}
	for k := range wantMarks {
		if math.Abs(marks[k]-wantMarks[k]) > 1e-9*wantMarks[k] {
			t.Errorf("point at %g, want the mean %g", marks[k], wantMarks[k])
		}
	}
	for k := range wantCaps {
		if math.Abs(caps[k]-wantCaps[k]) > 1e-9*wantCaps[k] {
			t.Errorf("bar end at %g, want %g (mean ± σ)", caps[k], wantCaps[k])
		}
	}
	// one map: no bars, the map's values
	panels, err = statsDashboardPanelsGrouped(lab, rows[:1], nil, namedGroups(lab, nil))
	if err != nil {
		t.Fatal(err)
	}
	if marks, caps := glyphs(panels[0]); len(caps) != 0 || len(marks) != 3 || math.Abs(marks[0]-1) > 1e-9 {
		t.Errorf("one map: markers %v, bar ends %v; want the map's values, no bars", marks, caps)
	}
	if got, want := setDashboardTitle("a.npy, b.npy, c.npy (map 0 of 3): wst J=2", 3), "a.npy, b.npy, c.npy: wst J=2\npoints: mean of 3 maps; bars: ±1σ over the maps"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if got := setDashboardTitle("a.npy: wst", 1); got != "a.npy: wst" {
		t.Errorf("one map's title changed to %q", got)
	}
}
