package main

import (
	"strings"
	"testing"
)

// The default permutation test runs when dof × maps × splits ≤ 3·10⁸
// (cosmo2's 20 maps of scov, 7554 dof: 1000 splits, 0.6 s), not beyond.
func TestCmpset19AutoPerms(t *testing.T) {
	for _, c := range []struct {
		nA, nB, dof int
		paired      bool
		want        int
	}{
		{10, 10, 7554, false, 1000},
		{50, 50, 7554, false, 0},
		{3, 3, 100000, false, 1000}, // 20 splits
		{4, 4, 1e6, true, 1000},     // 16 sign patterns
		{10, 10, 20000, true, 0},
	} {
		r := compareResult{NA: c.nA, NB: c.nB, Dof: c.dof}
		if got := autoPerms19(r, c.paired); got != c.want {
			t.Errorf("%+v: %d splits, want %d", c, got, c.want)
		}
	}
	// too costly: no test, and the closing note says χ²/dof is none
	r := compareResult{NA: 50, NB: 50, Dof: 7554}
	var x compareExtra19
	comparePerms19(nil, &r, &x, 0, &compareOpts19{}, func(string) { t.Error("warned") })
	if r.Perms != 0 || !strings.Contains(caveat19(x), "NOT A TEST") || !strings.Contains(caveat19(x), "--permutations 1000") {
		t.Errorf("perms %d, note %q", r.Perms, caveat19(x))
	}
	if caveat19(compareExtra19{}) != compareCaveat {
		t.Error("caveat without NoTest")
	}
}
