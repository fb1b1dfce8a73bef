package wph

import (
	"testing"
)

// On PyWPH 1.1's "legacy" τ grid (radius 3n·2^j) load_model's get_dn_eff
// limits the radial steps of S11 and S00 to n ≤ min(DN, J−1−j1) and of C01
// (l1 = l2) to n ≤ min(DN, J−1−j2), as Cphase always is; the exp grid keeps
// every n ≤ DN. New built every n ≤ DN for S11, S00 and C01 on the legacy
// grid too, i.e. coefficients PyWPH does not have (and a vector in another
// order). The counts below are summed by hand from those ranges: J = 4,
// L = 4, A = 4, DN = 2, all scale pairs, DL = 2.
func TestLegacyGridRadialRange(t *testing.T) {
	const J, L, A, DN = 4, 4, 4, 2
	count := func(legacy bool) map[string]int {
		c := map[string]int{}
		eff := func(j int) int {
			if legacy {
				return min(DN, J-1-j)
			}
			return DN
		}
		for j1 := 0; j1 < J; j1++ {
			c["S11"] += L * (1 + eff(j1)*A)
			c["S00"] += L * (1 + eff(j1)*A)
			c["S01"] += L
			for j2 := j1 + 1; j2 < J; j2++ {
				c["C01"] += L * ((L - 1) + 1 + eff(j2)*2*A)
				c["Cphase"] += L * (1 + min(DN, J-1-j2)*2*A)
			}
		}
		c["L"] = 3 * 3 // j = −1, 0, 1 (⌊J/4⌋ = 1) × 3 (p1, p2)
		return c
	}
	for _, grid := range []string{"exp", "legacy"} {
		cfg := DefaultConfig()
		cfg.J, cfg.L, cfg.DN, cfg.TauGrid = J, L, DN, grid
		op, err := New(cfg, 128, 128)
		if err != nil {
			t.Fatal(err)
		}
		want := count(grid == "legacy")
		got := map[string]int{}
		lab := op.Labels()
		for i := 0; i < lab.Len(); i++ {
			got[lab.Class[i]]++
		}
		total := 0
		for cl, n := range want {
			total += n
			if got[cl] != n {
				t.Errorf("%s grid: %d %s coefficients, want %d", grid, got[cl], cl, n)
			}
		}
		if op.NumCoeffs() != total {
			t.Errorf("%s grid: %d coefficients, want %d", grid, op.NumCoeffs(), total)
		}
		// The largest n of S11 at the coarsest scale and of C01 with j2 = J−1.
		maxN := map[string]int{}
		for _, m := range op.Moments() {
			if (m.Class == "S11" && m.J1 == J-1) || (m.Class == "C01" && m.J2 == J-1) {
				maxN[m.Class] = max(maxN[m.Class], m.N)
			}
		}
		wantN := DN
		if grid == "legacy" {
			wantN = 0
		}
		if maxN["S11"] != wantN || maxN["C01"] != wantN {
			t.Errorf("%s grid: largest n at j = J−1: S11 %d, C01 %d, want %d", grid, maxN["S11"], maxN["C01"], wantN)
		}
		t.Logf("%s grid: %d coefficients %v", grid, total, want)
	}
}
