package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// localplotWST returns the local WST (J = 3, L = 4) of the one map x.
func localplotWST(t *testing.T, x *stlayer.Maps) (stats.Spec, stats.Op, *stlayer.Coeffs) {
	t.Helper()
	spec := stats.Spec{Kind: stats.WST, J: 3, L: 4, Local: true}.WithDefaults(x.M, x.N)
	eng := cpu.New()
	op, err := stats.BuildWithRef(spec, eng, x)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	return spec, op, c
}

// nearestTheta is the orientation l whose θ_l (thetaDeg, degrees modulo
// 180°) is nearest target.
func nearestTheta(spec stats.Spec, target float64) int {
	best, bd := -1, math.Inf(1)
	for l, th := range thetaDeg(spec) {
		d := math.Mod(math.Abs(th-target), 180)
		if d = min(d, 180-d); d < bd {
			best, bd = l, d
		}
	}
	return best
}

// The local dashboard's orientation-share panels (localS1Maps' share) on a
// 64×64 map of horizontal stripes (x = cos(2π·i/6), i the row index) in its
// left half and vertical stripes (cos(2π·j/6)) in its right half: with
// the Morlet convention (θ_l the wave vector's direction from the row
// axis), horizontal stripes are at θ = 0° and vertical ones at θ = ±90°.
// In the grid columns whose centres lie 8 pixels or more from the seam,
// the share at θ = 0° dominates on the left and the share at 90° on the
// right (each above 0.5 where isotropy gives 1/L = 0.25); the shares sum
// to 1 in every cell.
func TestLocalS1MapsStripeOrientation(t *testing.T) {
	const m, n = 64, 64
	x := stlayer.NewMaps(1, m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if j < n/2 {
				x.Data[i*n+j] = math.Cos(2 * math.Pi * float64(i) / 6)
			} else {
				x.Data[i*n+j] = math.Cos(2 * math.Pi * float64(j) / 6)
			}
		}
	}
	spec, op, c := localplotWST(t, x)
	byJ, share, err := localS1Maps(spec, op.Labels(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(byJ) != spec.J || len(share) != spec.L {
		t.Fatalf("%d S1 maps and %d share maps, want J = %d and L = %d", len(byJ), len(share), spec.J, spec.L)
	}
	lh, lv := nearestTheta(spec, 0), nearestTheta(spec, 90)
	if th := thetaDeg(spec); th[lh] != 0 || math.Abs(th[lv]) != 90 {
		t.Fatalf("θ = %v: no orientation at 0° and ±90°", th)
	}
	g := newLocalGridDoc(spec, m, n, c.H, c.W)
	var left, right int
	for r := 0; r < c.H; r++ {
		for col := 0; col < c.W; col++ {
			p := r*c.W + col
			sum := 0.0
			for l := range share {
				sum += share[l][p]
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("cell (%d, %d): shares sum to %g, want 1", r, col, sum)
			}
			px := g.OriginPx[1] + g.StridePx*col
			h, v := share[lh][p], share[lv][p]
			switch {
			case px <= n/2-8:
				left++
				if !(h > 0.5 && v < 0.1) {
					t.Errorf("left half, cell (%d, %d) at column %d: share %.3f at θ=0°, %.3f at θ=90°; want horizontal stripes at θ=0°", r, col, px, h, v)
				}
			case px >= n/2+8:
				right++
				if !(v > 0.5 && h < 0.1) {
					t.Errorf("right half, cell (%d, %d) at column %d: share %.3f at θ=0°, %.3f at θ=90°; want vertical stripes at θ=90°", r, col, px, h, v)
				}
			}
		}
	}
	if left == 0 || right == 0 {
		t.Fatalf("%d left and %d right cells checked on the %d×%d grid", left, right, c.H, c.W)
	}
	// the panels draw these maps under θ labels of the same convention
	grid, flat, err := localDashboardPlots(spec, op.Labels(), c, x.Map(0), m, n, "")
	if err != nil {
		t.Fatal(err)
	}
	if flat != 0 {
		t.Errorf("%d cells without orientation share on stripes", flat)
	}
	if got := grid[1][lh].Title.Text; !strings.HasPrefix(got, "share of S1 at l=1 (θ=0°)") {
		t.Errorf("share panel %d titled %q", lh, got)
	}
	if got := grid[1][lv].Title.Text; !strings.HasPrefix(got, "share of S1 at l=3 (θ=-90°)") {
		t.Errorf("share panel %d titled %q", lv, got)
	}
}

// A Gaussian blob (σ = 2 px) at pixel (37, 21) of a 64×64 map: for every
// scale j1, the S1 map (mean over l1) is largest at the grid cell whose
// centre (newLocalGridDoc: origin + 8·(row, col)) is nearest the blob,
// (5, 3) at pixel (40, 24). The dashboard of it is written with the unit
// on the colour bars.
func TestLocalS1MapsBlobCell(t *testing.T) {
	const m, n, r0, c0 = 64, 64, 37, 21
	x := stlayer.NewMaps(1, m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			d2 := float64((i-r0)*(i-r0) + (j-c0)*(j-c0))
			x.Data[i*n+j] = math.Exp(-d2 / 8)
		}
	}
	spec, op, c := localplotWST(t, x)
	byJ, share, err := localS1Maps(spec, op.Labels(), c)
	if err != nil {
		t.Fatal(err)
	}
	// far from the blob S1 is rounding noise (down to −4e-6 at j1 = 2, the
	// maximum 0.062): the shares stay in [0, 1] and sum to 1, or are NaN
	// (no structure) in every l
	nan := 0
	for p := 0; p < c.H*c.W; p++ {
		sum, nl := 0.0, 0
		for l := range share {
			v := share[l][p]
			if math.IsNaN(v) {
				nl++
				continue
			}
			if v < 0 || v > 1 {
				t.Errorf("cell %d: share[%d] = %g, outside [0, 1]", p, l, v)
			}
			sum += v
		}
		switch {
		case nl == len(share):
			nan++
		case nl > 0 || math.Abs(sum-1) > 1e-9:
			t.Errorf("cell %d: %d NaN shares, sum %g", p, nl, sum)
		}
	}
	if far := share[0][0*c.W+7]; !math.IsNaN(far) {
		t.Errorf("cell (0, 7), 40 pixels from the blob: share %g, want NaN (no structure)", far)
	}
	for _, d := range [][2]int{{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		if v := share[0][(5+d[0])*c.W+3+d[1]]; math.IsNaN(v) {
			t.Errorf("cell (%d, %d) next to the blob has no orientation share", 5+d[0], 3+d[1])
		}
	}
	g := newLocalGridDoc(spec, m, n, c.H, c.W)
	wr, wc, bd := -1, -1, math.Inf(1)
	for r := 0; r < c.H; r++ {
		for col := 0; col < c.W; col++ {
			dr, dc := float64(g.OriginPx[0]+g.StridePx*r-r0), float64(g.OriginPx[1]+g.StridePx*col-c0)
			if d := math.Hypot(dr, dc); d < bd {
				wr, wc, bd = r, col, d
			}
		}
	}
	if wr != 5 || wc != 3 {
		t.Fatalf("nearest cell (%d, %d), want (5, 3)", wr, wc)
	}
	for j, s := range byJ {
		best := 0
		for p := range s {
			if s[p] > s[best] {
				best = p
			}
		}
		if best != wr*c.W+wc {
			t.Errorf("S1(j1=%d) largest at cell (%d, %d) (%.4g), want (%d, %d) (%.4g)", j, best/c.W, best%c.W, s[best], wr, wc, s[wr*c.W+wc])
		}
	}
	dir := t.TempDir()
	png := filepath.Join(dir, "blob.png")
	grid, flat, err := localDashboardPlots(spec, op.Labels(), c, x.Map(0), m, n, "MJy/sr")
	if err != nil {
		t.Fatal(err)
	}
	if flat != nan {
		t.Errorf("the dashboard counts %d flat cells, localS1Maps has %d", flat, nan)
	}
	if got := grid[0][0].Title.Text; !strings.HasPrefix(got, "the map [MJy/sr]\n") {
		t.Errorf("panel (0, 0) titled %q, want the unit", got)
	}
	if got := grid[0][1].Title.Text; !strings.HasPrefix(got, "S1(j1=0) [MJy/sr], mean over l1") {
		t.Errorf("panel (0, 1) titled %q, want the unit", got)
	}
	if got := grid[1][0].Title.Text; strings.Contains(got, "MJy") {
		t.Errorf("share panel titled %q: a ratio has no unit", got)
	}
	if err := dashboard(png, "blob.npy: "+spec.String(), "MJy/sr", spec, op, c, cpu.New(), x); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("no dashboard: %v", err)
	}
}

// localS1Maps refuses a label table without S1 (a global statistic's
// coefficients or another family) with a message naming the missing channel.
func TestLocalS1MapsNeedsS1(t *testing.T) {
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 2, Local: true}
	lab := stlayer.NewLabels("j1", "l1")
	lab.Add("S0", nil)
	c := &stlayer.Coeffs{B: 1, K: 1, H: 2, W: 2, Data: make([]complex128, 4)}
	if _, _, err := localS1Maps(spec, lab, c); err == nil || !strings.Contains(err.Error(), "no S1(j1=0, l1=0)") {
		t.Errorf("err %v, want no S1(j1=0, l1=0)", err)
	}
}
