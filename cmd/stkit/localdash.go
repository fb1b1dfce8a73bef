package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// localDashboard draws stats --plot for the local WST (--kind wst --local)
// of the first map x (M×N = m×n, row-major): two rows of map panels,
//
//   - row 1: the map and, for each scale j1 = 0…J−1, the h×w map of
//     S1(j1) = mean over l1 of S1(j1, l1) (localS1Maps), each on its own
//     colour scale (the 0.5% quantiles for the map, min–max for S1);
//   - row 2: for each orientation l = 0…L−1 (θ_l in the Morlet convention
//     of thetaLabel, named in the title by orientationAxisNote), the share
//     of S1 at l, mean over j1 of S1(j1, l)/Σ_l' S1(j1, l'), all L panels
//     on one colour scale: 1/L where the field is isotropic, larger where
//     the structures run perpendicular to θ_l (θ_l is the wave vector's
//     direction).
//
// The coefficient maps are h×w = c.H×c.W grids whose entry (row, col) is
// centred on map pixel origin + stride·(row, col), stride = 2^J
// (newLocalGridDoc, the JSON's config.local_grid); the title's second line
// says so. unit (the map's FITS BUNIT, "" when unknown) is named in the
// titles of the map and of S1 ("the map [MJy/sr]", "S1(j1=0) [MJy/sr]":
// the Morlet wavelets and the low-pass are dimensionless, so S1 has the
// map's unit, statsClassUnit); the shares are ratios, without unit. title heads the figure (the input
// and the statistic, as the other dashboards).
func localDashboard(path, title, unit string, spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, x []float64, m, n int) error {
	grid, flat, err := localDashboardPlots(spec, lab, c, x, m, n, unit)
	if err != nil {
		return err
	}
	g := newLocalGridDoc(spec, m, n, c.H, c.W)
	head := fmt.Sprintf("local WST of one map: %d×%d grid, entry (row, col) centred on map pixel (%d + %d·row, %d + %d·col), Gaussian window σ = %g px\n%s",
		c.H, c.W, g.OriginPx[0], g.StridePx, g.OriginPx[1], g.StridePx, g.LowpassSigmaPx, orientationAxisNote(spec))
	if flat > 0 {
		head += fmt.Sprintf("; magenta: %d of %d cells where S1 is below %g of its maximum at every scale (no orientation)", flat, c.H*c.W, localShareFloor)
	}
	if title != "" {
		head = title + "\n" + head
	}
	cols := len(grid[0])
	return plotx.SaveGridTitled(path, head, grid, vg.Length(cols)*3*vg.Inch, 2*2.9*vg.Inch+0.9*vg.Inch)
}

// localDashboardPlots builds localDashboard's two rows of panels,
// max(J+1, L) columns (nil panels fill the shorter row); the data of each
// panel is localS1Maps'. flat counts the cells without an orientation
// share (NaN, drawn magenta).
func localDashboardPlots(spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, x []float64, m, n int, unit string) (grid [][]*plot.Plot, flat int, err error) {
	if len(x) != m*n || m < 1 || n < 1 {
		return nil, 0, fmt.Errorf("local dashboard: the map has %d values, want %d×%d", len(x), m, n)
	}
	byJ, share, err := localS1Maps(spec, lab, c)
	if err != nil {
		return nil, 0, err
	}
	for _, v := range share[0] {
		if math.IsNaN(v) {
			flat++
		}
	}
	J, L := spec.J, spec.L
	cols := max(J+1, L)
	grid = [][]*plot.Plot{make([]*plot.Plot, cols), make([]*plot.Plot, cols)}
	// the unit goes in the titles: plotx's BarLabel stands in the gap
	// between panels, where it reads as the next panel's label
	mapUnit := ""
	if unit != "" {
		mapUnit = " [" + unit + "]"
	}
	s1Unit := statsClassUnit(spec, "S1", unit)
	lo, hi := plotx.Range(x, 0.005)
	grid[0][0] = plotx.MapPanel(fmt.Sprintf("the map%s\n(%d×%d pixels)", mapUnit, m, n), x, m, n, lo, hi, plotx.MapOptions{})
	for j := 0; j < J; j++ {
		lo, hi := plotx.Range(byJ[j], 0)
		grid[0][j+1] = plotx.MapPanel(fmt.Sprintf("S1(j1=%d)%s, mean over l1\n(%d×%d grid, stride %d px)", j, s1Unit, c.H, c.W, 1<<J), byJ[j], c.H, c.W, lo, hi, plotx.MapOptions{})
	}
	var all []float64
	for _, s := range share {
		all = append(all, s...)
	}
	lo, hi = plotx.Range(all, 0)
	for l := 0; l < L; l++ {
		grid[1][l] = plotx.MapPanel(fmt.Sprintf("share of S1 at %s\n(mean over j1; 1/L = %.3g if isotropic)", thetaLabel(spec, "l", l), 1/float64(L)), share[l], c.H, c.W, lo, hi, plotx.MapOptions{})
	}
	return grid, flat, nil
}

// localS1Maps returns, from the local WST coefficients c of the first map
// (c.Row(0): K channels of c.H×c.W real values, entry p = row·c.W + col;
// lab the label table, whose S1 rows carry j1 and l1), the h×w maps
//
//	byJ[j1][p]  = (1/L) Σ_l S1(j1, l)[p]
//	share[l][p] = (1/n_p) Σ_{j1 ∈ U_p} S1⁺(j1, l)[p] / Σ_l' S1⁺(j1, l')[p]
//
// S1⁺ = max(S1, 0): S1 is a low-passed modulus, ≥ 0, but Kymatio's
// low-pass (a cropped, periodised Gaussian) leaves values down to about
// −1e-4 of the scale's maximum where the map is flat. U_p holds the scales
// whose Σ_l' S1⁺(j1, l')[p] exceeds localShareFloor times that sum's
// maximum over the grid (elsewhere the ratio is one of rounding noise: on
// a blob it reached 1.38 and −0.51) and n_p = |U_p|; where U_p is empty
// (no structure at any scale, e.g. a constant map) share is NaN, which
// the panels draw magenta. Σ_l share[l][p] = 1 elsewhere. It fails when an
// S1(j1, l1) channel with j1 < spec.J, l1 < spec.L is missing.
func localS1Maps(spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs) (byJ, share [][]float64, err error) {
	J, L := spec.J, spec.L
	if c == nil || lab == nil || J < 1 || L < 1 || c.H*c.W < 1 || c.B < 1 || len(c.Data) < c.PerMap() {
		return nil, nil, fmt.Errorf("no local coefficients to plot")
	}
	hw := c.H * c.W
	row := c.Row(0)
	s1 := make([][][]float64, J) // [j][l][pixel]
	for j := range s1 {
		s1[j] = make([][]float64, L)
	}
	for _, k := range lab.Select("S1", nil) {
		j, l := lab.Get(k, "j1"), lab.Get(k, "l1")
		if j < 0 || j >= J || l < 0 || l >= L || (k+1)*hw > len(row) {
			continue
		}
		v := make([]float64, hw)
		for p := range v {
			v[p] = real(row[k*hw+p])
		}
		s1[j][l] = v
	}
	byJ = make([][]float64, J)
	share = make([][]float64, L)
	for l := range share {
		share[l] = make([]float64, hw)
	}
	used := make([]int, hw)
	sum := make([]float64, hw)
	for j := 0; j < J; j++ {
		byJ[j] = make([]float64, hw)
		for l := 0; l < L; l++ {
			if s1[j][l] == nil {
				return nil, nil, fmt.Errorf("local WST: no S1(j1=%d, l1=%d) coefficients", j, l)
			}
		}
		top := 0.0
		for p := 0; p < hw; p++ {
			sum[p] = 0
			for l := 0; l < L; l++ {
				byJ[j][p] += s1[j][l][p] / float64(L)
				sum[p] += max(s1[j][l][p], 0)
			}
			top = max(top, sum[p])
		}
		for p := 0; p < hw; p++ {
			if top > 0 && sum[p] > localShareFloor*top {
				used[p]++
				for l := 0; l < L; l++ {
					share[l][p] += max(s1[j][l][p], 0) / sum[p]
				}
			}
		}
	}
	for p, u := range used {
		for l := range share {
			if u > 0 {
				share[l][p] /= float64(u)
			} else {
				share[l][p] = math.NaN()
			}
		}
	}
	return byJ, share, nil
}

// localShareFloor is the fraction of a scale's largest Σ_l S1(j1, l) below
// which localS1Maps leaves that scale out of a cell's orientation share.
const localShareFloor = 1e-3
