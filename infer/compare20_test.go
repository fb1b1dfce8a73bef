package infer

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// A row small beside its class (1e-4 of the class's largest value, as a
// C01 row of the dust map's spectra) whose values in B are A's up to
// round-off of the class's sums (3e-16 of the class's scale, 3e-12 of the
// row's): identical, left out. identicalPart judged it against the row's
// own scale with rtol = 1e-12, so it stayed in χ²/dof with z ≈ 1e-11 (and
// from 1e-13 to 1.8e-5 on stkit stats dust.npy --compare dust×1.05
// --kind spectra --compare-ref each, the dust map and its flip per set).
// A row that differs by 1e-9 of the class's scale (distinct maps) is still
// compared.
func TestCompare20IdenticalTolerance(t *testing.T) {
	const n = 4
	lab := stlayer.NewLabels("k")
	for k := range 3 {
		lab.Add("C", map[string]int{"k": k})
	}
	c := &stlayer.Coeffs{B: 2 * n, K: 3, H: 1, W: 1, Data: make([]complex128, 2*n*3)}
	for m := range n {
		big := 0.5 + 0.1*float64(m)
		small := 1e-4 * (1 + 0.1*float64(m*m))
		c.Row(m)[0], c.Row(n + m)[0] = complex(big, 0), complex(big+0.05, 0)
		c.Row(m)[1], c.Row(n + m)[1] = complex(small, 0), complex(small+3e-16*float64(1-2*(m%2)), 0)
		c.Row(m)[2], c.Row(n + m)[2] = complex(small, 0), complex(small+1e-9, 0)
	}
	r, err := CompareSets(c, lab, n, n, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Identical) != 1 || r.Identical[0] != "C(k=1)" || r.Dof != 2 || r.Parts[0].Index != 0 || r.Parts[1].Index != 2 {
		t.Fatalf("identical %q, dof %d, parts %+v; want C(k=1) identical, rows 0 and 2 compared", r.Identical, r.Dof, r.Parts)
	}
	if z := r.Parts[1].Z; math.Abs(z) < 1e-6 || math.Abs(z) > 1e-3 {
		t.Errorf("row 2 (1e-9 of the class apart): z %g", z)
	}
	// the tolerance itself: 1e-11 of the class's scale, on top of rtol × the row's
	for _, d := range []struct {
		diff float64
		want bool
	}{{0.9e-11, true}, {1.1e-11, false}} {
		a, b := []float64{1e-4, 2e-4}, []float64{1e-4 + d.diff, 2e-4}
		if got := identicalPart(a, b, 1, 1e-12); got != d.want {
			t.Errorf("values %g apart, class scale 1: identical %v, want %v", d.diff, got, d.want)
		}
	}
	if !identicalPart([]float64{1, 2}, []float64{1 + 1e-12, 2}, 2, 1e-12) {
		t.Error("rtol × the row's scale no longer counts")
	}
}

// CompareSets on two sets of 3 values of 2 coefficients, by hand: z =
// (mean_A − mean_B)/sqrt(var_A/3 + var_B/3), χ²/dof the mean z², ν = 4,
// sd_A/sd_B the geometric mean; paired: z = mean(d)/(sd(d)/√3), ν = 2, and
// the 8 sign patterns (exact p ≥ 2/8); the 20 splits of 6 maps (p ≥ 2/20).
// Coefficients that do not fit are input errors.
func TestCompare20ByHand(t *testing.T) {
	a := [][2]float64{{1, 10}, {2, 12}, {4, 11}}
	b := [][2]float64{{3, 20}, {5, 23}, {6, 21}}
	c := &stlayer.Coeffs{B: 6, K: 2, H: 1, W: 1, Data: make([]complex128, 12)}
	for m := range 3 {
		for k := range 2 {
			c.Row(m)[k], c.Row(3 + m)[k] = complex(a[m][k], 0), complex(b[m][k], 0)
		}
	}
	// k = 0: means 7/3, 14/3, variances 7/3 each; k = 1: 11, 64/3, variances 1, 7/3
	z0 := (7.0/3 - 14.0/3) / math.Sqrt(7.0/9+7.0/9)
	z1 := (11 - 64.0/3) / math.Sqrt(1.0/3+7.0/9)
	r, err := CompareSets(c, nil, 3, 3, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-12*math.Abs(want) }
	if r.Dof != 2 || r.Nu != 4 || !near(r.Parts[0].Z, z0) || !near(r.Parts[1].Z, z1) || !near(r.Chi2, (z0*z0+z1*z1)/2) || r.Max.Index != 1 {
		t.Errorf("dof %d ν %d z %g %g (want %g %g) χ²/dof %g max %d", r.Dof, r.Nu, r.Parts[0].Z, r.Parts[1].Z, z0, z1, r.Chi2, r.Max.Index)
	}
	if want := math.Sqrt(1 / math.Sqrt(7.0/3)); !near(r.SdRatio, want) || !near(r.ClassSd[""], want) {
		t.Errorf("sd ratio %g (class %g), want %g", r.SdRatio, r.ClassSd[""], want)
	}
	if err := r.Permute(c, 1000, 1); err != nil {
		t.Fatal(err)
	}
	if !r.PermExact || r.Perms != 20 || r.PermMinP != 0.1 || r.PermP != 0.1 || r.PermPLow != 1 {
		t.Errorf("splits %d exact %v p %g p_low %g min %g; want all 20, p = 2/20 (the sets apart), p_low 1", r.Perms, r.PermExact, r.PermP, r.PermPLow, r.PermMinP)
	}
	p, err := CompareSets(c, nil, 3, 3, CompareOptions{Paired: true})
	if err != nil {
		t.Fatal(err)
	}
	// differences k = 0: −2, −3, −2; k = 1: −10, −11, −10 (mean −7/3 and −31/3, sd √(1/3))
	zp := (-7.0 / 3) / math.Sqrt(1.0/3/3)
	zq := (-31.0 / 3) / math.Sqrt(1.0/3/3)
	if !p.Paired || p.Nu != 2 || p.Dof != 2 || !near(p.Parts[0].Z, zp) || !near(p.Parts[1].Z, zq) {
		t.Errorf("paired: ν %d dof %d z %+v, want %g %g", p.Nu, p.Dof, p.Parts, zp, zq)
	}
	if err := p.Permute(c, 1000, 1); err != nil {
		t.Fatal(err)
	}
	if err := p.Permute(&stlayer.Coeffs{B: 6, K: 1, H: 1, W: 1, Data: make([]complex128, 6)}, 1000, 1); !errors.Is(err, ErrModelInput) || p.Perms != 8 {
		t.Errorf("coefficients of 1 per map for parts 0 and 1: %v (perms %d)", err, p.Perms)
	}
	if !p.PermExact || p.Perms != 8 || p.PermP != 0.25 || p.PermMinP != 0.25 {
		t.Errorf("sign flips: %d exact %v p %g min %g; want all 8, p = 2/8", p.Perms, p.PermExact, p.PermP, p.PermMinP)
	}
	for _, bad := range []struct {
		nA, nB int
		opt    CompareOptions
	}{{1, 5, CompareOptions{}}, {3, 2, CompareOptions{}}, {2, 4, CompareOptions{Paired: true}}} {
		if _, err := CompareSets(c, nil, bad.nA, bad.nB, bad.opt); !errors.Is(err, ErrModelInput) {
			t.Errorf("%d and %d maps (%+v): error %v, want an input error", bad.nA, bad.nB, bad.opt, err)
		}
	}
}

// CoeffsOwnRef: 3 maps and their ×2 copies, each normalised by its own
// reference, have the spectra's C01 and C11 of the maps (every such part
// identical or constant, none compared), while P00 sees the amplitude; the
// row of a map is stats of that map alone. A map of zeros is refused with
// its index.
func TestCompare20OwnRef(t *testing.T) {
	const n = 3
	x := stlayer.NewMaps(2*n, 32, 32)
	for i := range n {
		f, err := datasets.LogNormalField(32, 32, -2.5, 0.8, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(x.Map(i), f)
		for p, v := range f {
			x.Map(n + i)[p] = 2 * v
		}
	}
	eng := cpu.New()
	spec := stats.Spec{Kind: stats.Spectra, J: 3}.WithDefaults(32, 32)
	c, err := CoeffsOwnRef(eng, spec, x)
	if err != nil {
		t.Fatal(err)
	}
	op, err := stats.BuildWithRef(spec, eng, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Map(n)})
	if err != nil {
		t.Fatal(err)
	}
	one, err := eng.Forward(op.Key(), op.Stat(), &stlayer.Maps{B: 1, M: 32, N: 32, Data: x.Map(n)})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range one.Row(0) {
		if c.Row(n)[k] != v {
			t.Fatalf("coefficient %d: %v, stats of the map alone %v", k, c.Row(n)[k], v)
		}
	}
	r, err := CompareSets(c, op.Labels(), n, n, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p00 := 0.0
	for _, p := range r.Parts {
		if p.Class == "C01" || p.Class == "C11" {
			t.Errorf("%s compared (z %g): the same shape", p.Label, p.Z)
		}
		if p.Class == "P00" {
			p00 = max(p00, math.Abs(p.Z))
		}
	}
	if p00 < 3 || len(r.Identical) < 100 {
		t.Errorf("P00 max |z| %g, %d parts identical: want the amplitude seen and C01, C11 left out", p00, len(r.Identical))
	}
	x.Data = append(make([]float64, 32*32), x.Data[32*32:]...)
	if _, err := CoeffsOwnRef(eng, spec, x); !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "map 0 is identically zero") {
		t.Errorf("a map of zeros: %v", err)
	}
}

// CoeffsOwnRef with spec's zero fields gives the coefficients of the spec
// with its defaults filled in for the maps' size, bit for bit (real maps:
// scov, spectra, wst, wph --norm auto; complex 32×64 pairs: J = 3 from
// one part, where x's 64×64 stacks would give 4).
func TestCompare20OwnRefDefaults(t *testing.T) {
	eng := cpu.New()
	maps := func(b, m, n int, seed uint64) *stlayer.Maps {
		x := stlayer.NewMaps(b, m, n)
		for i := range b {
			f, err := datasets.LogNormalField(m, n, -2.5, 0.8, seed+uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			copy(x.Map(i), f)
		}
		return x
	}
	same := func(name string, spec, full stats.Spec, x *stlayer.Maps) {
		c1, err := CoeffsOwnRef(eng, spec, x)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := CoeffsOwnRef(eng, full, x)
		if err != nil {
			t.Fatal(err)
		}
		if c1.K != c2.K || !slices.Equal(c1.Data, c2.Data) {
			t.Errorf("%s: zero fields give K = %d, filled in %d (or other values)", name, c1.K, c2.K)
		}
	}
	x := maps(2, 32, 32, 1)
	for _, sp := range []stats.Spec{{}, {Kind: stats.Spectra}, {Kind: stats.WST}, {Kind: stats.WPH, Norm: "Auto"}} {
		same(string(sp.Kind), sp, sp.WithDefaults(32, 32), x)
	}
	q, u := maps(2, 32, 64, 10), maps(2, 32, 64, 20)
	st, err := wph.StackPair(q, u)
	if err != nil {
		t.Fatal(err)
	}
	sp := stats.Spec{Kind: stats.WPH, Complex: true}
	if full := sp.WithDefaults(32, 64); full.J != 3 || sp.WithDefaults(st.M, st.N).J != 4 {
		t.Fatalf("J of 32×64: %d; of the 64×64 stacks %d", full.J, sp.WithDefaults(st.M, st.N).J)
	}
	same("complex wph", sp, sp.WithDefaults(32, 64), st)
}
