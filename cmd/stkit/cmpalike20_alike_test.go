package main

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
)

// cmpalikeVariant writes to dir/name the maps of src changed by f (a copy
// of the values).
func cmpalikeVariant(t *testing.T, src, dir, name string, f func(b, m, n int, x []float64) []float64) string {
	t.Helper()
	m, err := datasets.ReadMaps(src)
	if err != nil {
		t.Fatal(err)
	}
	for b := range m.B {
		copy(m.Map(b), f(b, m.M, m.N, append([]float64(nil), m.Map(b)...)))
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

// Near-copies of 4 maps passed without a word: the sd ratio (1) and the
// permutation p_low (≥ 0.029 with 4 + 4 maps) cannot flag them. The
// tester's setA against setA2 (24 pixels changed by a float32 ulp) gave
// χ²/dof = 1.9e-16, p = 0.886; against itself shifted by (5, 7) under wst
// 0.0062 over 68 dof. Now χ²/dof's lower tail (p_chi2_low, infer's
// AlikeP) warns; independent sets (3 seeds) do not.
func TestCmpalike20CLINearCopies(t *testing.T) {
	dir := t.TempDir()
	a := cmpsetMaps(t, dir, "a.npy", 4, 1, 1, 1)
	ulp := cmpalikeVariant(t, a, dir, "ulp.npy", func(b, _, _ int, x []float64) []float64 {
		for p := range 6 {
			x[100*p+b] *= 1 + 1.2e-7
		}
		return x
	})
	shift := cmpalikeVariant(t, a, dir, "shift.npy", func(_, m, n int, x []float64) []float64 {
		y := make([]float64, len(x))
		for i := range m {
			for j := range n {
				y[((i+5)%m)*n+(j+7)%n] = x[i*n+j]
			}
		}
		return y
	})
	for _, c := range []struct {
		name, b, kind string
		maxChi2       float64
	}{{"ulp", ulp, "wst", 1e-6}, {"ulp", ulp, "scov", 0.1}, {"shift", shift, "wst", 0.1}} {
		_, errs, d := cmpsetRun(t, a, "--compare", c.b, "--kind", c.kind, "-J", "3")
		if d.Chi2 > c.maxChi2 || d.AlikeP == nil || *d.AlikeP >= infer.CompareAlikeP || d.EffDof < 1 || d.EffDof > 6 ||
			!strings.Contains(errs, "A and B are near-copies") || !strings.Contains(strings.Join(d.Warnings, "\n"), "near-copies") {
			p := math.NaN()
			if d.AlikeP != nil {
				p = *d.AlikeP
			}
			t.Errorf("%s %s: χ²/dof %g, p_chi2_low %g, effective dof %g, warnings %q\n%s", c.name, c.kind, d.Chi2, p, d.EffDof, d.Warnings, errs)
		}
	}
	for s := range 3 {
		b := cmpsetMaps(t, dir, "b.npy", 4, uint64(50+10*s), 1, 1)
		_, errs, d := cmpsetRun(t, a, "--compare", b, "--kind", "wst", "-J", "3")
		if d.AlikeP == nil || *d.AlikeP < 10*infer.CompareAlikeP || strings.Contains(errs, "near-copies") || len(d.Warnings) != 0 {
			t.Errorf("independent, seed %d: χ²/dof %g, p_chi2_low %v, warnings %q\n%s", s, d.Chi2, d.AlikeP, d.Warnings, errs)
		}
	}
	// paired sets: not computed (z of the differences), nothing in the JSON
	if _, _, d := cmpsetRun(t, a, "--compare", ulp, "--kind", "wst", "-J", "3", "--paired"); d.AlikeP != nil || d.EffDof != 0 {
		t.Errorf("paired: p_chi2_low %v, effective dof %g; want none", d.AlikeP, d.EffDof)
	}
}

// The near-copy warning quoted χ²/dof over every part, the maps' mean
// (wst S0) included, whose z is round-off against round-off when the maps
// have zero mean by construction: 4 standardised maps against the same +
// 1e-3·N(0, 1) (32², wst J = 3). Now the statistic leaves S0 out
// (infer.Comparison.AlikeDof) and the warning says so.
func TestCmpalike20CLIMeanRows(t *testing.T) {
	dir := t.TempDir()
	a := cmpsetMaps(t, dir, "a.npy", 4, 1, 1, 1)
	rng := rand.New(rand.NewPCG(3, 5))
	noisy := cmpalikeVariant(t, a, dir, "noisy.npy", func(_, _, _ int, x []float64) []float64 {
		for p := range x {
			x[p] += 1e-3 * rng.NormFloat64()
		}
		return x
	})
	_, errs, d := cmpsetRun(t, a, "--compare", noisy, "--kind", "wst", "-J", "3", "--permutations", "0")
	if d.AlikeDof != d.Dof-1 || d.AlikeChi2 == nil || *d.AlikeChi2 > 1e-4 || d.AlikeP == nil || *d.AlikeP >= infer.CompareAlikeP ||
		!strings.Contains(errs, "over 216 dof (the maps' mean and parts constant by construction, 1 of the 217, left out: their z is round-off)") {
		t.Errorf("A against A + 1e-3 noise: dof %d, dof_alike %d, chi2_per_dof_alike %v, p_chi2_low %v\n%s", d.Dof, d.AlikeDof, d.AlikeChi2, d.AlikeP, errs)
	}
}

// Paired near-copies passed without a word: 4 maps against the same with
// 6 pixels each changed by 1.2e-7 relative, --paired (wst J = 3), gave a
// paired χ²/dof of order 1 and no warning. Now paired_diff_ratio (the
// differences over the maps' spread, ~1e-9) warns; independent pairs do
// not.
func TestCmpalike20CLIPairedNearCopies(t *testing.T) {
	dir := t.TempDir()
	a := cmpsetMaps(t, dir, "a.npy", 4, 1, 1, 1)
	ulp := cmpalikeVariant(t, a, dir, "ulp.npy", func(b, _, _ int, x []float64) []float64 {
		for p := range 6 {
			x[100*p+b] *= 1 + 1.2e-7
		}
		return x
	})
	_, errs, d := cmpsetRun(t, a, "--compare", ulp, "--kind", "wst", "-J", "3", "--paired")
	if !d.Paired || !(d.PairRatio > 0) || d.PairRatio >= 1e-7 || len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "A and B are near-copies") ||
		!strings.Contains(errs, "the differences of the 4 pairs are ") || d.AlikeP != nil {
		t.Errorf("paired ulp copies: χ²/dof %g, paired_diff_ratio %g, warnings %q\n%s", d.Chi2, d.PairRatio, d.Warnings, errs)
	}
	b := cmpsetMaps(t, dir, "b.npy", 4, 50, 1, 1)
	_, errs, d = cmpsetRun(t, a, "--compare", b, "--kind", "wst", "-J", "3", "--paired")
	if d.PairRatio < 0.2 || len(d.Warnings) != 0 {
		t.Errorf("independent pairs: paired_diff_ratio %g, warnings %q\n%s", d.PairRatio, d.Warnings, errs)
	}
}
