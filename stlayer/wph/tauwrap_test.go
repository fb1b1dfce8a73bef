package wph

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// On a periodic map the τ grid wraps: with DN = 1 on a 2×2 map τ = (0, 2)
// lands on τ = 0, and on 8×8 with DN = 2 the C01 shifts (0, 4) and (0, −4)
// land on one pixel, so New built models whose coefficients repeated each
// other. Such sizes are now refused with an *stlayer.ErrShape naming the two
// shifts, the largest DN that fits the size and a size that fits DN; both
// suggestions are accepted, and their coefficients of one covariance are
// pairwise distinct. Non-periodic maps (zero padding, no wrap) keep their
// own check.
func TestTauGridWrapRefused(t *testing.T) {
	reDN := regexp.MustCompile(`use DN (?:≤ (\d+)|= 0)`)
	reSize := regexp.MustCompile(`maps of (\d+)×(\d+) pixels or more for DN = (\d+)`)
	for _, tc := range []struct {
		cfg  Config
		m, n int
	}{
		{Config{J: 1, L: 2, DN: 1}, 2, 2},
		{Config{J: 1, L: 1, DN: 1, Cross: true}, 2, 2},
		{Config{J: 2, L: 4, DN: 2}, 8, 8},
		{Config{J: 2, L: 4, DN: 4}, 32, 32},
		{Config{J: 2, L: 4, DN: 3}, 4, 64},
		{Config{J: 2, L: 2, DN: 1, TauGrid: "legacy"}, 4, 4},
	} {
		name := fmt.Sprintf("J=%d L=%d DN=%d %s %d×%d", tc.cfg.J, tc.cfg.L, tc.cfg.DN, tc.cfg.TauGrid, tc.m, tc.n)
		err := testutil.Refused(t, name, func() error { _, err := New(tc.cfg, tc.m, tc.n); return err },
			fmt.Sprintf("DN = %d on a periodic %d×%d map", tc.cfg.DN, tc.m, tc.n), "wrap onto the same pixel", "duplicates")
		if err == nil {
			continue
		}
		var es *stlayer.ErrShape
		if !errors.As(err, &es) {
			t.Errorf("%s: error %T, want *stlayer.ErrShape", name, err)
		}
		md, ms := reDN.FindStringSubmatch(err.Error()), reSize.FindStringSubmatch(err.Error())
		if md == nil || ms == nil {
			t.Errorf("%s: %q names no DN or size to use", name, err)
			continue
		}
		best := 0
		if md[1] != "" {
			best, _ = strconv.Atoi(md[1])
		}
		if best >= tc.cfg.DN {
			t.Errorf("%s: suggests DN ≤ %d", name, best)
		}
		rows, _ := strconv.Atoi(ms[1])
		cols, _ := strconv.Atoi(ms[2])
		smaller := tc.cfg
		smaller.DN = best
		checkNoDuplicates(t, name+" with the suggested DN", smaller, tc.m, tc.n)
		checkNoDuplicates(t, name+" on the suggested size", tc.cfg, rows, cols)
		if best+1 < tc.cfg.DN { // best is the largest: best+1 still wraps
			next := tc.cfg
			next.DN = best + 1
			if _, err := New(next, tc.m, tc.n); err == nil {
				t.Errorf("%s: suggests DN ≤ %d but DN = %d is accepted", name, best, best+1)
			}
		}
	}
	// a 64×64 map holds DN = 4's shifts (|τ| ≤ 16 < 32): accepted, no duplicates
	checkNoDuplicates(t, "J=3 L=4 DN=4 64×64", Config{J: 3, L: 4, DN: 4}, 64, 64)
}

// checkNoDuplicates builds the operator (it must be accepted) and checks on
// a random map that no two coefficients of one covariance (same factors,
// different τ) are equal.
func checkNoDuplicates(t *testing.T, name string, cfg Config, m, n int) {
	t.Helper()
	op, err := New(cfg, m, n)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	rows := m
	if cfg.Cross {
		rows *= 2
	}
	x := stlayer.NewMaps(1, rows, n)
	rng := rand.New(rand.NewPCG(uint64(m), uint64(n)))
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, cv := range op.covs {
		for a := range cv.rows {
			for b := a + 1; b < len(cv.rows); b++ {
				if va, vb := c.Data[cv.rows[a]], c.Data[cv.rows[b]]; va == vb {
					t.Errorf("%s: coefficients %s and %s are equal (%v)", name, op.labels.String(cv.rows[a]), op.labels.String(cv.rows[b]), va)
					return
				}
			}
		}
	}
}
