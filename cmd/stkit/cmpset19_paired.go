package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/stkit-org/stkit/stlayer"
)

// checkPaired19 refuses --paired for sets of different sizes.
func checkPaired19(a, b statsInput) error {
	if na, nb := a.set.Maps.B, b.set.Maps.B; na != nb {
		return badInputf("--paired: %s holds %s, %s %s: paired sets pair map i of A with map i of B, so they need the same number of maps (leave --paired out to compare them as independent sets)", a.describe(), plural(na, "map"), b.describe(), plural(nb, "map"))
	}
	return nil
}

// pairedCompare19 turns r (compareSetsZero of nA = nB maps) into the
// comparison of paired sets (--paired): the z of each part is the mean of
// the differences d_i = A_i − B_i over its standard error, mean(d)/(sd(d)/√n),
// a Student t with ν = n − 1; a part whose differences are one value up to
// round-off (rtol × the row's largest |value|) is skipped (in Skipped, and in
// Constant when that value is not 0): its z would be ±∞ or 0/0. The
// summaries (χ²/dof, largest |z|, |z| > 3, classes) are recomputed.
func pairedCompare19(c *stlayer.Coeffs, r compareResult, rtol float64) compareResult {
	n := r.NA
	kept := r.Parts[:0:0]
	d := make([]float64, n)
	for _, p := range r.Parts {
		v := partValues(c, p, 2*n)
		scale := 0.0
		for m := range n {
			d[m] = v[m] - v[n+m]
			scale = max(scale, math.Abs(v[m]), math.Abs(v[n+m]))
		}
		md, vd := meanVar(d)
		if math.Sqrt(vd) <= rtol*scale {
			r.Skipped++
			if math.Abs(md) > rtol*scale {
				r.Constant++
			}
			continue
		}
		p.Z = md / math.Sqrt(vd/float64(n))
		kept = append(kept, p)
	}
	r.Parts = kept
	summarise19(&r, n-1)
	return r
}

// summarise19 recomputes r's summaries from r.Parts: dof, χ²/dof, the
// largest |z|, the counts of |z| > 3 and those expected of independent z of
// Student's t with nu degrees of freedom, per class too.
func summarise19(r *compareResult, nu int) {
	r.Dof, r.Nu, r.Chi2, r.Max, r.Over3, r.Classes = len(r.Parts), nu, 0, comparePart{}, 0, nil
	pOver3 := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Survival(3)
	r.ExpOver3 = pOver3 * float64(r.Dof)
	byClass := map[string]int{}
	for _, p := range r.Parts {
		z2 := p.Z * p.Z
		r.Chi2 += z2
		if math.Abs(p.Z) > math.Abs(r.Max.Z) || r.Max.Label == "" {
			r.Max = p
		}
		i, ok := byClass[p.Class]
		if !ok {
			i = len(r.Classes)
			byClass[p.Class] = i
			r.Classes = append(r.Classes, compareClass{Class: p.Class})
		}
		cl := &r.Classes[i]
		cl.Dof++
		cl.Chi2 += z2
		cl.MaxAbs = max(cl.MaxAbs, math.Abs(p.Z))
		if math.Abs(p.Z) > 3 {
			r.Over3++
			cl.Over3++
		}
	}
	if r.Dof > 0 {
		r.Chi2 /= float64(r.Dof)
	}
	for i := range r.Classes {
		r.Classes[i].Chi2 /= float64(r.Classes[i].Dof)
		r.Classes[i].ExpOver3 = pOver3 * float64(r.Classes[i].Dof)
	}
}

// signFlipTest19 is the permutation test of paired sets (--paired): under
// the hypothesis of no difference, each pair's difference d_i = A_i − B_i
// is as likely with either sign, so χ²/dof over r's parts is recomputed
// with the signs of the differences flipped (the same flip for every part
// of a pair). When 2^n ≤ perms every sign pattern is evaluated once, the
// observed one among them (exact; p ≥ 2/2^n: a pattern and its opposite
// give one χ²/dof); else perms random patterns (fixed seed) give p = (1 +
// count)/(1 + perms). pLow is the lower tail, as permutationTails19's.
func signFlipTest19(c *stlayer.Coeffs, r compareResult, perms int, seed uint64) (pHigh, pLow float64, splits int, exact bool) {
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

// zLine19 is printCompare's line of the counts of |z| > 3, with the
// Student t of z: ν = n_A + n_B − 2, or n − 1 for paired sets.
func zLine19(r compareResult, x compareExtra19) string {
	nu := "n_A + n_B − 2"
	if x.Paired {
		nu = "n − 1 (paired)"
	}
	return fmt.Sprintf("|z| > 3: %d of %d (%.3g expected of independent z: Student t with ν = %s = %d, P(|t| > 3) = %.2g; %.3g if z were normal)",
		r.Over3, r.Dof, r.ExpOver3, nu, r.Nu, r.ExpOver3/float64(r.Dof), 0.0027*float64(r.Dof))
}

// pairedFormula19 is the JSON's "z" of paired sets (--paired).
const pairedFormula19 = "mean(d)/(sd(d)/sqrt(n)), d = a_i − b_i the differences of the n paired maps, sd the unbiased standard deviation; re and im of complex coefficients separately"
