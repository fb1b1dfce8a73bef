package main

import (
	"math"
	"math/cmplx"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// glyphYs returns the data y of every point p draws, once per point (its
// glyph boxes, in normalised units, mapped back through the y axis; a line
// with markers gives two boxes a point: only the markers are kept, the
// boxes wider than a line's 3 pt).
func glyphYs(p *plot.Plot) []float64 {
	var ys []float64
	_, isLog := p.Y.Scale.(plot.LogScale)
	for _, b := range p.GlyphBoxes(p) {
		if b.Rectangle.Size().X <= 3 {
			continue
		}
		y := p.Y.Min + b.Y*(p.Y.Max-p.Y.Min)
		if isLog {
			y = math.Exp(math.Log(p.Y.Min) + b.Y*(math.Log(p.Y.Max)-math.Log(p.Y.Min)))
		}
		ys = append(ys, y)
	}
	return ys
}

// flatScov is a scov result of J scales and L orientations whose P00 are
// all p00, S1 all s1, and whose C01 and C11 are all c.
func flatScov(J, L int, p00, s1 float64, c complex128) *scov.Result {
	r := &scov.Result{J: J, L: L, P00: make([]float64, J*L), S1: make([]float64, J*L),
		C01: make([]complex128, J*J*L*L), C11: make([]complex128, J*J*J*L*L*L)}
	for i := range r.P00 {
		r.P00[i], r.S1[i] = p00, s1
	}
	for i := range r.C01 {
		r.C01[i] = c
	}
	for i := range r.C11 {
		r.C11[i] = c
	}
	return r
}

// TestAniso19ScovSetMeanBand: the scov dashboard of a set drew map 0 only
// (stats DIR --kind scov --plot: the P00 panel showed the first map's
// values while the wst and wph dashboards showed the set's mean ± σ). It
// now draws the means over the maps with ±1σ bands: two maps of P00 1 and
// 3 give points at 2 and an axis reaching 2 + √2; the phases are averaged
// on the circle (π − 0.1 and −π + 0.1 give ±π, not the arithmetic 0); one
// map is drawn as before (its own values). The title of a set says what the
// lines and bands are.
func TestAniso19ScovSetMeanBand(t *testing.T) {
	const J, L = 3, 2
	a := flatScov(J, L, 1, 0.8, cmplx.Rect(0.01, math.Pi-0.1))
	b := flatScov(J, L, 3, 0.9*math.Sqrt(3), cmplx.Rect(0.03, -math.Pi+0.1))
	grid, err := scovSetPlots([]*scov.Result{a, b}, "")
	if err != nil {
		t.Fatal(err)
	}
	ys := glyphYs(grid[0][0])
	if len(ys) != J*L {
		t.Fatalf("P00 panel: %d markers, want %d", len(ys), J*L)
	}
	for _, y := range ys {
		if math.Abs(y-2) > 1e-9 {
			t.Errorf("P00 marker at %g, want the mean 2", y)
		}
	}
	if top := grid[0][0].Y.Max; top < 2+math.Sqrt2 {
		t.Errorf("P00 axis ends at %g, below the band's top 2 + √2", top)
	}
	for _, y := range glyphYs(grid[0][1]) {
		if math.Abs(y-0.85) > 1e-9 {
			t.Errorf("sparsity marker at %g, want the mean 0.85", y)
		}
	}
	for _, y := range glyphYs(grid[1][0]) {
		if math.Abs(y-0.02) > 1e-9 {
			t.Errorf("|C01| marker at %g, want the mean 0.02", y)
		}
	}
	for _, y := range append(glyphYs(grid[1][1]), glyphYs(grid[2][1])...) {
		if math.Abs(math.Abs(y)-math.Pi) > 1e-9 {
			t.Errorf("phase marker at %g, want the circular mean ±π", y)
		}
	}
	one, err := scovSetPlots([]*scov.Result{b}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range glyphYs(one[0][0]) {
		if math.Abs(y-3) > 1e-9 {
			t.Errorf("one map: P00 marker at %g, want its 3", y)
		}
	}
	if got := setBandTitle("d: scov (map 0 of 2)", 2); got != "d: scov\nlines: mean of 2 maps; bands: ±1σ over the maps" {
		t.Errorf("set title %q", got)
	}
	if got := setBandTitle("m.npy: scov", 1); got != "m.npy: scov" {
		t.Errorf("one map's title %q", got)
	}
}

// TestAniso19SpectraSetMeanBand: the spectra dashboard of a set drew map 0
// only; its log P00, log S1 markers are now the means over the maps of the
// rows (not map 0's), the title's mean/std their mean, and stats --kind
// spectra and --kind scov --plot on a two-map set run.
func TestAniso19SpectraSetMeanBand(t *testing.T) {
	x := stlayer.NewMaps(2, 32, 32)
	for b := 0; b < 2; b++ {
		f, err := datasets.LogNormalField(32, 32, -2.5, 0.8+0.4*float64(b), uint64(3+b))
		if err != nil {
			t.Fatal(err)
		}
		copy(x.Map(b), f)
	}
	spec := stats.Spec{Kind: stats.Spectra, J: 3, L: 4}.WithDefaults(32, 32)
	eng := cpu.New()
	op, err := stats.BuildWithRef(spec, eng, x)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	lab := op.Labels()
	grid, ms, msSD, err := spectraSetPlots(lab, [][]complex128{c.Row(0), c.Row(1)}, "")
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	differs := false
	for _, cl := range []string{"P00", "S1"} {
		for _, i := range lab.Select(cl, nil) {
			m := (real(c.Row(0)[i]) + real(c.Row(1)[i])) / 2
			want = append(want, m)
			differs = differs || math.Abs(m-real(c.Row(0)[i])) > 1e-6
		}
	}
	if !differs {
		t.Fatal("the two maps have the same logs: the test cannot tell mean from map 0")
	}
	ys := glyphYs(grid[0][0])
	if len(ys) != len(want) {
		t.Errorf("log panel: %d markers, want %d", len(ys), len(want))
	}
	for _, y := range ys {
		if !hasValueAbs(want, y, 1e-9) {
			t.Errorf("log panel marker at %g is not a mean over the maps of a P00 or S1 row", y)
		}
	}
	i := lab.Select("mean", nil)[0]
	m0, m1 := real(c.Row(0)[i]), real(c.Row(1)[i])
	if math.Abs(ms-(m0+m1)/2) > 1e-12 || math.Abs(msSD-math.Abs(m0-m1)/math.Sqrt2) > 1e-12 {
		t.Errorf("mean/std %g ± %g, want %g ± %g", ms, msSD, (m0+m1)/2, math.Abs(m0-m1)/math.Sqrt2)
	}
	dir := t.TempDir()
	mp := writeAnisoMaps(t, filepath.Join(dir, "set.npy"), x)
	for _, kind := range []string{"spectra", "scov"} {
		code, _, errs := runCLI(t, "stats", mp, "--kind", kind, "-J", "3", "--plot", filepath.Join(dir, kind+".png"))
		if code != 0 || !strings.Contains(errs, "wrote the dashboard") {
			t.Errorf("stats --kind %s --plot on a set: exit %d: %s", kind, code, tail(errs, 400))
		}
	}
}
