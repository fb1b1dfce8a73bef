package main

import (
	"math"
	"math/cmplx"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestAniso19SplitComplexRows: for the complex-WPH and cross dashboards,
// the pseudo moments get classes of their own ("pseudo S11", drawn in its
// own panel instead of among S11's points), a class with complex values
// becomes "|C01|" (moduli) and "arg C01" (phases), a real one is kept, and
// the phases of a coefficient over a set are unwrapped around their
// circular mean (π − 0.1 and −π + 0.1 become π − 0.1 and π + 0.1: mean π).
func TestAniso19SplitComplexRows(t *testing.T) {
	lab := stlayer.NewLabels("j1", "l1", "pseudo")
	lab.Add("S11", map[string]int{"j1": 0, "l1": 0, "pseudo": 0})
	lab.Add("S11", map[string]int{"j1": 0, "l1": 1, "pseudo": 1})
	lab.Add("C01", map[string]int{"j1": 0, "l1": 0, "pseudo": 0})
	rows := [][]complex128{
		{2, cmplx.Rect(0.5, 1), cmplx.Rect(0.1, math.Pi-0.1)},
		{4, cmplx.Rect(0.7, 1.2), cmplx.Rect(0.3, -math.Pi+0.1)},
	}
	out, orows, kinds, phase := splitComplexRows(lab, rows)
	want := []string{"S11", "|pseudo S11|", "arg pseudo S11", "|C01|", "arg C01"}
	if strings.Join(out.Class, ",") != strings.Join(want, ",") {
		t.Fatalf("classes %v, want %v", out.Class, want)
	}
	if kinds["arg pseudo S11"] != "pseudo S11" || kinds["|C01|"] != "C01" || !phase["arg C01"] || phase["|C01|"] || phase["S11"] {
		t.Errorf("kinds %v, phase %v", kinds, phase)
	}
	for b, r := range orows {
		if r[0] != rows[b][0] || math.Abs(real(r[1])-cmplx.Abs(rows[b][1])) > 1e-15 || imag(r[1]) != 0 {
			t.Errorf("map %d: S11, |pseudo S11| = %v, %v", b, r[0], r[1])
		}
		if math.Abs(real(r[2])-cmplx.Phase(rows[b][1])) > 1e-12 {
			t.Errorf("map %d: arg pseudo S11 = %v, want %v", b, r[2], cmplx.Phase(rows[b][1]))
		}
	}
	p0, p1 := real(orows[0][4]), real(orows[1][4])
	if math.Abs((p0+p1)/2-math.Pi) > 1e-12 || math.Abs(p1-p0-0.2) > 1e-12 {
		t.Errorf("unwrapped phases %g, %g: want mean π and spread 0.2", p0, p1)
	}
	if out.Get(1, "l1") != 1 || out.Get(4, "j1") != 0 {
		t.Errorf("label rows not kept: %v", out.Rows)
	}
}

// TestAniso19CrossScovAsAuto: the cross scov dashboard of a pair (a, a)
// draws the auto dashboard's values: P00 of a and b equal, Corr00 = 1 at
// every scale, and its C01 ab panel the auto C01 panel's points.
func TestAniso19CrossScovAsAuto(t *testing.T) {
	x := stripeMaps(32, 4, []float64{30})
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4}.WithDefaults(32, 32)
	eng := cpu.New()
	crs := crossScovResults(t, eng, spec, x, x)
	grid, err := crossScovPlots(crs, "K", "K")
	if err != nil {
		t.Fatal(err)
	}
	if len(grid) != 4 || !strings.Contains(grid[1][0].Title.Text, "C01 ab") || grid[1][0].Y.Label.Text != "|C01 ab|" || grid[2][1].Y.Label.Text != "arg C01 ba (rad)" || !strings.HasPrefix(grid[3][0].Title.Text, "Corr11 ab") {
		t.Errorf("panels: %q / %q / %q / %q", grid[1][0].Title.Text, grid[1][0].Y.Label.Text, grid[2][1].Y.Label.Text, grid[3][0].Title.Text)
	}
	if !strings.Contains(grid[0][0].Y.Label.Text, "[K²]") {
		t.Errorf("P00 axis %q does not name K²", grid[0][0].Y.Label.Text)
	}
	for _, y := range glyphYs(grid[0][1]) {
		if math.Abs(y-1) > 1e-9 {
			t.Errorf("Corr00 of (a, a) drawn at %g, want 1", y)
		}
	}
	op, err := stats.BuildWithRef(spec, eng, x)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	sop, ref, _ := stats.SCovOp(op)
	rs, err := sop.Results(c, ref)
	if err != nil {
		t.Fatal(err)
	}
	auto, err := scovSetPlots([]*scov.Result{rs[0]}, "")
	if err != nil {
		t.Fatal(err)
	}
	got, want := glyphYs(grid[1][0]), glyphYs(auto[1][0])
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("C01 ab: %d points, auto C01 %d", len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9*want[i] {
			t.Errorf("C01 ab point %d at %g, auto C01 %g", i, got[i], want[i])
		}
	}
}

// TestAniso19PlotComplexAndCross: stats --plot was refused for the complex
// WPH ("--plot does not draw the complex WPH yet") and with --cross
// ("--plot is not available with --cross"); both now draw a dashboard, for
// one pair and for a set of pairs, and --help says what they show.
func TestAniso19PlotComplexAndCross(t *testing.T) {
	dir := t.TempDir()
	q := writeAnisoMaps(t, filepath.Join(dir, "q.npy"), stripeMaps(32, 4, []float64{30, 50}))
	u := writeAnisoMaps(t, filepath.Join(dir, "u.npy"), stripeMaps(32, 2, []float64{100, 120}))
	for i, args := range [][]string{
		{"--kind", "wph", "--imag", u},
		{"--kind", "wph", "--cross", u},
		{"--kind", "wph", "--iso", "--cross", u},
		{"--kind", "scov", "--cross", u},
	} {
		png := filepath.Join(dir, "d.png")
		a := append([]string{"stats", q, "-J", "3", "--plot", png}, args...)
		code, _, errs := runCLI(t, a...)
		if code != 0 || !strings.Contains(errs, "wrote the dashboard") {
			t.Errorf("case %d %v: exit %d: %s", i, args, code, tail(errs, 400))
		}
	}
	_, hout, herr := runCLI(t, "stats", "--help")
	if h := hout + herr; !strings.Contains(h, "scov --cross: P00 of both maps") || !strings.Contains(h, "complex wph (--imag) and wph --cross") {
		t.Errorf("stats --help does not describe the complex and cross dashboards")
	}
}

// crossScovResults is Cheng's two-field scattering covariance of the pair
// (a, b) for spec (made a cross spec), per map, on eng, with no reference.
func crossScovResults(t *testing.T, eng stlayer.Engine, spec stats.Spec, a, b *stlayer.Maps) []*scov.CrossResult {
	t.Helper()
	spec.Cross = true
	pair, err := stats.StackPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	op, err := stats.BuildWithRef(spec, eng, pair)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), pair)
	if err != nil {
		t.Fatal(err)
	}
	co, _ := stats.SCovCrossOp(op)
	crs, err := co.Results(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	return crs
}
