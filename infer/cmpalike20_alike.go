package infer

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/stkit-org/stkit/stlayer"
)

// CompareAlikeP is the bound on Chi2's lower tail (Comparison.AlikeP)
// below which two independent sets are more alike than two samples of one
// process: 1 %, as stats --compare's lower permutation tail. The bound is
// conservative: over 400 pairs of independent sets of 4 and 4 64² maps
// (Gaussian random fields and log-normal ones, slope −2.5; wst, scov, wph
// and spectra, J = 3) its least value was 0.16, over 160 of 2 and 3 maps
// 0.27, over 120 of 10 and 10 maps 0.10; a set against its copy with 24
// pixels changed by one float32 ulp gives 1e-23 (Chi2 ≈ 1e-16), against
// the same maps shifted periodically by (5, 7) under wst, where 68 parts
// are not identical, 0.001 (Chi2 = 0.0062, EffDof 2.8).
const CompareAlikeP = 0.01

// compareAlike sets r.AlikeDof, r.AlikeChi2, r.EffDof and r.AlikeP, the
// lower tail of the mean z² of the parts alikeParts keeps (Chi2 below)
// under the hypothesis of two independent samples of one process, from c,
// the coefficients CompareSets compared (unpaired sets; r.Parts set).
//
// Each z_k is a Student t, and E z_k² = ν/(ν−2) > 1; the z are correlated
// as the coefficients are, with the correlation R of the parts within a
// set. Their Chi2 = mean z² (Dof of them) then has variance 2·Σ_kj R_kj²/Dof² for normal z,
// that of χ²_m/m with m = Dof²/Σ_kj R_kj² (Satterthwaite's effective
// number of independent parts): 1 when every part is one, Dof when they
// are independent. R is estimated from the residuals of each part about
// its set's mean (NA + NB − 2 dimensions), so m ≤ NA + NB − 2; the
// estimate's noise adds to Σ R², so m is biased low, and χ²_m/m's lower
// tail, ~ x^(m/2), is then heavier than that of Chi2 (~ x^(rank/2), rank ≥
// m); t's z are farther from 0 than normal ones (P(|t| ≤ a) ≤ P(|N| ≤ a))
// and E z² > 1: each step makes AlikeP = P(χ²_m ≤ m·Chi2) larger, a
// conservative bound. Σ R² = ‖UᵀU‖²_F for U the Dof × (NA + NB) matrix of
// unit residual rows: it costs Dof·(NA + NB)².
func compareAlike(c *stlayer.Coeffs, r *Comparison) {
	r.AlikeDof, r.AlikeChi2, r.EffDof, r.AlikeP, r.PairRatio = 0, 0, 0, 1, 0
	if r.Dof == 0 {
		return
	}
	parts, chi2 := alikeParts(c, r.Parts, r.NA+r.NB)
	if len(parts) == 0 {
		return
	}
	r.AlikeDof = len(parts)
	if r.Paired {
		r.PairRatio = pairRatio(c, parts, r.NA)
		return
	}
	r.AlikeChi2 = chi2
	n := r.NA + r.NB
	g := make([]float64, n*n)
	u := make([]float64, n)
	// every stride-th part when all of them cost more than
	// compareAlikeBudget (hundreds of patches per set)
	stride := max(1, int(math.Ceil(float64(len(parts))*float64(n*n)/compareAlikeBudget)))
	stride = min(stride, max(1, len(parts)/2))
	s := 0
	for i, p := range parts {
		if i%stride != 0 {
			continue
		}
		v := partValues(c, p, n)
		ma, _ := meanVar(v[:r.NA])
		mb, _ := meanVar(v[r.NA:])
		norm := 0.0
		for m, x := range v {
			if m < r.NA {
				u[m] = x - ma
			} else {
				u[m] = x - mb
			}
			norm += u[m] * u[m]
		}
		if !(norm > 0) {
			continue
		}
		s++
		norm = 1 / norm
		for i := range n {
			for j := range n {
				g[i*n+j] += u[i] * u[j] * norm
			}
		}
	}
	sum2 := 0.0
	for _, x := range g {
		sum2 += x * x
	}
	if !(sum2 > 0) {
		return
	}
	d := float64(len(parts))
	if stride == 1 || s < 2 {
		r.EffDof = d * d / sum2
	} else {
		// Σ R²/Dof² = 1/Dof + (1 − 1/Dof)·(mean R_kj² off the diagonal),
		// the mean estimated from the s parts taken
		off := max(0, (sum2-float64(s))/float64(s*(s-1)))
		r.EffDof = 1 / (1/d + (1-1/d)*off)
	}
	r.EffDof = min(r.EffDof, d, float64(n-2)) // the residuals' rank bounds it
	if p := CompareAlikeTail(r.AlikeChi2, r.EffDof); !math.IsNaN(p) {
		r.AlikeP = p
	}
}

// compareAlikeConstTol is the relative spread, (max − min)/max|x| over the
// maps of A and B together, at or below which alikeParts takes a part for
// constant by construction: float32 round-off of a value fixed by the maps'
// preparation (scov's var() of standardised float32 maps, 1 ± 1e-8). A
// part of two samples of one process varies by its sample variance, far
// more (CompareIdentTol's 1.1e-4 of the class's scale at least).
const compareAlikeConstTol = 1e-6

// alikeParts returns the parts of parts (those of a Comparison of c's n
// maps) that compareAlike's near-copy statistic uses, and their mean z².
// It leaves out the maps' mean rows (CompareMeanClass) and the parts
// constant by construction in A and B together (compareAlikeConstTol):
// their values are fixed by how the maps were made (standardised, zero
// mean), so that their spread, and the σ of their z, is round-off, while
// a near-copy's difference (noise added, maps re-rounded) need not be.
// With them, A against A + 1e-3·N(0, 1) (4 log-normal 64² maps of unit
// variance, wst J = 3) had χ²/dof = 0.0099 and AlikeP 0.045, all of it from
// S0's z = 1.47 (the means, ~1e-9 in A and ~2e-5 in B); the 216 others
// have |z| ≤ 2.6e-3.
func alikeParts(c *stlayer.Coeffs, parts []ComparePart, n int) (kept []ComparePart, chi2 float64) {
	for _, p := range parts {
		if CompareMeanClass(p.Class) {
			continue
		}
		v := partValues(c, p, n)
		lo, hi := slices.Min(v), slices.Max(v)
		if hi-lo <= compareAlikeConstTol*max(math.Abs(lo), math.Abs(hi)) {
			continue
		}
		kept = append(kept, p)
		chi2 += p.Z * p.Z
	}
	if len(kept) > 0 {
		chi2 /= float64(len(kept))
	}
	return kept, chi2
}

// ComparePairedCopyRatio is the bound on Comparison.PairRatio below
// which paired sets are near-copies: the differences of the pairs are
// below 1e-5 of the maps' spread, the same maps up to round-off (float32
// keeps 1.2e-7 of each pixel) or a change of about that size, which the
// paired z (a ratio of the differences' mean to their spread) cannot show.
// Measured (median over the parts): 6e-10 to 3.5e-9 for sets against
// themselves with 24 pixels changed by one float32 ulp (4 log-normal 64²
// maps, 10 Quijote 256² log-density maps; wst, scov, spectra and wph, J =
// 3), 4e-7 to 1e-6 with 1e-6·N(0, 1) added to maps of unit variance; 1.4e-4
// for ×1.0001 copies, 0.01 for ×1.01 ones; independent pairs at least 0.20
// over 400 pairs of log-normal sets of 2, 3, 4 and 10 maps and 0.92 over
// 20 splits of the 20 Quijote maps into 10 pairs.
const ComparePairedCopyRatio = 1e-5

// pairRatio is Comparison.PairRatio of the parts of paired sets of n
// pairs: the median over parts of sd(d)/√(sd_A² + sd_B²), d the n
// differences A_i − B_i of a part.
func pairRatio(c *stlayer.Coeffs, parts []ComparePart, n int) float64 {
	ratios := make([]float64, 0, len(parts))
	d := make([]float64, n)
	for _, p := range parts {
		v := partValues(c, p, 2*n)
		for m := range n {
			d[m] = v[m] - v[n+m]
		}
		_, vd := meanVar(d)
		if den := p.SdA*p.SdA + p.SdB*p.SdB; den > 0 {
			ratios = append(ratios, math.Sqrt(vd/den))
		}
	}
	if len(ratios) == 0 {
		return 0
	}
	slices.Sort(ratios)
	h := len(ratios) / 2
	if len(ratios)%2 == 0 {
		return (ratios[h-1] + ratios[h]) / 2
	}
	return ratios[h]
}

// compareAlikeBudget is the cost, Dof × (NA + NB)², up to which
// compareAlike takes every part for EffDof (about 0.1 s); beyond, every
// stride-th part estimates the mean correlation².
var compareAlikeBudget = 1e8

// CompareAlikeTail is P(χ²_m/m ≤ chi2): the lower tail of a mean of m
// independent squared normal z, the bound Comparison.AlikeP gives of the
// mean z² (Chi2) of two independent samples of one process over parts
// worth m independent ones (Comparison.EffDof). Invalid input, m not a
// finite number > 0 or chi2 negative or NaN, gives NaN (not a p-value);
// chi2 = +Inf gives 1. (Comparison.AlikeP is 1, not NaN, when EffDof is
// 0: paired sets, no part, or parts without spread.)
func CompareAlikeTail(chi2, m float64) float64 {
	if !(m > 0) || !(chi2 >= 0) || math.IsInf(m, 1) {
		return math.NaN()
	}
	return distuv.ChiSquared{K: m}.CDF(m * chi2)
}
