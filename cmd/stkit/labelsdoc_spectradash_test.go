package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats --kind spectra --plot drew the scov dashboard (P00 per orientation,
// |C01|, |C11| of the raw moments) titled "scattering-spectra dashboard",
// not the spectra vector that --kind spectra computes. It now draws the
// spectra: log P00(j) and log S1(j), the S3 (C01) and S4 (C11) spectra at
// DCT mode 0 against a, the energy per DCT mode, and mean/std in the title.
// The points drawn are the vector's values: the log panel's points are the
// P00 and S1 rows, the energy panel's points sum to Σ v² over the C01 and
// C11 rows, the title's mean/std is the mean row.
func TestStatsSpectraPlotDrawsSpectra(t *testing.T) {
	x := stlayer.NewMaps(1, 64, 64)
	f, err := datasets.LogNormalField(64, 64, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	copy(x.Data, f)
	spec := stats.Spec{Kind: stats.Spectra, J: 3, L: 4}.WithDefaults(64, 64)
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
	grid, meanStd, err := spectraDashboardPlots(lab, row, "")
	if err != nil {
		t.Fatal(err)
	}
	if i := lab.Select("mean", nil); len(i) != 1 || meanStd != real(row[i[0]]) {
		t.Errorf("mean/std %g, want the mean row %v", meanStd, row[i[0]])
	}
	for k, want := range []string{"log P00(j), log S1(j)", "S3 spectra: C01", "S4 spectra: C11", "energy per DCT mode"} {
		if p := grid[k/2][k%2]; !strings.HasPrefix(p.Title.Text, want) {
			t.Errorf("panel %d titled %q, want %q…", k, p.Title.Text, want)
		}
	}
	var logs []float64
	for _, cl := range []string{"P00", "S1"} {
		for _, i := range lab.Select(cl, nil) {
			logs = append(logs, real(row[i]))
		}
	}
	p := grid[0][0]
	n := 0
	for _, b := range p.GlyphBoxes(p) {
		y := p.Y.Min + b.Y*(p.Y.Max-p.Y.Min)
		if !hasValueAbs(logs, y, 1e-9) {
			t.Errorf("log panel point y = %g is no P00 or S1 row", y)
		}
		n++
	}
	// each point has two glyph boxes: its line's and its marker's
	if n != 2*len(logs) {
		t.Errorf("log panel: %d glyph boxes for %d rows (2 each)", n, len(logs))
	}
	total := 0.0
	for i := range lab.Class {
		if lab.Class[i] == "C01" || lab.Class[i] == "C11" {
			total += real(row[i]) * real(row[i])
		}
	}
	p = grid[1][1]
	sum := 0.0
	for _, b := range p.GlyphBoxes(p) {
		sum += math.Exp(math.Log(p.Y.Min) + b.Y*(math.Log(p.Y.Max)-math.Log(p.Y.Min)))
	}
	if sum /= 2; math.Abs(sum-total) > 1e-9*total { // two glyph boxes a point
		t.Errorf("energy panel sums to %g, Σ v² over C01, C11 = %g", sum, total)
	}
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	png := filepath.Join(dir, "d.png")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "spectra", "-J", "3", "-L", "4", "--plot", png); code != 0 {
		t.Fatalf("--plot: exit %d: %s", code, errs)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Fatalf("no dashboard: %v", err)
	}
}

func hasValueAbs(vs []float64, v, tol float64) bool {
	for _, w := range vs {
		if math.Abs(w-v) <= tol*max(1, math.Abs(w)) {
			return true
		}
	}
	return false
}
