package infer

import (
	"math"
	"math/rand/v2"

	"github.com/stkit-org/stkit/stlayer"
)

// Permute runs the permutation test of r's Chi2 on c, the coefficients
// CompareSets compared (the statistic's operator does not depend on the
// split, so they are reused), with perms splits and a fixed seed (a run
// is reproducible); it sets Perms, PermP, PermPLow, PermExact and
// PermMinP. Nothing runs when r has no part (Dof 0) or perms ≤ 0.
// Coefficients that cannot be r's (not NA + NB maps, fewer than its
// parts' indices need, or whose observed split does not give r.Chi2 to
// 1e-9 relative: other maps' coefficients of the right shape) are an
// input error (ErrModelInput), r unchanged.
//
// Independent sets: the NA + NB maps are split into sets of NA and NB.
// When they have at most perms distinct splits (SplitCount: C(NA+NB, NA))
// every split is evaluated once, the observed one among them (ForEachSplit
// order), and PermP is exactly the share whose mean z² over r's parts is at
// least r.Chi2 (PermExact; PermP ≥ PermutationMinP, 1/C, or 2/C when NA =
// NB: a split and its swap give one Chi2). Otherwise perms random splits
// (uniform shuffles, the first NA as A, drawn with replacement) give PermP
// = (1 + count)/(1 + perms), the observed split counted as the 1. Under the
// hypothesis that the maps of A and B are exchangeable (one process), PermP
// is calibrated whatever the correlations between coefficients.
//
// Paired sets (r.Paired): each difference d_i = A_i − B_i is as likely with
// either sign under the hypothesis, so Chi2 is recomputed with the signs
// flipped (the same flip for every part of a pair): all 2^n patterns when
// 2^n ≤ perms (exact; PermP ≥ 2/2^n, a pattern and its opposite give one
// Chi2), else perms random patterns, PermP = (1 + count)/(1 + perms).
//
// PermPLow is the lower tail, the share (or (1 + count)/(1 + perms)) of
// the splits whose Chi2 is at most the observed one: small when A and B
// are more alike than two samples of one process (syntheses matched to a
// set's mean, maps against rescaled copies of themselves). Ties within
// 1e-12 relative count on both sides.
//
// `stkit stats --compare` calls Permute(c, N, 1): seed 1, N the
// --permutations given, or by default 1000 (every split or sign pattern
// when there are fewer) when Dof × (NA + NB) × the splits run costs at
// most 3·10⁸ (about a second), else no test; so Permute with seed 1 and
// the same N reproduces its p_permutation and p_permutation_low.
func (r *Comparison) Permute(c *stlayer.Coeffs, perms int, seed uint64) error {
	if r.Dof == 0 || perms <= 0 {
		return nil
	}
	if c == nil || c.B != r.NA+r.NB || len(c.Data) != c.B*c.PerMap() {
		return inputErrorf("compare: permutations: the coefficients are not those of the %d maps of A and %d of B compared", r.NA, r.NB)
	}
	for _, p := range r.Parts {
		if p.Index < 0 || p.Index >= c.K {
			return inputErrorf("compare: permutations: part %d (%s) is not among the %d coefficients per map", p.Index, p.Label, c.K)
		}
	}
	if obs := observedChi2(c, *r); !(math.Abs(obs-r.Chi2) <= 1e-9*max(math.Abs(obs), math.Abs(r.Chi2))) {
		return inputErrorf("compare: permutations: the observed split of these coefficients gives χ²/dof = %.6g, not the comparison's %.6g: they are not the coefficients compared", obs, r.Chi2)
	}
	if r.Paired {
		r.PermP, r.PermPLow, r.Perms, r.PermExact = signFlipTest(c, *r, perms, seed)
		r.PermMinP = 0
		if r.NA <= 20 {
			r.PermMinP = 2 / math.Pow(2, float64(r.NA))
		}
		return nil
	}
	r.PermP, r.PermPLow, r.Perms, r.PermExact = permutationTails(c, *r, perms, seed)
	r.PermMinP = PermutationMinP(r.NA, r.NB)
	return nil
}

// observedChi2 is the mean z² over r's parts of the observed split of c
// (paired: the differences with their own signs), computed as the
// permutation tests compute each split's: CompareSets' Chi2 to round-off
// when c holds the coefficients compared.
func observedChi2(c *stlayer.Coeffs, r Comparison) float64 {
	if len(r.Parts) == 0 {
		return 0
	}
	chi2 := 0.0
	for _, p := range r.Parts {
		if r.Paired {
			v := partValues(c, p, 2*r.NA)
			d := make([]float64, r.NA)
			for m := range d {
				d[m] = v[m] - v[r.NA+m]
			}
			if md, vd := meanVar(d); vd > 0 {
				chi2 += md * md / (vd / float64(r.NA))
			}
			continue
		}
		v := partValues(c, p, r.NA+r.NB)
		ma, va := meanVar(v[:r.NA])
		mb, vb := meanVar(v[r.NA:])
		if den := va/float64(r.NA) + vb/float64(r.NB); den > 0 {
			chi2 += (ma - mb) * (ma - mb) / den
		}
	}
	return chi2 / float64(len(r.Parts))
}

// permutationTails is Permute's test of independent sets: the upper and
// lower p, the splits evaluated and whether they were all of them.
func permutationTails(c *stlayer.Coeffs, r Comparison, perms int, seed uint64) (pHigh, pLow float64, splits int, exact bool) {
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
	if total := SplitCount(n, r.NA, perms); total <= perms {
		hi, lo := 0, 0
		ForEachSplit(n, r.NA, func(inA []bool) {
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

// signFlipTest is Permute's test of paired sets: the upper and lower p,
// the sign patterns evaluated and whether they were all of them.
func signFlipTest(c *stlayer.Coeffs, r Comparison, perms int, seed uint64) (pHigh, pLow float64, splits int, exact bool) {
	n := r.NA
	diffs := make([][]float64, len(r.Parts))
	for i, p := range r.Parts {
		v := partValues(c, p, 2*n)
		diffs[i] = make([]float64, n)
		for m := range n {
			diffs[i][m] = v[m] - v[n+m]
		}
	}
	d := make([]float64, n)
	chi2Of := func(sign []float64) float64 {
		chi2 := 0.0
		for _, v := range diffs {
			for m := range n {
				d[m] = sign[m] * v[m]
			}
			md, vd := meanVar(d)
			if vd > 0 {
				chi2 += md * md / (vd / float64(n))
			}
		}
		return chi2 / float64(len(diffs))
	}
	hiCut, loCut := r.Chi2*(1-1e-12), r.Chi2*(1+1e-12)
	sign := make([]float64, n)
	count := func(x float64, hi, lo *int) {
		if x >= hiCut {
			*hi++
		}
		if x <= loCut {
			*lo++
		}
	}
	hi, lo := 0, 0
	if n < 30 && 1<<n <= perms {
		total := 1 << n
		for mask := range total {
			for m := range n {
				sign[m] = 1
				if mask&(1<<m) != 0 {
					sign[m] = -1
				}
			}
			count(chi2Of(sign), &hi, &lo)
		}
		return float64(hi) / float64(total), float64(lo) / float64(total), total, true
	}
	rng := rand.New(rand.NewPCG(seed, 0x5167f11))
	for range perms {
		for m := range n {
			sign[m] = 1
			if rng.IntN(2) == 1 {
				sign[m] = -1
			}
		}
		count(chi2Of(sign), &hi, &lo)
	}
	return float64(1+hi) / float64(1+perms), float64(1+lo) / float64(1+perms), perms, false
}

// SplitCount returns the number of distinct splits of n maps into a set of
// k and one of n − k, the binomial coefficient C(n, k), or limit + 1 when
// it exceeds limit (limit ≥ 1; so that it does not overflow).
func SplitCount(n, k, limit int) int {
	k = min(k, n-k)
	limit = min(limit, 1<<40)
	c := 1
	for i := 1; i <= k; i++ {
		c = c * (n - k + i) / i // C(n−k+i, i), exact
		if c > limit {
			return limit + 1
		}
	}
	return c
}

// ForEachSplit calls f with every subset of k of n items (inA[m]: item m
// in the subset), once each, in lexicographic order of the chosen indices:
// the first call has the first k items (the observed split of
// CompareSets). f must not keep inA, which is reused.
func ForEachSplit(n, k int, f func(inA []bool)) {
	ch := make([]int, k)
	for i := range ch {
		ch[i] = i
	}
	inA := make([]bool, n)
	for {
		clear(inA)
		for _, m := range ch {
			inA[m] = true
		}
		f(inA)
		i := k - 1
		for i >= 0 && ch[i] == n-k+i {
			i--
		}
		if i < 0 {
			return
		}
		ch[i]++
		for j := i + 1; j < k; j++ {
			ch[j] = ch[j-1] + 1
		}
	}
}

// PermutationMinP is the smallest p-value an exact permutation test of nA
// against nB maps can give: 1/C(nA+nB, nA), or 2/C when nA = nB (a split
// and its swap give one Chi2); 0 when there are more than 10⁶ splits.
func PermutationMinP(nA, nB int) float64 {
	const limit = 1_000_000
	c := SplitCount(nA+nB, nA, limit)
	if c > limit {
		return 0
	}
	if nA == nB {
		return 2 / float64(c)
	}
	return 1 / float64(c)
}
