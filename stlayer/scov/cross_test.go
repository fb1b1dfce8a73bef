package scov

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestCrossSelfEqualsAuto: the cross statistics of (x, x) equal the auto
// statistics of x for every kind, C00 = P00 and Corr00 = 1.
func TestCrossSelfEqualsAuto(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := testutil.RandMaps(rng, 2, 64, 64)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.7 * x.Data[i])
	}
	for _, cfg := range []Config{{J: 4, L: 4}, {J: 3, L: 4, Normalization: NormP11, S3: S3Cov}} {
		cop, err := NewCross(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		op := cop.Op()
		eng := cpu.New()
		auto, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		pair, err := StackPair(x, x)
		if err != nil {
			t.Fatal(err)
		}
		cross, err := eng.Forward(cop.Key(), cop.Stat(), pair)
		if err != nil {
			t.Fatal(err)
		}
		if cross.K != cop.NumRaw() || cop.Labels().Len() != cop.NumRaw() {
			t.Fatalf("cross: %d coefficients, %d labels, want %d", cross.K, cop.Labels().Len(), cop.NumRaw())
		}
		lay1, lay2 := op.idx.layout(1), op.idx.layout(2)
		for b := 0; b < x.B; b++ {
			a, c := auto.Row(b), cross.Row(b)
			for f := 0; f < 2; f++ {
				testutil.CompareScaled(t, "mean", c[lay2.mean+f:lay2.mean+f+1], a[lay1.mean:lay1.mean+1], 1e-12, 1e-15)
				testutil.CompareScaled(t, "var", c[lay2.vr+f:lay2.vr+f+1], a[lay1.vr:lay1.vr+1], 1e-12, 1e-15)
				testutil.CompareScaled(t, "P00", c[lay2.p00+f*lay2.JL:lay2.p00+(f+1)*lay2.JL], a[lay1.p00:lay1.p00+lay1.JL], 1e-12, 1e-15)
				testutil.CompareScaled(t, "S1", c[lay2.s1+f*lay2.JL:lay2.s1+(f+1)*lay2.JL], a[lay1.s1:lay1.s1+lay1.JL], 1e-12, 1e-15)
			}
			testutil.CompareScaled(t, "C00", c[lay2.c00:lay2.c00+lay2.JL], a[lay1.p00:lay1.p00+lay1.JL], 1e-12, 1e-15)
			for q := 0; q < 4; q++ {
				testutil.CompareScaled(t, "C01 kind", c[lay2.C01(q, 0):lay2.C01(q, lay2.n2)], a[lay1.C01(0, 0):lay1.C01(0, lay1.n2)], 1e-12, 1e-15)
				testutil.CompareScaled(t, "C11 kind", c[lay2.C11(q, 0):lay2.C11(q, lay2.n3)], a[lay1.C11(0, 0):lay1.C11(0, lay1.n3)], 1e-12, 1e-15)
			}
		}
		// Normalised host dictionaries agree as well.
		ra, _ := op.Results(auto, nil)
		rc, err := cop.Results(cross, nil)
		if err != nil {
			t.Fatal(err)
		}
		n2, n3 := len(ra[0].C01), len(ra[0].C11)
		for b := range ra {
			for k := range rc[b].Corr00 {
				if cmplx.Abs(rc[b].Corr00[k]-1) > 1e-12 {
					t.Errorf("Corr00[%d] = %v, want 1", k, rc[b].Corr00[k])
				}
			}
			for q := 0; q < 4; q++ {
				testutil.CompareScaled(t, "C01 normalised", rc[b].C01[q*n2:(q+1)*n2], ra[b].C01, 1e-12, 1e-15)
				testutil.CompareScaled(t, "Corr11", rc[b].Corr11[q*n3:(q+1)*n3], ra[b].C11, 1e-12, 1e-15)
			}
		}
		// Cheng's 2-field dictionary: every kind's array equals the auto
		// dictionary's (NaN where the auto array has NaN), field arrays too.
		dc, da := cop.ChengDict(rc), op.ChengDict(ra)
		byName := func(as []Array) map[string]Array {
			m := map[string]Array{}
			for _, a := range as {
				m[a.Name] = a
			}
			return m
		}
		mc, ma := byName(dc), byName(da)
		asC := func(a Array) []complex128 {
			if a.Complex != nil {
				return a.Complex
			}
			out := make([]complex128, len(a.Real))
			for i, v := range a.Real {
				out[i] = complex(v, 0)
			}
			return out
		}
		same := func(cross, auto string, kinds int) {
			t.Helper()
			c, a := asC(mc[cross]), asC(ma[auto])
			if len(c) == 0 || len(c) != kinds*len(a) {
				t.Fatalf("%s: %d values, %s: %d (×%d kinds)", cross, len(c), auto, len(a), kinds)
			}
			per := len(a) / x.B
			for b := 0; b < x.B; b++ {
				for q := 0; q < kinds; q++ {
					for i := 0; i < per; i++ {
						cv, av := c[(b*kinds+q)*per+i], a[b*per+i]
						if cmplx.IsNaN(av) != cmplx.IsNaN(cv) || (!cmplx.IsNaN(av) && cmplx.Abs(cv-av) > 1e-10*(1+cmplx.Abs(av))) {
							t.Fatalf("%s[map %d, kind %d, %d] = %v, %s = %v", cross, b, q, i, cv, auto, av)
						}
					}
				}
			}
		}
		for _, f := range []string{"a", "b"} {
			same("mean_"+f, "mean", 1)
			same("var_"+f, "var", 1)
			same("P00_"+f, "P00", 1)
			same("P00_"+f+"_iso", "P00_iso", 1)
			same("P11_"+f, "P11", 1)
			same("P11_"+f+"_iso", "P11_iso", 1)
		}
		same("C00", "P00", 1)
		same("C01", "C01", 4)
		same("C01_iso", "C01_iso", 4)
		same("C11", "C11_pre_norm", 4)
		same("C11_iso", "C11_pre_norm_iso", 4)
		same("Corr11", "C11", 4)
		same("Corr11_iso", "C11_iso", 4)
		for _, a := range dc {
			n := 1
			for _, d := range a.Shape {
				n *= d
			}
			if n != len(a.Real)+len(a.Complex) || a.Shape[0] != x.B {
				t.Errorf("%s: shape %v for %d values", a.Name, a.Shape, len(a.Real)+len(a.Complex))
			}
		}
	}
}

// TestCrossSwap: swapping a and b swaps the kinds (a,a)↔(b,b), (a,b)↔(b,a),
// and conjugates C00.
func TestCrossSwap(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	a := testutil.RandMaps(rng, 1, 64, 64)
	b := testutil.RandMaps(rng, 1, 64, 64)
	for i := range a.Data {
		b.Data[i] = math.Exp(0.5*a.Data[i]) + 0.5*b.Data[i]
	}
	cop, err := NewCross(Config{J: 4, L: 4}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	get := func(p, q *stlayer.Maps) []complex128 {
		x, err := StackPair(p, q)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eng.Forward(cop.Key(), cop.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		return c.Row(0)
	}
	ab, ba := get(a, b), get(b, a)
	lay := cop.Op().idx.layout(2)
	swap := []int{1, 0, 3, 2}
	for q := 0; q < 4; q++ {
		testutil.CompareScaled(t, "C01 swap", ba[lay.C01(swap[q], 0):lay.C01(swap[q], lay.n2)], ab[lay.C01(q, 0):lay.C01(q, lay.n2)], 1e-12, 1e-15)
		testutil.CompareScaled(t, "C11 swap", ba[lay.C11(swap[q], 0):lay.C11(swap[q], lay.n3)], ab[lay.C11(q, 0):lay.C11(q, lay.n3)], 1e-12, 1e-15)
	}
	conj := make([]complex128, lay.JL)
	for k := range conj {
		conj[k] = cmplx.Conj(ab[lay.c00+k])
	}
	testutil.CompareScaled(t, "C00 swap", ba[lay.c00:lay.c00+lay.JL], conj, 1e-12, 1e-15)
	// The cross moments of correlated maps are not those of either map alone.
	if d := cmplx.Abs(ab[lay.C01(2, 5)] - ab[lay.C01(0, 5)]); d < 1e-6*cmplx.Abs(ab[lay.C01(0, 5)]) {
		t.Errorf("cross C01 equals auto C01 for different maps")
	}
}

// TestCrossGradientAndShape: central-difference check of the cross raw
// statistic's gradient (real and imaginary parts weighted), and a clear error
// for maps that are not 2M×N.
func TestCrossGradientAndShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	cop, err := NewCross(Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	x := testutil.RandMaps(rng, 1, 64, 32)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.5 * x.Data[i])
	}
	v := testutil.RandMaps(rng, 1, 64, 32)
	w := make([]complex128, cop.NumRaw())
	for i := range w {
		w[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	// ℒ = Σ Re(conj(w)·c): gradient g = w.
	lin := func(out *stlayer.Coeffs) (float64, []complex128, error) {
		l := 0.0
		for i, c := range out.Data {
			l += real(w[i])*real(c) + imag(w[i])*imag(c)
		}
		return l, append([]complex128(nil), w...), nil
	}
	eng := cpu.New()
	dir, fd := directional(t, eng, cop.Key(), cop.Stat(), x, v, lin)
	if rel := math.Abs(fd-dir) / math.Abs(fd); rel > 1e-6 {
		t.Errorf("cross gradient: %.10g vs central difference %.10g (rel %.2e)", dir, fd, rel)
	}
	if _, err := eng.Forward(cop.Key(), cop.Stat(), testutil.RandMaps(rng, 1, 32, 32)); err == nil {
		t.Errorf("32×32 input accepted by the cross statistic of 32×32 pairs")
	}
}
