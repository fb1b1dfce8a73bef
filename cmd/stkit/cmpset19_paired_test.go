package main

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/stkit-org/stkit/stlayer"
)

// cmpsetPaired compares the coefficients c of n paired maps of A and B
// (infer.CompareSets with Paired, the CPU engine's round-off).
func cmpsetPaired(t *testing.T, c *stlayer.Coeffs, n int) compareResult {
	t.Helper()
	r, err := compareCoeffs(c, nil, n, n, compareRoundoff("cpu"), false, true)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cmpsetTails runs r's permutation test (sign flips when r is paired) with
// seed 1: the upper and lower p, the splits and whether they were all.
func cmpsetTails(c *stlayer.Coeffs, r compareResult, perms int) (hi, lo float64, splits int, exact bool) {
	cmp := r.comparison()
	if err := cmp.Permute(c, perms, 1); err != nil {
		panic(err)
	}
	return cmp.PermP, cmp.PermPLow, cmp.Perms, cmp.PermExact
}

// Paired sets: B = A ×1.01 (cosmo2's paired maps, χ²/dof 0.31 unpaired).
// The paired z is mean(d)/(sd(d)/√n) of the differences, a Student t with
// ν = n − 1; a coefficient whose differences are one value (B = A + 0.5)
// is skipped and counted as constant with different values.
func TestCmpset19Paired(t *testing.T) {
	const n, K = 6, 3
	rng := rand.New(rand.NewPCG(3, 4))
	a := make([][]float64, n)
	for m := range a {
		a[m] = []float64{10 + rng.NormFloat64(), 5 + rng.NormFloat64(), rng.NormFloat64()}
	}
	c := cmpsetCoeffs(n, n, K, func(m, k int) float64 {
		if m < n {
			return a[m][k]
		}
		if k == 2 {
			return a[m-n][k] + 0.5
		}
		return 1.01 * a[m-n][k]
	})
	un := compareSets(c, nil, n, n)
	if un.Chi2 > 0.5 {
		t.Fatalf("unpaired χ²/dof %g: the test wants sets that look alike", un.Chi2)
	}
	r := cmpsetPaired(t, c, n)
	if r.Dof != 2 || r.Skipped != 1 || r.Constant != 1 || r.Nu != n-1 {
		t.Fatalf("dof %d skipped %d constant %d ν %d, want 2, 1, 1, %d", r.Dof, r.Skipped, r.Constant, r.Nu, n-1)
	}
	chi2 := 0.0
	for i, p := range r.Parts {
		d := make([]float64, n)
		for m := range n {
			d[m] = a[m][p.Index] - 1.01*a[m][p.Index]
		}
		md, vd := meanVar(d)
		want := md / math.Sqrt(vd/n)
		if math.Abs(p.Z-want) > 1e-9*math.Abs(want) || p.Index != i {
			t.Errorf("part %d (k %d): z %g, want %g", i, p.Index, p.Z, want)
		}
		chi2 += want * want / 2
		if math.Abs(p.Z) < 5 || math.Abs(p.Z) < 50*math.Abs(un.Parts[i].Z) {
			t.Errorf("paired z %g of a 1 %% shift: want it far beyond the unpaired %g", p.Z, un.Parts[i].Z)
		}
	}
	if math.Abs(r.Chi2-chi2) > 1e-9*chi2 {
		t.Errorf("χ²/dof %g, want %g", r.Chi2, chi2)
	}
	pt := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Survival(3)
	if math.Abs(r.ExpOver3-2*pt) > 1e-12 || r.Over3 != 2 || len(r.Classes) != 1 || r.Classes[0].Dof != 2 {
		t.Errorf("expected |z|>3 %g (want %g), over3 %d, classes %+v", r.ExpOver3, 2*pt, r.Over3, r.Classes)
	}
	if !strings.Contains(zLine19(r, compareExtra19{Paired: true}), "ν = n − 1 (paired) = 5") {
		t.Errorf("z line %q", zLine19(r, compareExtra19{Paired: true}))
	}
}

// The sign-flip test enumerates the 2^n patterns when they are at most
// perms: p is the share whose χ²/dof is at least the observed one, ≥ 2/2^n;
// p_low the share at most; random flips give (1 + count)/(1 + perms).
func TestCmpset19SignFlip(t *testing.T) {
	const n, K = 5, 4
	rng := rand.New(rand.NewPCG(5, 6))
	c := cmpsetCoeffs(n, n, K, func(m, k int) float64 { return rng.NormFloat64() + 0.3*float64(k)*float64(m/n) })
	r := cmpsetPaired(t, c, n)
	hi, lo, splits, exact := cmpsetTails(c, r, 1000)
	if !exact || splits != 32 {
		t.Fatalf("splits %d exact %v, want all 32", splits, exact)
	}
	// brute force
	nh, nl := 0, 0
	for mask := range 32 {
		chi2 := 0.0
		for _, p := range r.Parts {
			d := make([]float64, n)
			for m := range n {
				d[m] = real(c.Row(m)[p.Index]) - real(c.Row(n + m)[p.Index])
				if mask&(1<<m) != 0 {
					d[m] = -d[m]
				}
			}
			md, vd := meanVar(d)
			chi2 += md * md / (vd / n)
		}
		chi2 /= float64(len(r.Parts))
		if chi2 >= r.Chi2*(1-1e-12) {
			nh++
		}
		if chi2 <= r.Chi2*(1+1e-12) {
			nl++
		}
	}
	if hi != float64(nh)/32 || lo != float64(nl)/32 || hi < 2.0/32 {
		t.Errorf("p %g p_low %g, want %g and %g (≥ 2/32)", hi, lo, float64(nh)/32, float64(nl)/32)
	}
	hi, _, splits, exact = cmpsetTails(c, r, 20)
	if exact || splits != 20 || hi < 1.0/21 || math.Mod(hi*21, 1) > 1e-9 {
		t.Errorf("random flips: p %g splits %d exact %v, want a multiple of 1/21", hi, splits, exact)
	}
}
