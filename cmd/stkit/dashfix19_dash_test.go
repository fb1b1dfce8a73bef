package main

import (
	"fmt"
	"math"
	"math/cmplx"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// legendTexts returns the texts of p's legend entries, in order (the
// legend drawn on a recorder).
func legendTexts(p *plot.Plot) []string {
	r := &recorder.Canvas{}
	l := p.Legend
	l.Draw(draw.Canvas{Canvas: r, Rectangle: vg.Rectangle{Max: vg.Point{X: 400, Y: 1000}}})
	var out []string
	for _, a := range r.Actions {
		if s, ok := a.(*recorder.FillString); ok {
			out = append(out, s.String)
		}
	}
	return out
}

// The spectra dashboard plotted the DCT k = 0 rows of C01 and C11, which
// are √N × the mean over the N absolute scales (turb: I_1's C01 h1 = 0
// plotted 0.392, 0.628, 0.661, 0.533, 0.342, a hump, for means 0.175,
// 0.314, 0.382, 0.377, 0.342). It now plots the means: every S3 point is a
// C01 k = 0 row divided by √(J − a), every S4 point a C11 (h1 = h2 = 0,
// im = 0) k = 0 row divided by √(J − a + b), at x = a, and the titles and
// axes say "mean over the scales"; the S4 panel carries the Gaussian
// baseline caveat.
func TestDashfix19SpectraMeans(t *testing.T) {
	const J = 4
	x := stlayer.NewMaps(1, 64, 64)
	f, err := datasets.LogNormalField(64, 64, -2.5, 0.8, 5)
	if err != nil {
		t.Fatal(err)
	}
	copy(x.Data, f)
	spec := stats.Spec{Kind: stats.Spectra, J: J, L: 4}.WithDefaults(64, 64)
	eng := cpu.New()
	op, err := stats.BuildWithRef(spec, eng, x)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	lab, row := op.Labels(), c.Row(0)
	grid, _, err := spectraDashboardPlots(lab, row, "")
	if err != nil {
		t.Fatal(err)
	}
	type pt struct{ x, y float64 }
	var want3, want4, old3 []pt
	for i := range lab.Class {
		if lab.Get(i, "k") != 0 {
			continue
		}
		a := lab.Get(i, "a")
		v := real(row[i])
		switch {
		case lab.Class[i] == "C01":
			want3 = append(want3, pt{float64(a), v / math.Sqrt(float64(J-a))})
			old3 = append(old3, pt{float64(a), v})
		case lab.Class[i] == "C11" && lab.Get(i, "h1") == 0 && lab.Get(i, "h2") == 0 && lab.Get(i, "im") == 0:
			want4 = append(want4, pt{float64(a), v / math.Sqrt(float64(J-a+lab.Get(i, "b")))})
		}
	}
	check := func(name string, p *plot.Plot, want []pt) {
		t.Helper()
		if !strings.Contains(p.Title.Text, "mean over the scales") || !strings.Contains(p.Y.Label.Text, "mean over j1") {
			t.Errorf("%s: title %q, axis %q do not say 'mean over the scales'", name, p.Title.Text, p.Y.Label.Text)
		}
		n := 0
		for _, b := range p.GlyphBoxes(p) {
			if b.Rectangle.Size().X <= 3 {
				continue // the line's vertex; the marker follows
			}
			n++
			gx, gy := p.X.Min+b.X*(p.X.Max-p.X.Min), p.Y.Min+b.Y*(p.Y.Max-p.Y.Min)
			found := false
			for _, w := range want {
				found = found || math.Abs(gx-w.x) < 1e-9 && math.Abs(gy-w.y) <= 1e-9*max(math.Abs(w.y), 1e-12)
			}
			if !found {
				t.Errorf("%s: point (%g, %g) is no k = 0 row / √N", name, gx, gy)
			}
		}
		if n != len(want) {
			t.Errorf("%s: %d points for %d rows", name, n, len(want))
		}
	}
	check("S3", grid[0][1], want3)
	check("S4", grid[1][0], want4)
	// the old points (the k = 0 rows themselves) differ by √N > 1 where J − a > 1
	if d := math.Abs(old3[0].y - want3[0].y); old3[0].x != 0 || d < 0.5*math.Abs(want3[0].y) {
		t.Errorf("C01 at a = 0: k = 0 row %g vs mean %g: the test wants them apart (√%d)", old3[0].y, want3[0].y, J)
	}
	if !strings.Contains(grid[1][0].Title.Text, "stkit surrogate") {
		t.Errorf("S4 panel %q: no Gaussian-baseline caveat", grid[1][0].Title.Text)
	}
	for _, r := range grid {
		for _, p := range r {
			if !plotx.IsLegendOutside(p) {
				t.Errorf("panel %q: legend not beside the data", p.Title.Text)
			}
		}
	}
}

// The scov dashboard's S3/S4 panels showed C01 and C11 divided by
// √(P00·P00) under "|C01|", "|C11|" while stats --kind scov prints the raw
// moments, and left out a = j2 − j1 = 0 that the spectra keep. The axes now
// name the denominators (P00 or P11 normalisation), the S3 panels have a
// point at a = 0 for every j1 (the Δl = 0 average of C01[j1, j1]), the
// phases sit on [−π, π] after the grid is laid out, every legend is beside
// its data area and covers no point.
func TestDashfix19ScovNormalisedAndSameScale(t *testing.T) {
	x := stripeMaps(32, 3, []float64{30})
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4}.WithDefaults(32, 32)
	eng := cpu.New()
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
	r := rs[0]
	J, L := r.J, r.L
	grid, err := scovSetPlots(rs, "")
	if err != nil {
		t.Fatal(err)
	}
	m3, p3, m4, p4 := grid[1][0], grid[1][1], grid[2][0], grid[2][1]
	if m3.Y.Label.Text != "|C01| / √(P00(j1)·P00(j2))" || m4.Y.Label.Text != "|C11| / √(P00(j1)·P00(j2))" {
		t.Errorf("S3/S4 axes %q, %q do not name the normalisation", m3.Y.Label.Text, m4.Y.Label.Text)
	}
	if !strings.Contains(m3.Title.Text, "raw C01") || !strings.Contains(m4.Title.Text, "stkit surrogate") {
		t.Errorf("titles %q / %q", m3.Title.Text, m4.Title.Text)
	}
	// the points: |mean_l C01[j1, j2, l, l]| for every j2 ≥ j1, a = 0 included
	var want []float64
	for j1 := 0; j1 < J; j1++ {
		for j2 := j1; j2 < J; j2++ {
			var s complex128
			for l := 0; l < L; l++ {
				s += r.C01[((j1*J+j2)*L+l)*L+l]
			}
			want = append(want, cmplx.Abs(s/complex(float64(L), 0)))
		}
	}
	got := glyphYs(m3)
	if len(got) != J*(J+1)/2 {
		t.Errorf("S3: %d points, want %d (j2 ≥ j1)", len(got), J*(J+1)/2)
	}
	for _, y := range got {
		if !hasValueAbs(want, y, 1e-9*y) {
			t.Errorf("S3 point %g is no |C01 iso|", y)
		}
	}
	at0 := 0
	for _, b := range m3.GlyphBoxes(m3) {
		if b.Rectangle.Size().X > 3 && math.Abs(m3.X.Min+b.X*(m3.X.Max-m3.X.Min)) < 1e-9 {
			at0++
		}
	}
	if at0 != J {
		t.Errorf("S3: %d points at a = 0, want one per j1 (%d)", at0, J)
	}
	ov, err := plotx.GridLegendOverlaps(scovDashboardTitle("t"), grid, scovDashW, scovDashH)
	if err != nil {
		t.Fatal(err)
	}
	for i, rw := range grid {
		for j, p := range rw {
			if !plotx.IsLegendOutside(p) || ov[i][j] != 0 {
				t.Errorf("panel %q: outside %v, covers %d marks", p.Title.Text, plotx.IsLegendOutside(p), ov[i][j])
			}
		}
	}
	for _, p := range []*plot.Plot{p3, p4} {
		if p.Y.Min != -math.Pi || p.Y.Max != math.Pi {
			t.Errorf("%q: phase axis [%g, %g], want [−π, π]", p.Title.Text, p.Y.Min, p.Y.Max)
		}
	}
	if n := scovNormOf(true, false); n.c01 != "√(P00(j2)·P11(j1,j2))" || n.c11 != "√(P11(j1,j3)·P11(j2,j3))" {
		t.Errorf("P11 normalisation named %q, %q", n.c01, n.c11)
	}
	if n := scovNormOf(false, true); !strings.Contains(n.note, "reference maps") {
		t.Errorf("reference normalisation note %q", n.note)
	}
}

// The wst S2/P11 panels put every j1 at one x (j2 − j1) with colours for
// l1 only, and a legend of more than 8 groups was dropped. Each j1 now has
// its marker shape, named in the legend after the l1 colours (all 8 of
// L = 8) and in the x label; every point keeps its x = j2 − j1 plus its l1
// offset; the scale axes name the central wavelength (wst 8/3·2^j1 px, wph
// 2.35·2^j1 px, wph's L the Gaussian low-pass).
func TestDashfix19J1MarkersAndWavelength(t *testing.T) {
	x := stripeMaps(32, 3, []float64{30})
	for _, sp := range []stats.Spec{{Kind: stats.WST, J: 3, L: 8}, {Kind: stats.WPH, J: 3, L: 4}} {
		op, err := stats.Build(sp, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		lab := op.Labels()
		panels, err := statsDashboardPanelsNamed(lab, c.Row(0), nil, func(l int) string { return thetaLabel(sp.WithDefaults(32, 32), "l1", l) })
		if err != nil {
			t.Fatal(err)
		}
		dashfixScaleAxes(sp, panels)
		byClass := map[string]*plot.Plot{}
		for _, p := range panels {
			byClass[strings.SplitN(p.Title.Text, " ", 2)[0]] = p
			if !plotx.IsLegendOutside(p) {
				t.Errorf("%s %q: legend not beside the data", sp.Kind, p.Title.Text)
			}
		}
		if sp.Kind == stats.WST {
			if xl := byClass["S1"].X.Label.Text; !strings.HasPrefix(xl, "scale j1 (central wavelength ≈ 8/3·2^j1 px)\n(points offset by l1") {
				t.Errorf("wst S1 x label %q", xl)
			}
			for _, cl := range []string{"S2", "P11"} {
				p := byClass[cl]
				if p.X.Label.Text != "j2 − j1\n(points offset by l1: ±0.21; marker shape: j1)" {
					t.Errorf("%s x label %q", cl, p.X.Label.Text)
				}
				var want []string
				for l := 0; l < 8; l++ {
					want = append(want, thetaLabel(sp.WithDefaults(32, 32), "l1", l))
				}
				for j1 := 0; j1 < 3; j1++ {
					want = append(want, fmt.Sprintf("j1=%d", j1))
				}
				if got := legendTexts(p); !reflect.DeepEqual(got, want) {
					t.Errorf("%s legend %q, want %q", cl, got, want)
				}
				// every point at j2 − j1 of a label, within the l1 offsets (±0.21)
				n := 0
				for _, b := range p.GlyphBoxes(p) {
					gx := p.X.Min + b.X*(p.X.Max-p.X.Min)
					if d := gx - math.Round(gx); math.Abs(d) > 0.22 || math.Round(gx) < 0 || math.Round(gx) > 2 {
						t.Errorf("%s point at x = %g", cl, gx)
					}
					n++
				}
				if n != len(lab.Select(cl, nil)) {
					t.Errorf("%s: %d points for %d coefficients", cl, n, len(lab.Select(cl, nil)))
				}
			}
		} else {
			if xl := byClass["S11"].X.Label.Text; !strings.HasPrefix(xl, "scale j1 (central wavelength ≈ 2.35·2^j1 px)") {
				t.Errorf("wph S11 x label %q", xl)
			}
			if xl := byClass["L"].X.Label.Text; !strings.HasPrefix(xl, "scale j1 of the Gaussian low-pass") {
				t.Errorf("wph L x label %q", xl)
			}
		}
	}
	seen := map[string]bool{}
	for k := 0; k < 8; k++ {
		seen[fmt.Sprintf("%T", dashfixJ1Glyph(k))] = true
	}
	if len(seen) != 8 {
		t.Errorf("%d distinct j1 marker shapes of 8", len(seen))
	}
}

// Complex moments with 16 orientations (L = 8, z = Q + iU): the phase
// panels ran beyond ±π (PlaceLegend widened the range for a legend; a mean
// of unwrapped phases could pass π) and the legend was dropped above 8
// groups, the 10 colours repeating. Now, after the grid is laid out, every
// phase axis is [−π, π] with every point inside, each panel lists all 16
// orientations beside its data area, and no legend covers a point.
func TestDashfix19ComplexPhasePanels(t *testing.T) {
	lab := stlayer.NewLabels("j1", "j2", "l1")
	spec := stats.Spec{Kind: stats.WPH, J: 3, L: 8, Complex: true}
	var rows [][]complex128
	for b := 0; b < 3; b++ {
		rows = append(rows, nil)
	}
	for l := 0; l < 16; l++ {
		for j1 := 0; j1 < 3; j1++ {
			for j2 := j1 + 1; j2 < 3; j2++ {
				lab.Add("C01", map[string]int{"j1": j1, "j2": j2, "l1": l})
				for b := range rows {
					// phases near ±π that wrap between maps
					ph := math.Pi - 0.05 + 0.04*float64(b) + 0.01*float64(l%3)
					rows[b] = append(rows[b], cmplx.Rect(1e-3*float64(1+j1+l), ph))
				}
			}
		}
	}
	nl, nrows, _, phase := splitComplexRows(lab, rows)
	panels, err := statsDashboardPanelsLinear(nl, nrows, nil, namedGroups(nl, func(l int) string { return complexThetaName(spec, l) }), func(cl string) bool { return phase[cl] })
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range panels {
		fixComplexAxis(p, phase)
	}
	grid, w, h := statsDashboardGrid(panels)
	ov, err := plotx.GridLegendOverlaps("t", grid, w, h)
	if err != nil {
		t.Fatal(err)
	}
	var arg *plot.Plot
	for i, r := range grid {
		for j, p := range r {
			if p == nil {
				continue
			}
			if ov[i][j] != 0 || !plotx.IsLegendOutside(p) {
				t.Errorf("panel %q: outside %v, covers %d marks", p.Title.Text, plotx.IsLegendOutside(p), ov[i][j])
			}
			if n := len(legendTexts(p)); n != 16+2 {
				t.Errorf("panel %q: %d legend entries, want 16 orientations and 2 j1", p.Title.Text, n)
			}
			if strings.HasPrefix(p.Title.Text, "arg C01") {
				arg = p
			}
		}
	}
	if arg == nil {
		t.Fatal("no arg C01 panel")
	}
	if arg.Y.Min != -math.Pi || arg.Y.Max != math.Pi {
		t.Errorf("arg C01 axis [%g, %g] after layout, want [−π, π]", arg.Y.Min, arg.Y.Max)
	}
	ys := glyphYs(arg)
	if len(ys) != 16*3 {
		t.Errorf("arg C01: %d points, want 48", len(ys))
	}
	for _, y := range ys {
		if y < -math.Pi-1e-9 || y > math.Pi+1e-9 {
			t.Errorf("arg C01 point at %g, outside [−π, π]", y)
		}
	}
}

// scov.Result keeps C01 as the raw moment over √(P00·P00): the value the
// scov dashboard's S3 axis names (a check of the label against the library,
// on the first pair j1 = j2 = 0, l = 0).
func TestDashfix19ScovLabelMatchesLibrary(t *testing.T) {
	x := stripeMaps(32, 3, []float64{30})
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	sop, ref, _ := stats.SCovOp(op)
	rs, err := sop.Results(c, ref)
	if err != nil {
		t.Fatal(err)
	}
	lab := op.Labels()
	r := rs[0]
	J, L := r.J, r.L
	for _, i := range lab.Select("C01", nil) {
		j1, j2, l1, l2 := lab.Get(i, "j1"), lab.Get(i, "j2"), lab.Get(i, "l1"), lab.Get(i, "l2")
		if j1 != 0 || j2 != 0 || l1 != 0 || l2 != 0 {
			continue
		}
		raw := c.Row(0)[i]
		want := raw / complex(math.Sqrt(r.P00[j1*L+l1]*r.P00[j2*L+l2]), 0)
		if got := r.C01[((j1*J+j2)*L+l1)*L+l2]; cmplx.Abs(got-want) > 1e-9*cmplx.Abs(want) {
			t.Errorf("C01[0,0,0,0] = %v, raw/√(P00·P00) = %v", got, want)
		}
		return
	}
	t.Fatal("no C01 row at j1 = j2 = 0, l1 = l2 = 0")
}

// The cross scov dashboard's C01 ab / ba and Corr11 ab panels name their
// denominators (Cheng's normalisation of kind (fa, fb), P00 or P11) in the
// title; the y axes stay "|C01 ab|", "arg C01 ba (rad)".
func TestDashfix19CrossScovNormTitles(t *testing.T) {
	x := stripeMaps(32, 3, []float64{30})
	y := stripeMaps(32, 2, []float64{60})
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4, Cross: true}.WithDefaults(32, 32)
	crs := crossScovResults(t, cpu.New(), spec, x, y)
	for _, tc := range []struct {
		p11            bool
		ab, ba, corr11 string
	}{
		{false, "√(P00_a(j2)·P00_b(j1))", "√(P00_b(j2)·P00_a(j1))", "√(P00_a(j1)·P00_b(j2))"},
		{true, "√(P00_a(j2)·P11_b(j1,j2))", "√(P00_b(j2)·P11_a(j1,j2))", "√(P11_a(j1,j3)·P11_b(j2,j3))"},
	} {
		g, err := crossScovPlotsNorm(crs, "", "", tc.p11)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(g[1][0].Title.Text, "C01 ab iso (Δl=0) / "+tc.ab) || !strings.Contains(g[2][0].Title.Text, "C01 ba iso (Δl=0) / "+tc.ba) || !strings.Contains(g[3][0].Title.Text, "/ "+tc.corr11) {
			t.Errorf("p11=%v: titles %q / %q / %q", tc.p11, g[1][0].Title.Text, g[2][0].Title.Text, g[3][0].Title.Text)
		}
		if g[1][0].Y.Label.Text != "|C01 ab|" || g[2][1].Y.Label.Text != "arg C01 ba (rad)" {
			t.Errorf("p11=%v: axes %q, %q", tc.p11, g[1][0].Y.Label.Text, g[2][1].Y.Label.Text)
		}
	}
}
