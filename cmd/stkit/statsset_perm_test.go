package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// χ²/dof of correlated coefficients is not calibrated; --permutations is.
// With K = 20 coefficients that are one normal variable per map plus a
// little independent noise (almost perfectly correlated), 8 vs 8 maps of
// one process: χ²/dof spreads like one z², not a χ² of 20 dof (measured:
// 79 of 300 replicates, 26%, above 1.5, where a χ²₂₀/20 is above 1.5 in
// 7.5%; asserted > 15%), while the share of permutation p-values ≤ 0.1
// stays near 0.1 (measured 25 of 300, 0.083; band 0.05–0.16).
func TestStatsComparePermutationCalibrated(t *testing.T) {
	const nA, nB, K, reps, perms = 8, 8, 20, 300, 199
	rng := rand.New(rand.NewPCG(7, 11))
	low, big := 0, 0
	for range reps {
		c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
		for m := range nA + nB {
			common := rng.NormFloat64()
			for k := range K {
				c.Data[m*K+k] = complex(common+0.05*rng.NormFloat64(), 0)
			}
		}
		r := compareSets(c, nil, nA, nB)
		if r.Dof != K {
			t.Fatalf("dof %d, want %d", r.Dof, K)
		}
		if r.Chi2 > 1.5 {
			big++
		}
		p := permutationP(c, r, perms, rng.Uint64())
		if p < 1.0/(perms+1) || p > 1 {
			t.Fatalf("p = %v outside [1/(N+1), 1]", p)
		}
		if p <= 0.1 {
			low++
		}
	}
	if share := float64(low) / reps; share < 0.05 || share > 0.16 {
		t.Errorf("one process: share of p ≤ 0.1 = %.3f, want ≈ 0.1 (0.05–0.16)", share)
	}
	if share := float64(big) / reps; share < 0.15 {
		t.Errorf("share of χ²/dof > 1.5 = %.3f: the correlated coefficients were expected to spread it (> 0.15)", share)
	}
}

// Two sets that differ get the smallest p, 1/(N+1); --permutations
// without --compare, or negative, is refused.
func TestStatsComparePermutationCLI(t *testing.T) {
	root := t.TempDir()
	a, d := root+"/a", root+"/d"
	writeGRFSet(t, a, 8, 100, 1)
	writeGRFSet(t, d, 8, 500, 2)
	code, out, errs := runCLI(t, "stats", a, "--compare", d, "--kind", "wst", "-J", "3", "--permutations", "99")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "permutation test: p = 0.01 (χ²/dof of 99 random splits of the 16 maps into 8 and 8") {
		t.Errorf("doubled amplitude: want p = 1/100:\n%s", out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{a, "--permutations", "10"}, "--permutations 10 applies to --compare"},
		{[]string{a, "--compare", d, "--permutations", "-1"}, "permutations"},
	} {
		code, _, errs := runCLI(t, append(append([]string{"stats"}, c.args...), "-J", "2")...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", c.args, code, c.want, errs)
		}
	}
}

// Real moments computed in complex arithmetic carry round-off imaginary
// parts (scov C11 with l1 = l2 at J=3 on 32² GRFs: |im| ~ 1e-21 beside re ~
// 1e-3, 96 of scov's 736 coefficients with non-zero im); comparing them
// added 96 parts of pure round-off to the dof (1497 → 1401 for scov J=3).
// Such a coefficient is compared by its real part only; a genuinely complex
// one by both parts; a part constant in each set is skipped and counted.
func TestStatsCompareRoundoffImag(t *testing.T) {
	const nA, nB, K = 5, 6, 3
	rng := rand.New(rand.NewPCG(3, 4))
	c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
	for m := range nA + nB {
		row := c.Data[m*K : (m+1)*K]
		row[0] = complex(1e-3*(1+0.1*rng.NormFloat64()), 1e-21*rng.NormFloat64()) // real up to round-off
		row[1] = complex(rng.NormFloat64(), rng.NormFloat64())                    // complex
		row[2] = complex(2, 0)                                                    // constant
	}
	r := compareSets(c, nil, nA, nB)
	if r.Dof != 3 || r.Complex != 1 || r.Skipped != 1 || r.Constant != 0 {
		t.Fatalf("dof %d complex %d skipped %d constant-differing %d; want 3, 1, 1, 0", r.Dof, r.Complex, r.Skipped, r.Constant)
	}
	var got []string
	for _, p := range r.Parts {
		got = append(got, fmt.Sprintf("%d%s", p.Index, p.Part))
	}
	if strings.Join(got, " ") != "0re 1re 1im" {
		t.Errorf("parts %v, want 0re 1re 1im", got)
	}
}
