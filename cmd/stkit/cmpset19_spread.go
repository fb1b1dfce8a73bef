package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/stkit-org/stkit/stlayer"
)

// compareExtra19 is what stats --compare reports beyond compareResult
// since session 19 (compareResult.cmp19).
type compareExtra19 struct {
	// Paired: --paired (z from the differences of paired maps, ν = n − 1,
	// permutations by sign flips; pairedCompare19)
	Paired bool
	// PermPLow: the permutation test's lower tail (permutationTails19,
	// signFlipTest19); PermsAuto: the test ran by default (autoPerms19)
	PermPLow  float64
	PermsAuto bool
	// SdRatio: the geometric mean of sd_A/sd_B over the parts, ClassSd the
	// same per class (spreadRatio19)
	SdRatio float64
	ClassSd map[string]float64
	// Ref: --compare-ref (pooled or each)
	Ref string
	// Warnings: tooAlikeWarnings19's
	Warnings []string
	// NoTest: why no permutation test ran by default (too costly), said in
	// place of compareCaveat (caveat19)
	NoTest string
}

// partValues returns the values of part p over the maps of c.
func partValues(c *stlayer.Coeffs, p comparePart, n int) []float64 {
	v := make([]float64, n)
	for m := range n {
		x := c.Row(m)[p.Index]
		if p.Part == "im" {
			v[m] = imag(x)
		} else {
			v[m] = real(x)
		}
	}
	return v
}

// spreadRatio19 returns the geometric mean over r's parts of sd_A/sd_B
// (parts with both spreads > 0; 0 when there is none), overall and per
// class.
func spreadRatio19(r compareResult) (all float64, byClass map[string]float64) {
	sum, n := 0.0, 0
	cs, cn := map[string]float64{}, map[string]int{}
	for _, p := range r.Parts {
		if p.SdA > 0 && p.SdB > 0 {
			l := math.Log(p.SdA / p.SdB)
			sum, n = sum+l, n+1
			cs[p.Class] += l
			cn[p.Class]++
		}
	}
	if n > 0 {
		all = math.Exp(sum / float64(n))
	}
	byClass = map[string]float64{}
	for cl, k := range cn {
		byClass[cl] = math.Exp(cs[cl] / float64(k))
	}
	return all, byClass
}

// compareSpreadTail is the two-sided tail of F(n_A − 1, n_B − 1) beyond
// which sd_A/sd_B (squared) is warned of: 0.1 %. The geometric mean over
// correlated parts varies less than one part's ratio, so the test is
// conservative.
const compareSpreadTail = 0.001

// spreadBounds19 returns the range of sd_A/sd_B within the two-sided
// compareSpreadTail of F(nA − 1, nB − 1), the law of var_A/var_B of one part
// for one Gaussian process.
func spreadBounds19(nA, nB int) (lo, hi float64) {
	f := distuv.F{D1: float64(nA - 1), D2: float64(nB - 1)}
	return math.Sqrt(f.Quantile(compareSpreadTail / 2)), math.Sqrt(f.Quantile(1 - compareSpreadTail/2))
}

// compareLowP is the lower-tail permutation p (p_low) below which stats
// --compare warns that A and B are more alike than two samples of one
// process.
const compareLowP = 0.01

// tooAlikeWarnings19 returns the warnings about r's spreads: sd_A/sd_B
// beyond spreadBounds19, and, for unpaired sets with a permutation test
// whose smallest p allows it, p_low < compareLowP.
func tooAlikeWarnings19(r compareResult, x compareExtra19) []string {
	var w []string
	if lo, hi := spreadBounds19(r.NA, r.NB); x.SdRatio > 0 && (x.SdRatio < lo || x.SdRatio > hi) {
		w = append(w, fmt.Sprintf("set A's spread is %.2g× set B's (sd_A/sd_B, geometric mean over the %d parts; one process gives %.2g to %.2g for %d and %d maps, F(%d, %d) at %g %%): the sets are not two samples of one process (syntheses matched to a mean? the same maps?); z, χ²/dof and the permutation p compare their means only",
			x.SdRatio, r.Dof, lo, hi, r.NA, r.NB, r.NA-1, r.NB-1, 100*compareSpreadTail))
	}
	if !x.Paired && r.Perms > 0 && x.PermPLow < compareLowP {
		w = append(w, fmt.Sprintf("χ²/dof = %.3g is lower than for %.3g %% of the splits of the maps (p_low = %.2g): A and B are more alike than two samples of one process (syntheses matched to a mean? the same maps rescaled or paired? then use --paired)",
			r.Chi2, 100*(1-x.PermPLow), x.PermPLow))
	}
	return w
}

// permutationTails19 is permutationTest with the lower tail too: pLow is
// the share of the splits whose χ²/dof is at most the observed one (the
// observed split included), small when A and B are more alike than the
// splits of their maps (syntheses matched to a mean, maps against rescaled
// copies of themselves).
func permutationTails19(c *stlayer.Coeffs, r compareResult, perms int, seed uint64) (pHigh, pLow float64, splits int, exact bool) {
	n := r.NA + r.NB
	vals := make([][]float64, len(r.Parts))
	for i, p := range r.Parts {
		vals[i] = partValues(c, p, n)
	}
	a, b := make([]float64, r.NA), make([]float64, r.NB)
	chi2Of := func(idx []int) float64 {
		chi2 := 0.0
		for _, v := range vals {
			for m := range r.NA {
				a[m] = v[idx[m]]
			}
			for m := range r.NB {
				b[m] = v[idx[r.NA+m]]
			}
			ma, va := meanVar(a)
			mb, vb := meanVar(b)
			if den := va/float64(r.NA) + vb/float64(r.NB); den > 0 {
				chi2 += (ma - mb) * (ma - mb) / den
			}
		}
		return chi2 / float64(len(vals))
	}
	hiCut, loCut := r.Chi2*(1-1e-12), r.Chi2*(1+1e-12)
	idx := make([]int, n)
	if total := splitCount(n, r.NA, perms); total <= perms {
		hi, lo := 0, 0
		forEachSplit(n, r.NA, func(inA []bool) {
			ia, ib := 0, r.NA
			for m, in := range inA {
				if in {
					idx[ia] = m
					ia++
				} else {
					idx[ib] = m
					ib++
				}
			}
			x := chi2Of(idx)
			if x >= hiCut {
				hi++
			}
			if x <= loCut {
				lo++
			}
		})
		return float64(hi) / float64(total), float64(lo) / float64(total), total, true
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ca77e5))
	for i := range idx {
		idx[i] = i
	}
	hi, lo := 0, 0
	for range perms {
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		x := chi2Of(idx)
		if x >= hiCut {
			hi++
		}
		if x <= loCut {
			lo++
		}
	}
	return float64(1+hi) / float64(1+perms), float64(1+lo) / float64(1+perms), perms, false
}

// spreadLine19 is printCompare's line of the sets' spreads (spreadRatio19).
func spreadLine19(r compareResult, x compareExtra19) string {
	lo, hi := spreadBounds19(r.NA, r.NB)
	return fmt.Sprintf("spread: sd_A/sd_B = %.3g (geometric mean over the parts; per class in the table; one process gives %.2g to %.2g for %d and %d maps)", x.SdRatio, lo, hi, r.NA, r.NB)
}
