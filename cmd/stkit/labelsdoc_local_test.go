package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// stats --kind wst --local -o x.json gave each entry a "row" and "col" that
// are grid positions, with no pixel scale or origin anywhere, and --plot
// with --local was refused with no word on how to look at the coefficients
// (it now draws localDashboard: TestStatsLocalPlotWritesPNG).
// The JSON config now has local_grid (stride_px = 2^J, origin_px, shape,
// the low-pass σ and a sentence): entry (row, col) is centred on map pixel
// origin_px + stride_px·(row, col). Checked with Gaussian spots on 64×64
// and 48×64 maps: the
// S0 entry nearest the spot by that formula is the largest (stats takes
// sides divisible by 2^J, which Kymatio pads by 2^J each side: origin 0;
// newLocalGridDoc has the general origin 2^J − (P − M)/2). The .npz's
// "coeffs" is [1, K, h, w] for one map, with the label arrays to select
// its rows.
func TestStatsLocalGridStride(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ m, n, r0, c0, origin0 int }{
		{64, 64, 29, 31, 0},
		{48, 64, 19, 45, 0},
	} {
		a := &datasets.Array{DType: "float64", Shape: []int{c.m, c.n}}
		for i := 0; i < c.m; i++ {
			for j := 0; j < c.n; j++ {
				d2 := float64((i-c.r0)*(i-c.r0) + (j-c.c0)*(j-c.c0))
				a.Float64 = append(a.Float64, math.Exp(-d2/2))
			}
		}
		mp := filepath.Join(dir, "spot.npy")
		if err := datasets.WriteNPY(mp, a); err != nil {
			t.Fatal(err)
		}
		jp := filepath.Join(dir, "l.json")
		if code, _, errs := runCLI(t, "stats", mp, "--kind", "wst", "--local", "-J", "3", "-L", "4", "-o", jp); code != 0 {
			t.Fatalf("exit %d: %s", code, tail(errs, 600))
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config struct {
				Grid *struct {
					Stride int     `json:"stride_px"`
					Origin [2]int  `json:"origin_px"`
					Shape  [2]int  `json:"shape"`
					Sigma  float64 `json:"lowpass_sigma_px"`
					Note   string  `json:"note"`
				} `json:"local_grid"`
			} `json:"config"`
			Coefficients []map[string]any `json:"coefficients"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		g := doc.Config.Grid
		if g == nil || g.Stride != 8 || g.Origin != [2]int{c.origin0, 0} || g.Sigma != 3.2 || g.Note == "" {
			t.Fatalf("%d×%d: local_grid %+v, want stride 8, origin [%d 0], σ 3.2", c.m, c.n, g, c.origin0)
		}
		best, br, bc, n := -1.0, -1, -1, 0
		for _, e := range doc.Coefficients {
			if e["class"] != "S0" {
				continue
			}
			n++
			if v := e["re"].(float64); v > best {
				best, br, bc = v, labelsdocInt(e, "row"), labelsdocInt(e, "col")
			}
		}
		if n != g.Shape[0]*g.Shape[1] {
			t.Errorf("%d S0 entries for a grid of %v", n, g.Shape)
		}
		pr, pc := g.Origin[0]+g.Stride*br, g.Origin[1]+g.Stride*bc
		if abs(pr-c.r0) > g.Stride/2 || abs(pc-c.c0) > g.Stride/2 {
			t.Errorf("%d×%d: spot at pixel (%d, %d), S0 largest at entry (%d, %d) = pixel (%d, %d) by local_grid", c.m, c.n, c.r0, c.c0, br, bc, pr, pc)
		}
	}
	mp := writeTestMap(t, dir, "m.npy", 1)
	zp := filepath.Join(dir, "x.npz")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "wst", "--local", "-J", "3", "-o", zp); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	z, err := datasets.ReadNPZ(zp)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range z {
		seen[a.Name] = true
		if a.Name == "coeffs" && (len(a.Array.Shape) != 4 || a.Array.Shape[0] != 1) {
			t.Errorf("coeffs shape %v, the recipe takes [1, K, h, w]", a.Array.Shape)
		}
	}
	for _, name := range []string{"coeffs", "label_rows", "label_columns", "label_class"} {
		if !seen[name] {
			t.Errorf("the .npz has no %q, which the recipe reads", name)
		}
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}
