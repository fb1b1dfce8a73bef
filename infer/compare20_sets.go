package infer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/stkit-org/stkit/stlayer"
)

// ComparePart is one real or imaginary part of a coefficient compared by
// CompareSets: its index in the coefficients, class and label, the mean
// and the standard deviation (unbiased, over the maps of one set) of its
// values in A and in B, and its z (of paired sets: from the differences,
// the means and deviations staying those of each set).
type ComparePart struct {
	Index int     `json:"index"`
	Class string  `json:"class"`
	Label string  `json:"label"`
	Part  string  `json:"part"` // "re" or "im"
	MeanA float64 `json:"mean_a"`
	MeanB float64 `json:"mean_b"`
	SdA   float64 `json:"sd_a"`
	SdB   float64 `json:"sd_b"`
	Z     float64 `json:"z"`
}

// CompareClass is the summary of the parts of one class: their number
// (Dof), mean z² (Chi2), largest |z|, number of |z| > 3 and the number
// of those expected of Dof independent z of Student's t with Comparison.Nu
// degrees of freedom (ExpOver3).
type CompareClass struct {
	Class  string  `json:"class"`
	Dof    int     `json:"dof"`
	Chi2   float64 `json:"chi2_per_dof"`
	MaxAbs float64 `json:"max_abs_z"`
	Over3  int     `json:"n_abs_z_over_3"`
	// ExpOver3 is the count of |z| > 3 expected of Dof independent z of
	// Student's t with Comparison.Nu degrees of freedom
	ExpOver3 float64 `json:"n_abs_z_over_3_expected"`
}

// Comparison is the comparison of two sets of statistics, the global
// coefficients of the NA maps of A and the NB maps of B (CompareSets),
// coefficient by coefficient. Every complex coefficient is compared as two
// real parts, its real and imaginary parts (a round-off imaginary part of
// a real moment is not one). For each part k
//
//	z_k = (mean_A − mean_B) / sqrt(var_A/NA + var_B/NB)
//
// with var the unbiased variance over the maps of one set, a Student t
// with Nu = NA + NB − 2 degrees of freedom for one process (exactly for NA
// = NB and equal variances, approximately else); for paired sets (Paired,
// CompareOptions.Paired) z_k = mean(d)/(sd(d)/√n) of the n differences d_i
// = A_i − B_i, a Student t with Nu = n − 1.
//
// Chi2 = mean z² over the Dof parts compared (Parts): a diagonal summary,
// not a calibrated test, since the coefficients are correlated (Permute
// gives a calibrated p-value). Parts left out are not in Dof, Chi2 or the
// permutation test: those constant in each set up to round-off (Skipped;
// of them, Constant with different values in A and B), the maps' mean
// rows of zero-mean maps (ZeroMean), and the parts identical in the two
// sets up to round-off (Identical: every value of A is a value of B and
// back, as P00 of maps and their phase surrogates). With no part left
// (Dof 0: the sets' statistics identical coefficient by coefficient, or
// differing only in parts constant within each set, Constant > 0, where z
// is ±∞) Chi2 is 0 and says nothing; `stkit stats --compare` refuses such
// sets.
//
// The fields under the keys of `stkit stats --compare`'s JSON (-o x.json;
// the field names are not renamed to match):
//
//	NA, NB       n_a, n_b               Nu         nu
//	Dof          dof                    Chi2       chi2_per_dof
//	Max          max_abs_z              Over3      n_abs_z_over_3
//	ExpOver3     n_abs_z_over_3_expected
//	Skipped      skipped_constant       Constant   skipped_constant_differing
//	ZeroMean     skipped_zero_mean      Identical  skipped_identical
//	Paired       paired                 SdRatio    sd_ratio
//	ClassSd      sd_ratio_by_class      Classes    classes
//	Parts        parts                  EffDof     effective_dof
//	AlikeP       p_chi2_low             Perms      permutations
//	PermP        p_permutation          PermPLow   p_permutation_low
//	PermExact    permutations_exact     PermMinP   p_permutation_min
//	AlikeDof     dof_alike              AlikeChi2  chi2_per_dof_alike
//	PairRatio    paired_diff_ratio
//
// Coeffs and Complex are not written; the JSON's permutations_default
// (the test ran by default, not by --permutations) and shared_maps are
// the CLI's own. Absent from the JSON: effective_dof, p_chi2_low and
// chi2_per_dof_alike where EffDof is 0 (paired sets, no part left),
// dof_alike where AlikeDof is 0, paired_diff_ratio where PairRatio is 0
// (independent sets), the permutation keys where no test
// ran, skipped_constant_differing, skipped_zero_mean, skipped_identical
// and paired where zero or empty.
type Comparison struct {
	NA, NB int
	// Coeffs: the number of coefficients per map; Complex: how many of
	// them were compared with their imaginary part too
	Coeffs, Complex int
	// Dof: len(Parts); Chi2: mean z² over Parts
	Dof  int
	Chi2 float64
	// Max: the part of largest |z|; Over3: the number of |z| > 3, and
	// ExpOver3 = Dof·P(|t_Nu| > 3) the number expected of independent z
	// (0.0027·Dof for normal z)
	Max      ComparePart
	Over3    int
	ExpOver3 float64
	// Nu: the degrees of freedom of z's Student t, NA + NB − 2 (paired:
	// NA − 1)
	Nu      int
	Parts   []ComparePart
	Classes []CompareClass
	// Skipped: parts constant in each set up to round-off (rtol ×
	// max(|values|, their class's scale)); Constant: of them, those with
	// different values in A and B (paired: whose differences are one value,
	// not 0)
	Skipped, Constant int
	// ZeroMean: the labels of the mean rows (CompareMeanClass) left out
	// because the maps have zero mean (CompareOptions.ZeroMean)
	ZeroMean []string
	// Identical: the labels (" (im)" added for an imaginary part) of the
	// parts identical in A and B up to round-off: every value of each set
	// within max(rtol × the row's largest |value|, CompareIdentTol × its
	// class's scale) of a value of the other
	Identical []string
	// Paired: z from the differences of paired maps (CompareOptions.Paired)
	Paired bool
	// SdRatio: the geometric mean over Parts of SdA/SdB (parts where both
	// are > 0; 0 when none is), ClassSd the same per class: below or above
	// CompareSpreadBounds the sets are not two samples of one process
	SdRatio float64
	ClassSd map[string]float64
	// The permutation test (Permute; zero until it runs): Perms splits (or
	// sign patterns) evaluated, all the distinct ones when PermExact; PermP
	// the share whose Chi2 is at least the observed one, PermPLow at most;
	// PermMinP the smallest p an exact test can give (PermutationMinP;
	// paired: 2/2^NA, 0 beyond 20 pairs)
	Perms     int
	PermP     float64
	PermPLow  float64
	PermExact bool
	PermMinP  float64
	// The near-copy statistic is over the AlikeDof parts of Parts that are
	// not the maps' mean rows (CompareMeanClass) nor constant by
	// construction in A and B together (spread ≤ 1e-6 of their largest
	// |value|: the variance of standardised maps), whose z are round-off
	// when A and B are made alike; AlikeChi2 is their mean z². EffDof: the
	// number of independent parts they are worth, from their correlation
	// within the sets (Satterthwaite's AlikeDof²/Σ R², at most NA + NB −
	// 2); AlikeP: a conservative P(mean z² ≤ AlikeChi2) of two independent
	// samples of one process, χ²_EffDof/EffDof's lower tail
	// (CompareAlikeTail): below CompareAlikeP the sets are more alike than
	// two samples (near-copies, periodically shifted copies, syntheses
	// matched to one mean). Independent sets only: EffDof 0, AlikeChi2 0
	// and AlikeP 1 for paired ones and when no part is left.
	AlikeDof  int
	AlikeChi2 float64
	EffDof    float64
	AlikeP    float64
	// PairRatio: for paired sets, the median over the AlikeDof parts of
	// sd(d)/√(sd_A² + sd_B²), the spread of the pairs' differences d over
	// that of the maps: about 1 for independent pairs, √(1 − ρ) for pairs
	// correlated by ρ (the same seeds), round-off for near-copies, whose
	// paired z, a ratio, looks like any other; below
	// ComparePairedCopyRatio they are near-copies. 0 for independent sets
	// and when no part is left.
	PairRatio float64
}

// CompareOptions are CompareSets' options.
type CompareOptions struct {
	// RTol is the relative round-off of the engine that computed the
	// coefficients (CompareRoundoff); 0 means 1e-12, the CPU engine's.
	RTol float64
	// ZeroMean leaves out the rows of the classes CompareMeanClass, the
	// maps' mean: set it when every map has zero mean up to round-off
	// (ZeroMeanMaps) and the statistic's mean row is the whole map's mean
	// (not with pad "crop"). Their values are then round-off (~1e-17 in
	// float64), a class of one row whose scale is its own round-off, and
	// their z noise.
	ZeroMean bool
	// Paired compares paired sets, map i of A with map i of B (NA = NB):
	// z from the differences of each pair, the permutation test by sign
	// flips.
	Paired bool
	// Label names coefficient k (k < lab.Len()); nil: lab.String(k).
	Label func(k int) string
}

// CompareIdentTol is the round-off of a coefficient relative to its
// class's scale that CompareSets allows, on top of RTol × its row's scale,
// when it takes a part for identical in the two sets. A coefficient small
// beside its class (a C01 or C11 row at 1e-4 of the class's largest value)
// carries the round-off of the class's sums, not of its own size: maps
// against ×1.05 copies, each map its own reference, differ by at most
// 2.2e-15 of the class's scale in C01 and C11 (spectra of a 512×384 dust
// map and its flip; 1e-13 in wph's L rows), 2.2e-11 of the row's. Distinct
// maps differ by far more: at least 1.1e-4 of the class's scale in the
// rows that vary (15 256² patches of that map), 5e-10 for a map against
// its own flip, whose spectra agree by symmetry. 1e-11 lies 100× above the
// round-off measured and 50× below that.
const CompareIdentTol = 1e-11

// CompareZeroMeanTol is the |mean|/rms below which ZeroMeanMaps takes a
// map's mean for round-off: a float64 mean subtraction leaves ~1e-17, a
// float32 one ~1e-8 (float32 eps 1.2e-7 of the mean removed); a mean is
// measured between maps to no better than its spread over maps, about
// rms/√(pixels) ≥ 1e-4·rms for up to 10⁸ pixels of white noise.
const CompareZeroMeanTol = 1e-6

// CompareMeanClass reports whether class is one whose one row is the mean
// of the map, or proportional to it: wst's "S0" = ⟨x⟩, plain scov's raw
// "mean" and the spectra's and scov synthesis vectors' "mean" = mean/std.
func CompareMeanClass(class string) bool { return class == "S0" || class == "mean" }

// ZeroMeanMaps reports whether every map of m has zero mean up to
// round-off: |mean| ≤ CompareZeroMeanTol × rms, mean and rms = √⟨x²⟩ over
// the whole map in float64 (false for a map that is 0 everywhere).
func ZeroMeanMaps(m *stlayer.Maps) bool {
	px := m.M * m.N
	if m.B == 0 || px == 0 {
		return false
	}
	for b := range m.B {
		sum, sum2 := 0.0, 0.0
		for _, v := range m.Data[b*px : (b+1)*px] {
			sum += v
			sum2 += v * v
		}
		mean, rms := sum/float64(px), math.Sqrt(sum2/float64(px))
		if !(rms > 0) || math.Abs(mean) > CompareZeroMeanTol*rms {
			return false
		}
	}
	return true
}

// CompareRoundoff is the relative size of a statistics engine's round-off
// that CompareSets takes as zero (CompareOptions.RTol), by the engine's
// name (stlayer.Engine's Name): 1e-12 for the CPU engine (float64), 1e-6
// for the graph engines ("graph…": float32, eps 1.2e-7; the spectra's zero
// rows come out at 2e-8 of their class's scale there).
func CompareRoundoff(engineName string) float64 {
	if strings.HasPrefix(engineName, "graph") {
		return 1e-6
	}
	return 1e-12
}

// CompareSets compares the global coefficients c of the nA maps of A
// followed by the nB maps of B (c.B = nA + nB, c.H = c.W = 1, nA, nB ≥ 2;
// paired: nA = nB) coefficient by coefficient (Comparison says what is
// computed). lab gives each coefficient's class and label; with lab nil
// every coefficient is of one class "" and labelled by its index. The
// scale of a class is the largest |re| or |im| of its coefficients over all
// maps. A coefficient is complex when the largest |imaginary part| of its
// values exceeds max(1e-10, rtol) × the largest |real part| and rtol × its
// class's scale (smaller ones are round-off of a real moment, as scov's
// C11 with l1 = l2: ~1e-21 beside re ~1e-3). A part is skipped when its
// values are constant in each set: max − min ≤ rtol·max(max|x|, class
// scale), round-off of a constant (a standardised map's variance) and
// rows zero for every map up to round-off of their class (the spectra's C11
// rows with a = 0, h2 = 0, im = 1, ~1e-19 beside a class of ~0.1). Paired
// sets skip in addition the parts whose differences are one value up to
// rtol × the row's largest |value|: their z would be ±∞ or 0/0. The
// summaries (Chi2, Max, Over3, ExpOver3, Classes, SdRatio, ClassSd) are
// over the parts compared. It returns an input error (ErrModelInput) for
// coefficients that do not fit nA and nB, and for labels lab (non-nil)
// that do not describe the c.K coefficients one by one (lab.Len() ≠ c.K).
func CompareSets(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int, opt CompareOptions) (Comparison, error) {
	switch {
	case c == nil:
		return Comparison{}, inputErrorf("compare: no coefficients")
	case nA < 2 || nB < 2:
		return Comparison{}, inputErrorf("compare: %d maps in A, %d in B: the spread over the maps of each set is the σ of z, so each needs at least 2", nA, nB)
	case c.B != nA+nB:
		return Comparison{}, inputErrorf("compare: %d maps of coefficients for %d of A and %d of B", c.B, nA, nB)
	case c.H*c.W != 1:
		return Comparison{}, inputErrorf("compare: the coefficients are per pixel (%d×%d); compare takes global statistics", c.H, c.W)
	case len(c.Data) != c.B*c.PerMap():
		return Comparison{}, inputErrorf("compare: %d coefficient values for %d maps of %d", len(c.Data), c.B, c.K)
	case lab != nil && lab.Len() != c.K:
		return Comparison{}, inputErrorf("compare: %d labels for %d coefficients per map: the labels must be those of the statistic that computed them (nil: one class, labelled by index)", lab.Len(), c.K)
	case opt.Paired && nA != nB:
		return Comparison{}, inputErrorf("compare: paired sets pair map i of A with map i of B, so they need the same number of maps (%d and %d)", nA, nB)
	}
	rtol := opt.RTol
	if rtol == 0 {
		rtol = 1e-12
	}
	r := compareUnpaired(c, lab, nA, nB, rtol, opt)
	if opt.Paired {
		r = comparePaired(c, r, rtol)
	}
	r.SdRatio, r.ClassSd = spreadRatio(r.Parts)
	compareAlike(c, &r)
	return r, nil
}

// compareUnpaired is CompareSets of independent sets, before the spreads'
// ratio.
func compareUnpaired(c *stlayer.Coeffs, lab *stlayer.Labels, nA, nB int, rtol float64, opt CompareOptions) Comparison {
	r := Comparison{NA: nA, NB: nB, Coeffs: c.K}
	classOf := func(k int) string {
		if lab != nil && k < lab.Len() {
			return lab.Class[k]
		}
		return ""
	}
	label := func(k int) string {
		if opt.Label != nil {
			return opt.Label(k)
		}
		return lab.String(k)
	}
	scale := map[string]float64{}
	for m := 0; m < nA+nB; m++ {
		for k, v := range c.Row(m)[:c.K] {
			cl := classOf(k)
			scale[cl] = max(scale[cl], math.Abs(real(v)), math.Abs(imag(v)))
		}
	}
	a := make([]float64, nA)
	b := make([]float64, nB)
	for k := 0; k < c.K; k++ {
		if opt.ZeroMean && CompareMeanClass(classOf(k)) {
			r.ZeroMean = append(r.ZeroMean, strings.TrimSuffix(label(k), "()"))
			continue
		}
		maxRe, maxIm := 0.0, 0.0
		for m := 0; m < nA+nB; m++ {
			v := c.Row(m)[k]
			maxRe, maxIm = max(maxRe, math.Abs(real(v))), max(maxIm, math.Abs(imag(v)))
		}
		cs := scale[classOf(k)]
		isComplex := maxIm > max(1e-10, rtol)*maxRe && maxIm > rtol*cs
		parts := []string{"re"}
		if isComplex {
			parts = append(parts, "im")
			r.Complex++
		}
		for _, part := range parts {
			get := func(m int) float64 {
				if part == "im" {
					return imag(c.Row(m)[k])
				}
				return real(c.Row(m)[k])
			}
			for m := range nA {
				a[m] = get(m)
			}
			for m := range nB {
				b[m] = get(nA + m)
			}
			ma, va := meanVar(a)
			mb, vb := meanVar(b)
			if constantPart(a, cs, rtol) && constantPart(b, cs, rtol) {
				r.Skipped++
				if !constantPart([]float64{ma, mb}, cs, rtol) {
					r.Constant++ // constant in each set, different between them
				}
				continue
			}
			if identicalPart(a, b, cs, rtol) {
				name := fmt.Sprint(k)
				if lab != nil && k < lab.Len() {
					name = strings.TrimSuffix(label(k), "()")
				}
				if part == "im" {
					name += " (im)"
				}
				r.Identical = append(r.Identical, name)
				continue
			}
			p := ComparePart{Index: k, Part: part, MeanA: ma, MeanB: mb, SdA: math.Sqrt(va), SdB: math.Sqrt(vb),
				Z: (ma - mb) / math.Sqrt(va/float64(nA)+vb/float64(nB))}
			p.Label = fmt.Sprint(k)
			if lab != nil && k < lab.Len() {
				p.Class, p.Label = lab.Class[k], label(k)
			}
			r.Parts = append(r.Parts, p)
		}
	}
	summarise(&r, nA+nB-2)
	return r
}

// comparePaired turns r (compareUnpaired of nA = nB maps) into the
// comparison of paired sets: z = mean(d)/(sd(d)/√n) of the differences
// d_i = A_i − B_i of each part of r; a part whose differences are one
// value up to round-off (rtol × the row's largest |value|) is skipped (in
// Skipped, and in Constant when that value is not 0). The summaries are
// recomputed with ν = n − 1.
func comparePaired(c *stlayer.Coeffs, r Comparison, rtol float64) Comparison {
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
	r.Paired = true
	summarise(&r, n-1)
	return r
}

// summarise recomputes r's summaries from r.Parts: Dof, Chi2, Max, the
// counts of |z| > 3 and those expected of independent z of Student's t
// with nu degrees of freedom, per class too.
func summarise(r *Comparison, nu int) {
	r.Dof, r.Nu, r.Chi2, r.Max, r.Over3, r.Classes = len(r.Parts), nu, 0, ComparePart{}, 0, nil
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
			r.Classes = append(r.Classes, CompareClass{Class: p.Class})
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

// spreadRatio returns the geometric mean over parts of SdA/SdB (parts with
// both spreads > 0; 0 when there is none), overall and per class.
func spreadRatio(parts []ComparePart) (all float64, byClass map[string]float64) {
	sum, n := 0.0, 0
	cs, cn := map[string]float64{}, map[string]int{}
	for _, p := range parts {
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

// CompareSpreadTail is the two-sided tail of F(NA − 1, NB − 1) that
// CompareSpreadBounds leaves out: 0.1 %.
const CompareSpreadTail = 0.001

// CompareSpreadBounds returns the range of SdA/SdB within the two-sided
// CompareSpreadTail of F(nA − 1, nB − 1), the law of var_A/var_B of one
// part for one Gaussian process. Comparison.SdRatio, a geometric mean over
// correlated parts, varies less than one part's ratio, so a ratio outside
// it is a conservative sign that the sets are not two samples of one
// process (syntheses matched to a set's mean, rescaled copies).
func CompareSpreadBounds(nA, nB int) (lo, hi float64) {
	f := distuv.F{D1: float64(nA - 1), D2: float64(nB - 1)}
	return math.Sqrt(f.Quantile(CompareSpreadTail / 2)), math.Sqrt(f.Quantile(1 - CompareSpreadTail/2))
}

// identicalPart reports whether the values a of one part over the maps of
// A and b over those of B are the same values up to round-off: every value
// of each is within max(rtol × the row's largest |value|, CompareIdentTol
// × classScale) of a value of the other, classScale the largest |re| or
// |im| of the part's class over all maps. So are rows identical by
// construction, such as P00 and the mean of maps and their phase
// surrogates (one surrogate per map, or several), and the C01 and C11 rows
// of maps against rescaled copies, each map normalised by its own
// reference: the difference of means and of spreads is then round-off and
// z ≈ 1e-15 to 1e-5. Two sets of distinct maps of one process do not have
// it (their values differ at the statistic's sample variance, far above
// round-off).
func identicalPart(a, b []float64, classScale, rtol float64) bool {
	scale := 0.0
	for _, x := range a {
		scale = max(scale, math.Abs(x))
	}
	for _, x := range b {
		scale = max(scale, math.Abs(x))
	}
	if !(scale > 0) {
		return false
	}
	tol := max(rtol*scale, CompareIdentTol*classScale)
	sa, sb := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	near := func(x float64, s []float64) bool {
		i, _ := slices.BinarySearch(s, x)
		return (i < len(s) && math.Abs(s[i]-x) <= tol) || (i > 0 && math.Abs(s[i-1]-x) <= tol)
	}
	for _, x := range sa {
		if !near(x, sb) {
			return false
		}
	}
	for _, x := range sb {
		if !near(x, sa) {
			return false
		}
	}
	return true
}

// constantPart reports whether the values x are one value up to round-off:
// max − min ≤ rtol·max(max|x|, scale), scale that of the coefficient's
// class (a standardised map's variance, 1 ± 1e-16, is constant: its z would
// be ~1e15; so is a row that is zero for every map up to round-off of its
// class, its z being noise of the round-off).
func constantPart(x []float64, scale, rtol float64) bool {
	lo, hi := slices.Min(x), slices.Max(x)
	return hi-lo <= rtol*max(math.Abs(lo), math.Abs(hi), scale)
}

// meanVar returns the mean and the unbiased variance of x (len ≥ 2).
func meanVar(x []float64) (mean, v float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, y := range x {
		v += (y - mean) * (y - mean)
	}
	return mean, v / float64(len(x)-1)
}

// partValues returns the values of part p over the first n maps of c.
func partValues(c *stlayer.Coeffs, p ComparePart, n int) []float64 {
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
