package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// CompareAlikeTail by hand: χ²_1/1 ≤ x is |N| ≤ √x, erf(√(x/2)); χ²_2/2
// ≤ x is 1 − e^(−x).
func TestCmpalike20Tail(t *testing.T) {
	for _, x := range []float64{1e-16, 0.0062, 0.5, 1} {
		if got, want := CompareAlikeTail(x, 1), math.Erf(math.Sqrt(x/2)); math.Abs(got-want) > 1e-9*want {
			t.Errorf("m = 1, x = %g: %g, want %g", x, got, want)
		}
		if got, want := CompareAlikeTail(x, 2), -math.Expm1(-x); math.Abs(got-want) > 1e-9*want {
			t.Errorf("m = 2, x = %g: %g, want %g", x, got, want)
		}
	}
	if !math.IsNaN(CompareAlikeTail(0.1, 0)) {
		t.Error("m = 0 (invalid) should give NaN (libfix20)")
	}
}

// EffDof by hand: two parts that are one (the same values, ×2) are worth
// 1; two whose residuals are orthogonal are worth 2.
func TestCmpalike20EffDof(t *testing.T) {
	mk := func(a, b [][2]float64) *stlayer.Coeffs {
		c := &stlayer.Coeffs{B: 6, K: 2, H: 1, W: 1, Data: make([]complex128, 12)}
		for m := range 3 {
			for k := range 2 {
				c.Row(m)[k], c.Row(3 + m)[k] = complex(a[m][k], 0), complex(b[m][k], 0)
			}
		}
		return c
	}
	one := mk([][2]float64{{1, 2}, {2, 4}, {4, 8}}, [][2]float64{{3, 6}, {5, 10}, {6, 12}})
	r, err := CompareSets(one, nil, 3, 3, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.EffDof-1) > 1e-12 || math.Abs(r.AlikeP-CompareAlikeTail(r.Chi2, 1)) > 1e-15 {
		t.Errorf("parts that are one: EffDof %g, AlikeP %g; want 1, P(χ²_1 ≤ %g)", r.EffDof, r.AlikeP, r.Chi2)
	}
	// residuals (−1, 0, 1, −1, 0, 1) and (1, −2, 1, 1, −2, 1): orthogonal
	orth := mk([][2]float64{{1, 3}, {2, 0}, {3, 3}}, [][2]float64{{5, 4}, {6, 1}, {7, 4}})
	r, err = CompareSets(orth, nil, 3, 3, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.EffDof-2) > 1e-12 {
		t.Errorf("orthogonal parts: EffDof %g, want 2", r.EffDof)
	}
	r, err = CompareSets(orth, nil, 3, 3, CompareOptions{Paired: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.EffDof != 0 || r.AlikeP != 1 {
		t.Errorf("paired: EffDof %g, AlikeP %g; want 0 and 1 (not computed)", r.EffDof, r.AlikeP)
	}
}

// A set of 4 log-normal maps against itself with 24 pixels changed by
// 1.2e-7 relative (float32's ulp; spectra, J = 3): χ²/dof = 0.0038, which
// the permutation p_low (≥ 0.029 with 4 + 4 maps) cannot flag; AlikeP =
// 8.3e-23 (EffDof 2.8; 4.6e-4 while the mean() row, z = 0.84, was in the
// statistic: alikeParts), below CompareAlikeP/10. Independent sets (5
// seeds) stay above it, and their EffDof from every 10th part
// (compareAlikeBudget) is near all's. Before compareAlike no field said so
// (p = 0.886 and no warning on the tester's setA/setA2, wst).
func TestCmpalike20NearCopies(t *testing.T) {
	const n, size = 4, 32
	eng := cpu.New()
	field := func(seed uint64) []float64 {
		x, err := datasets.LogNormalField(size, size, -2.5, 0.8, seed)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	run := func(union *stlayer.Maps) Comparison {
		return comparePooled(t, eng, stats.Spec{Kind: stats.Spectra, J: 3}, union, n, CompareOptions{})
	}
	near := stlayer.NewMaps(2*n, size, size)
	for i := range n {
		x := field(uint64(i + 1))
		copy(near.Map(i), x)
		copy(near.Map(n+i), x)
	}
	for p := range 24 {
		v := near.Map(n + p%n)
		v[37*p] *= 1 + 1.2e-7
	}
	r := run(near)
	t.Logf("near-copies: χ²/dof %g over %d dof, EffDof %g, AlikeP %g, max z %g at %s", r.Chi2, r.Dof, r.EffDof, r.AlikeP, r.Max.Z, r.Max.Label)
	if r.Chi2 > 0.01 || r.AlikeP > CompareAlikeP/10 || r.EffDof < 1 || r.EffDof > 2*n-2 {
		t.Errorf("near-copies: χ²/dof %g, AlikeP %g, EffDof %g; want χ²/dof ≤ 0.01, AlikeP ≤ %g", r.Chi2, r.AlikeP, r.EffDof, CompareAlikeP/10)
	}
	for s := range 5 {
		ind := stlayer.NewMaps(2*n, size, size)
		for i := range 2 * n {
			copy(ind.Map(i), field(uint64(100*(s+1)+i)))
		}
		r := run(ind)
		if r.AlikeP < 10*CompareAlikeP || r.EffDof > 2*n-2 {
			t.Errorf("independent sets, seed %d: χ²/dof %g, AlikeP %g, EffDof %g; want AlikeP ≥ %g", s, r.Chi2, r.AlikeP, r.EffDof, 10*CompareAlikeP)
		}
		// every 10th part (185 dof × 64 over a budget of 1200): EffDof
		// within 25 % of all parts'
		budget := compareAlikeBudget
		compareAlikeBudget = 1200
		sub := run(ind)
		compareAlikeBudget = budget
		t.Logf("seed %d: EffDof %.3g of all parts, %.3g of every 10th", s, r.EffDof, sub.EffDof)
		if math.Abs(sub.EffDof/r.EffDof-1) > 0.25 || sub.Chi2 != r.Chi2 {
			t.Errorf("independent sets, seed %d: EffDof %g from every 10th part, %g from all", s, sub.EffDof, r.EffDof)
		}
	}
}

// The near-copy statistic leaves out the maps' mean rows and the parts
// constant by construction: 4 standardised log-normal 32² maps against
// the same + 1e-3·N(0, 1) (wst J = 3) had χ²/dof = 0.0053 over 217 dof,
// nearly all of it from S0, the means (~1e-17 in A, ~3e-5 in B: z =
// −1.07), the 216 other parts |z| ≤ 0.004: AlikeP = 0.003 (at 64², another
// draw: S0's z = 1.47, AlikeP 0.045, no warning). Without S0: χ²/dof
// 8.6e-7 over 216 dof, AlikeP 1.7e-7.
func TestCmpalike20MeanRows(t *testing.T) {
	const n, size = 4, 32
	eng := cpu.New()
	union := stlayer.NewMaps(2*n, size, size)
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range n {
		x, err := datasets.LogNormalField(size, size, -2.5, 0.8, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(union.Map(i), x)
		for p, v := range x {
			union.Map(n + i)[p] = v + 1e-3*rng.NormFloat64()
		}
	}
	r := comparePooled(t, eng, stats.Spec{Kind: stats.WST, J: 3}, union, n, CompareOptions{})
	other := 0.0
	for _, p := range r.Parts {
		if p.Class != "S0" {
			other = max(other, math.Abs(p.Z))
		}
	}
	t.Logf("χ²/dof %g over %d, max %s %g, others ≤ %g; alike: %d dof, χ²/dof %g, EffDof %g, AlikeP %g", r.Chi2, r.Dof, r.Max.Label, r.Max.Z, other, r.AlikeDof, r.AlikeChi2, r.EffDof, r.AlikeP)
	if r.Max.Class != "S0" || r.AlikeDof != r.Dof-1 || r.AlikeP > CompareAlikeP/10 || r.AlikeChi2 > 1e-4 {
		t.Errorf("A against A + 1e-3 noise: largest |z| at %s, near-copy statistic over %d of %d parts, χ²/dof %g, AlikeP %g; want S0 left out (%d parts), AlikeP ≤ %g", r.Max.Label, r.AlikeDof, r.Dof, r.AlikeChi2, r.AlikeP, r.Dof-1, CompareAlikeP/10)
	}
}

// Paired near-copies had no sign: 4 log-normal 32² maps against the same
// with 24 pixels changed by one float32 ulp, --paired (wst J = 3), gave
// paired χ²/dof ≈ 1 and no near-copy statistic (AlikeP is for independent
// sets). Now PairRatio, the pairs' differences over the maps' spread, is
// ~1e-9, below ComparePairedCopyRatio; independent pairs (3 seeds) give
// about 1, ×1.01 copies 0.01.
func TestCmpalike20PairedNearCopies(t *testing.T) {
	const n, size = 4, 32
	eng := cpu.New()
	field := func(seed uint64) []float64 {
		x, err := datasets.LogNormalField(size, size, -2.5, 0.8, seed)
		if err != nil {
			t.Fatal(err)
		}
		for p, v := range x {
			x[p] = float64(float32(v))
		}
		return x
	}
	run := func(union *stlayer.Maps) Comparison {
		return comparePooled(t, eng, stats.Spec{Kind: stats.WST, J: 3}, union, n, CompareOptions{Paired: true})
	}
	pairs := func(f func(i int, x []float64) []float64) *stlayer.Maps {
		u := stlayer.NewMaps(2*n, size, size)
		for i := range n {
			x := field(uint64(i + 1))
			copy(u.Map(i), x)
			copy(u.Map(n+i), f(i, x))
		}
		return u
	}
	ulp := run(pairs(func(i int, x []float64) []float64 {
		for p := range 6 {
			k := 100*p + i
			x[k] = float64(math.Float32frombits(math.Float32bits(float32(x[k])) + 1))
		}
		return x
	}))
	t.Logf("ulp pairs: χ²/dof %g over %d, PairRatio %g over %d parts", ulp.Chi2, ulp.Dof, ulp.PairRatio, ulp.AlikeDof)
	if !(ulp.PairRatio > 0) || ulp.PairRatio > 1e-7 || ulp.Chi2 < 0.1 || ulp.EffDof != 0 || ulp.AlikeP != 1 {
		t.Errorf("ulp pairs: PairRatio %g (χ²/dof %g, EffDof %g, AlikeP %g); want 0 < PairRatio ≤ 1e-7, below %g", ulp.PairRatio, ulp.Chi2, ulp.EffDof, ulp.AlikeP, ComparePairedCopyRatio)
	}
	scaled := run(pairs(func(_ int, x []float64) []float64 {
		for p := range x {
			x[p] *= 1.01
		}
		return x
	}))
	if math.Abs(scaled.PairRatio-0.01) > 0.005 {
		t.Errorf("×1.01 pairs: PairRatio %g, want about 0.01", scaled.PairRatio)
	}
	for s := range 3 {
		ind := stlayer.NewMaps(2*n, size, size)
		for i := range 2 * n {
			copy(ind.Map(i), field(uint64(100*(s+1)+i)))
		}
		r := run(ind)
		t.Logf("independent pairs, seed %d: PairRatio %g", s, r.PairRatio)
		if r.PairRatio < 0.2 {
			t.Errorf("independent pairs, seed %d: PairRatio %g, want ≥ 0.2", s, r.PairRatio)
		}
	}
	if r := run(pairs(func(_ int, x []float64) []float64 { return x })); r.Dof != 0 || r.PairRatio != 0 {
		t.Errorf("identical pairs: Dof %d, PairRatio %g; want 0, 0 (nothing compared)", r.Dof, r.PairRatio)
	}
}

// comparePooled compares the first n maps of union with the other n on
// spec's statistic measured with both sets as the reference (stats
// --compare's default, --compare-ref pooled).
func comparePooled(t *testing.T, eng stlayer.Engine, spec stats.Spec, union *stlayer.Maps, n int, opt CompareOptions) Comparison {
	t.Helper()
	op, err := stats.BuildWithRef(spec.WithDefaults(union.M, union.N), eng, union)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), union)
	if err != nil {
		t.Fatal(err)
	}
	r, err := CompareSets(c, op.Labels(), n, n, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
