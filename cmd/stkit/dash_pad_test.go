package main

import (
	"math"
	"math/cmplx"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/stkit-org/stkit/stlayer/scov"
)

// Markers at the ends of the dashboards' axes (the S4 scatter panels, the
// first and last scale) and of the clusters' latent PCA plot were drawn
// centred on the axis ends, half cut off. padAxes now leaves dashPad of the
// span (of its logarithm on a log axis) on each side.
func TestDashboardAxesPadded(t *testing.T) {
	const J, L = 4, 2
	r := &scov.Result{J: J, L: L, P00: make([]float64, J*L), S1: make([]float64, J*L),
		C01: make([]complex128, J*J*L*L), C11: make([]complex128, J*J*J*L*L*L)}
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			r.P00[j*L+l] = math.Pow(2, float64(-j))
			r.S1[j*L+l] = 0.8 * math.Sqrt(r.P00[j*L+l])
		}
	}
	for i := range r.C01 {
		r.C01[i] = cmplx.Rect(0.1*float64(1+i%5), 0.3*float64(i%3-1))
	}
	for i := range r.C11 {
		r.C11[i] = cmplx.Rect(0.01*float64(1+i%7), 0.5*float64(i%5-2))
	}
	grid, err := scovDashboardPlots(r)
	if err != nil {
		t.Fatal(err)
	}
	// S4 modulus: x from j3 − j1 = 1 (j1 = 0) to 3; y within [0.01, 0.07]
	m4 := grid[2][0]
	if m4.X.Min >= 1-0.05 || m4.X.Max <= 3+0.05 {
		t.Errorf("S4 x axis [%g, %g] leaves no margin around the points at 1 and 3", m4.X.Min, m4.X.Max)
	}
	// every panel: all points strictly inside, with at least dashPad·span/2 to spare
	for ri, row := range grid {
		for ci, p := range row {
			checkInside(t, p, ri, ci)
		}
	}
	// PCA plot: corner points inside the padded range
	dir := t.TempDir()
	pc := [][2]float64{{-2, -1}, {3, 4}, {0.5, 0.2}}
	if err := plotPCA(filepath.Join(dir, "pca.png"), pc, [2]float64{0.6, 0.3}, []int{0, 1, 1}, 2, nil, nil); err != nil {
		t.Fatal(err)
	}
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -2, 3, -1, 4
	padAxes(p)
	if want := [4]float64{-2.25, 3.25, -1.25, 4.25}; math.Abs(p.X.Min-want[0]) > 1e-12 || math.Abs(p.X.Max-want[1]) > 1e-12 ||
		math.Abs(p.Y.Min-want[2]) > 1e-12 || math.Abs(p.Y.Max-want[3]) > 1e-12 {
		t.Errorf("padAxes on [-2,3]×[-1,4] gave [%g,%g]×[%g,%g], want %v", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, want)
	}
	// a log axis is widened by a factor: [1e-3, 1e1] → [1e-3.2, 1e1.2]
	p = plot.New()
	p.Y.Min, p.Y.Max, p.Y.Scale = 1e-3, 10, plot.LogScale{}
	padAxes(p)
	if math.Abs(math.Log10(p.Y.Min)+3.2) > 1e-9 || math.Abs(math.Log10(p.Y.Max)-1.2) > 1e-9 {
		t.Errorf("log axis [1e-3, 10] padded to [%g, %g], want [10^-3.2, 10^1.2]", p.Y.Min, p.Y.Max)
	}
}

// checkInside asserts that every marker of p (its glyph boxes, in axis
// units normalised to [0, 1]) lies at least 0.04 from the axis ends
// (dashPad/(1+2·dashPad) ≈ 0.045 for the extreme points).
func checkInside(t *testing.T, p *plot.Plot, ri, ci int) {
	t.Helper()
	boxes := p.GlyphBoxes(p)
	if len(boxes) == 0 {
		t.Errorf("panel %d,%d %q: no markers", ri, ci, p.Title.Text)
	}
	for _, b := range boxes {
		if b.X < 0.04 || b.X > 0.96 || b.Y < 0.04 || b.Y > 0.96 {
			t.Errorf("panel %d,%d %q: a marker at (%.3f, %.3f) of the axes (x [%g, %g], y [%g, %g]) is at an edge",
				ri, ci, p.Title.Text, b.X, b.Y, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
			return
		}
	}
}

// stkit demo --kind wst drew scov dashboards whose title named only the
// file and the spec: the figure now says on a second line that it is the
// scattering-spectra (scov) view, whatever features the run used.
func TestScovDashboardTitleNamesView(t *testing.T) {
	got := scovDashboardTitle("example_gaussian.npy: scov J=4 L=4")
	want := "example_gaussian.npy: scov J=4 L=4\nscattering-spectra dashboard (scov statistics of one map: P00, S1, C01, C11)"
	if got != want {
		t.Errorf("title %q, want %q", got, want)
	}
}

// The dashboards' linear axes (phases, sparsity, Re of a class, the PCA
// plot) had gonum's default labels with trailing zeros ("0.00", "0.25",
// "0.50" on S4's phase axis); padAxes gives them plotx.LinearTicks.
func TestDashboardLinearTickLabels(t *testing.T) {
	p := plot.New()
	p.Y.Min, p.Y.Max = -0.03, 0.53
	padAxes(p)
	var labels []string
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got, want := strings.Join(labels, " "), "0 0.2 0.4"; got != want {
		t.Errorf("labels on [%g, %g]: %q, want %q", p.Y.Min, p.Y.Max, got, want)
	}
}
