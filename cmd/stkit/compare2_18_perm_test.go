package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stkit-org/stkit/stlayer"
)

// compare2Coeffs returns K real coefficients of nA + nB maps, normal noise
// plus shift for the maps of A (the first nA).
func compare2Coeffs(nA, nB, K int, shift float64, seed uint64) *stlayer.Coeffs {
	rng := rand.New(rand.NewPCG(seed, 9))
	c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
	for m := range nA + nB {
		for k := range K {
			v := rng.NormFloat64()
			if m < nA {
				v += shift
			}
			c.Data[m*K+k] = complex(v, 0)
		}
	}
	return c
}

// With 2 maps against 3, only C(5,2) = 10 distinct splits exist, so an
// exact permutation p is at least 0.1, but p was (1 + count)/(1 + N) over N
// random splits drawn with replacement: 0.09 (N = 99) and 0.088 (N = 999)
// for two sets that differ, below any exact p. When the splits number at
// most N they are now all evaluated once, the observed one included, and p
// = count/C exactly (checked against compareSets of every relabelling);
// with more splits than N the random p is kept. permutationMinP is 1/C, or
// 2/C when n_A = n_B (a split and its swap give one χ²/dof).
func TestCompare2ExactPermutations(t *testing.T) {
	for _, c := range []struct{ n, k, limit, want int }{
		{5, 2, 100, 10}, {5, 3, 100, 10}, {6, 3, 100, 20}, {16, 8, 1 << 20, 12870}, {16, 8, 100, 101}, {200, 100, 1000, 1001},
	} {
		if got := splitCount(c.n, c.k, c.limit); got != c.want {
			t.Errorf("splitCount(%d, %d, %d) = %d, want %d", c.n, c.k, c.limit, got, c.want)
		}
	}
	seen := map[string]bool{}
	first := ""
	forEachSplit(5, 2, func(inA []bool) {
		s := fmt.Sprint(inA)
		if first == "" {
			first = s
		}
		n := 0
		for _, in := range inA {
			if in {
				n++
			}
		}
		if n != 2 || seen[s] {
			t.Errorf("split %s: %d in A or seen before", s, n)
		}
		seen[s] = true
	})
	if len(seen) != 10 || first != fmt.Sprint([]bool{true, true, false, false, false}) {
		t.Errorf("forEachSplit(5, 2): %d splits, first %s; want 10, the first two maps", len(seen), first)
	}
	for _, c := range []struct {
		nA, nB int
		want   float64
	}{{2, 3, 0.1}, {3, 3, 0.1}, {4, 4, 2.0 / 70}, {8, 8, 2.0 / 12870}, {100, 100, 0}} {
		if got := permutationMinP(c.nA, c.nB); got != c.want {
			t.Errorf("permutationMinP(%d, %d) = %v, want %v", c.nA, c.nB, got, c.want)
		}
	}

	// exact p against compareSets of every relabelling of the maps
	brute := func(c *stlayer.Coeffs, nA, nB int, obs float64) float64 {
		n, K := nA+nB, c.K
		count, total := 0, 0
		forEachSplit(n, nA, func(inA []bool) {
			p := &stlayer.Coeffs{B: n, K: K, H: 1, W: 1}
			for pass := range 2 {
				for m, in := range inA {
					if in == (pass == 0) {
						p.Data = append(p.Data, c.Data[m*K:(m+1)*K]...)
					}
				}
			}
			if compareSets(p, nil, nA, nB).Chi2 >= obs*(1-1e-12) {
				count++
			}
			total++
		})
		return float64(count) / float64(total)
	}
	for _, s := range []struct {
		nA, nB int
		shift  float64
	}{{2, 3, 3}, {2, 3, 0}, {3, 3, 3}, {3, 4, 0.5}} {
		c := compare2Coeffs(s.nA, s.nB, 6, s.shift, uint64(10*s.nA+s.nB))
		r := compareSets(c, nil, s.nA, s.nB)
		total := splitCount(s.nA+s.nB, s.nA, 1000)
		p, splits, exact := permutationTest(c, r, 999, 1)
		want := brute(c, s.nA, s.nB, r.Chi2)
		if !exact || splits != total || p != want || p < permutationMinP(s.nA, s.nB) {
			t.Errorf("%d vs %d, shift %g: p %v over %d splits (exact %v), want %v exactly over %d (min %v)", s.nA, s.nB, s.shift, p, splits, exact, want, total, permutationMinP(s.nA, s.nB))
		}
		if s.shift == 3 && p != permutationMinP(s.nA, s.nB) {
			t.Errorf("%d vs %d, sets apart: p %v, want the least, %v", s.nA, s.nB, p, permutationMinP(s.nA, s.nB))
		}
		// fewer permutations than splits: the random p, over N of them
		if p, splits, exact := permutationTest(c, r, total-1, 1); exact || splits != total-1 || p < 1.0/float64(total) {
			t.Errorf("%d vs %d, N = %d < %d splits: p %v over %d (exact %v), want random over N", s.nA, s.nB, total-1, total, p, splits, exact)
		}
	}

	// the CLI: 2 against 3 maps warns, enumerates the 10 splits, says so
	root := t.TempDir()
	a, b, a5, b5 := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "a5"), filepath.Join(root, "b5")
	writeGRFSet(t, a, 2, 91, 1)
	writeGRFSet(t, b, 3, 95, 2)
	code, out, errs, doc := compare18Run(t, a, "--compare", b, "--kind", "wst", "-J", "2", "--permutations", "99")
	if code != 0 {
		t.Fatalf("2 vs 3: exit %d: %s", code, errs)
	}
	for _, w := range []string{"warning: the 5 maps (2 of A, 3 of B) have only C(5,2) = 10 distinct splits into sets of 2 and 3: the permutation p cannot be below 0.1;"} {
		if !strings.Contains(errs, w) {
			t.Errorf("2 vs 3: stderr lacks %q:\n%s", w, errs)
		}
	}
	if !strings.Contains(out, "permutation test: p = 0.1, exact (the share of all 10 distinct splits of the 5 maps into 2 and 3, the observed one included") {
		t.Errorf("2 vs 3, doubled amplitude: want the exact p = 0.1 over the 10 splits:\n%s", out)
	}
	if doc["permutations"] != 10.0 || doc["permutations_exact"] != true || doc["p_permutation"] != 0.1 || doc["p_permutation_min"] != 0.1 {
		t.Errorf("2 vs 3 JSON: permutations %v exact %v p %v min %v; want 10, true, 0.1, 0.1", doc["permutations"], doc["permutations_exact"], doc["p_permutation"], doc["p_permutation_min"])
	}
	// 5 against 5: 252 splits, least p 2/252 = 0.0079: no warning; with
	// N = 99 < 252, random splits
	writeGRFSet(t, a5, 5, 101, 1)
	writeGRFSet(t, b5, 5, 111, 1)
	code, out, errs, doc = compare18Run(t, a5, "--compare", b5, "--kind", "wst", "-J", "2", "--permutations", "99")
	if code != 0 {
		t.Fatalf("5 vs 5: exit %d: %s", code, errs)
	}
	if strings.Contains(errs, "distinct splits") || doc["permutations_exact"] != nil || doc["permutations"] != 99.0 || !strings.Contains(out, "(χ²/dof of 99 random splits of the 10 maps into 5 and 5") {
		t.Errorf("5 vs 5, N = 99: want random splits and no warning; exact %v, permutations %v:\n%s\n%s", doc["permutations_exact"], doc["permutations"], out, errs)
	}
}

// The plot's title gives an exact permutation p as "(all N splits)". A
// second line over compareTitleMax runes was cut in its middle: "χ²/dof =
// 1.23e+03 over 1401 dof (diagonal: coefficients correlated); permutation
// p = 0.001 (999 splits)", 103 runes, lost "coefficients…lated"; such a
// line now says "(diagonal summary)" instead.
func TestCompare2TitleExactP(t *testing.T) {
	a := statsInput{flag: "MAP", arg: "a2", set: &mapSet{Folder: "/x/a2", Maps: &stlayer.Maps{B: 2, M: 32, N: 32}}}
	b := statsInput{flag: "--compare", arg: "e3", set: &mapSet{Folder: "/x/e3", Maps: &stlayer.Maps{B: 3, M: 32, N: 32}}}
	for _, c := range []struct {
		r    compareResult
		want string
	}{
		{compareResult{Chi2: 192, Dof: 174, Perms: 10, PermP: 0.1, PermExact: true}, "χ²/dof = 192 over 174 dof (diagonal: coefficients correlated); permutation p = 0.1 (all 10 splits)"},
		{compareResult{Chi2: 1234, Dof: 1401, Perms: 70, PermP: 0.0286, PermExact: true}, "χ²/dof = 1.23e+03 over 1401 dof (diagonal summary); permutation p = 0.0286 (all 70 splits)"},
		{compareResult{Chi2: 1.5, Dof: 216, Perms: 999, PermP: 0.031}, "χ²/dof = 1.5 over 216 dof (diagonal: coefficients correlated); permutation p = 0.031 (999 splits)"},
		{compareResult{Chi2: 1234, Dof: 1401, Perms: 999, PermP: 0.001}, "χ²/dof = 1.23e+03 over 1401 dof (diagonal summary); permutation p = 0.001 (999 splits)"},
	} {
		lines := strings.Split(compareTitle(a, b, c.r), "\n")
		if len(lines) != 2 || lines[1] != c.want || utf8.RuneCountInString(lines[1]) > compareTitleMax {
			t.Errorf("title %q, want second line %q (≤ %d runes)", lines, c.want, compareTitleMax)
		}
	}
}
