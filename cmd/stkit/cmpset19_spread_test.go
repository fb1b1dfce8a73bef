package main

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// cmpsetCoeffs returns real coefficients of nA + nB maps, K per map, from
// val(map, k).
func cmpsetCoeffs(nA, nB, K int, val func(m, k int) float64) *stlayer.Coeffs {
	c := &stlayer.Coeffs{B: nA + nB, K: K, H: 1, W: 1, Data: make([]complex128, (nA+nB)*K)}
	for m := range nA + nB {
		for k := range K {
			c.Row(m)[k] = complex(val(m, k), 0)
		}
	}
	return c
}

// sd_A/sd_B is the geometric mean of the parts' ratios; syntheses matched to
// a mean (spread 3 % of the set's, cosmo2: χ²/dof 0.04, p = 1) are warned
// of, as are sets with χ²/dof below 99 % of the splits (p_low < 0.01);
// sets of one spread are not.
func TestCmpset19Spread(t *testing.T) {
	const nA, nB, K = 4, 20, 8
	rng := rand.New(rand.NewPCG(9, 10))
	for _, f := range []float64{0.03, 1} {
		c := cmpsetCoeffs(nA, nB, K, func(m, k int) float64 {
			if m < nA {
				return 1 + f*rng.NormFloat64()
			}
			return 1 + rng.NormFloat64()
		})
		r := compareSets(c, nil, nA, nB)
		all, by := r.cmp19.SdRatio, r.cmp19.ClassSd
		want := 1.0
		for _, p := range r.Parts {
			want *= math.Pow(p.SdA/p.SdB, 1/float64(len(r.Parts)))
		}
		if math.Abs(all-want) > 1e-12*want || math.Abs(by[""]-want) > 1e-12*want {
			t.Fatalf("f %g: sd ratio %g (class %g), want %g", f, all, by[""], want)
		}
		w := tooAlikeWarnings19(r, compareExtra19{SdRatio: all})
		switch {
		case f < 1 && (len(w) != 1 || !strings.Contains(w[0], "set A's spread is 0.0") || !strings.Contains(w[0], "not two samples of one process")):
			t.Errorf("f %g (ratio %.3g): warnings %q", f, all, w)
		case f == 1 && len(w) != 0:
			t.Errorf("one spread (ratio %.3g): warnings %q", all, w)
		}
		if lo, hi := infer.CompareSpreadBounds(nA, nB); f == 1 && (lo > 0.2 || hi < 2) {
			t.Errorf("bounds %g..%g for 4 and 20 maps", lo, hi)
		}
	}
	r := compareResult{NA: 10, NB: 10, Dof: 5, Chi2: 0.3, Perms: 1000}
	w := tooAlikeWarnings19(r, compareExtra19{SdRatio: 1, PermPLow: 0.004})
	if len(w) != 1 || !strings.Contains(w[0], "p_low = 0.004") || !strings.Contains(w[0], "--paired") {
		t.Errorf("p_low warnings %q", w)
	}
	if w := tooAlikeWarnings19(r, compareExtra19{SdRatio: 1, PermPLow: 0.004, Paired: true}); len(w) != 0 {
		t.Errorf("paired sets warned of p_low: %q", w)
	}
}

// The permutation test's upper p is permutationTest's (exact and random, one
// seed); its lower one counts the splits at most the observed χ²/dof, so
// that the two add to 1 + the share of ties, ≥ 1.
func TestCmpset19Tails(t *testing.T) {
	const nA, nB, K = 4, 5, 6
	rng := rand.New(rand.NewPCG(7, 8))
	c := cmpsetCoeffs(nA, nB, K, func(m, k int) float64 { return rng.NormFloat64() })
	r := compareSets(c, nil, nA, nB)
	for _, perms := range []int{200, 50} {
		hi, lo, splits, exact := cmpsetTails(c, r, perms)
		want, wsplits, wexact := permutationTest(c, r, perms, 1)
		if hi != want || splits != wsplits || exact != wexact {
			t.Errorf("perms %d: p %g (%d, %v), permutationTest %g (%d, %v)", perms, hi, splits, exact, want, wsplits, wexact)
		}
		if exact && hi+lo < 1 {
			t.Errorf("exact p %g + p_low %g < 1", hi, lo)
		}
		if lo <= 0 || lo > 1 {
			t.Errorf("p_low %g", lo)
		}
	}
}
