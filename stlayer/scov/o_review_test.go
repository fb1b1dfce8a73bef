package scov

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Config.FullResolution's doc states how far the uncropped sums are from
// Cheng's cropped ones on the 256² dust map (J = 6, L = 4): up to 3e−4
// relative in C01 and 1e−5 in C11 (measured: 3.2e−4 and 9.7e−6). The worst
// relative difference is taken over the coefficients above 1e−3 of their
// class's largest magnitude (the near-zero ones carry no relative meaning);
// the one-filter moments (mean, var, P00, S1) do not use the crop and are
// equal.
func TestFullResolutionDistanceFromCrop(t *testing.T) {
	x := loadMap(t, "dust256.npy")
	eng := cpu.New()
	var vals [2][]complex128
	var op *Op
	for i, full := range []bool{false, true} {
		o, err := New(Config{J: 6, L: 4, FullResolution: full}, 256, 256)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eng.Forward(o.Key(), o.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		vals[i], op = c.Row(0), o
	}
	lab := op.Labels()
	largest := map[string]float64{}
	for i := range vals[0] {
		largest[lab.Class[i]] = math.Max(largest[lab.Class[i]], cmplx.Abs(vals[0][i]))
	}
	worst := map[string]float64{}
	for i := range vals[0] {
		cl := lab.Class[i]
		if a := cmplx.Abs(vals[0][i]); a > 1e-3*largest[cl] {
			worst[cl] = math.Max(worst[cl], cmplx.Abs(vals[1][i]-vals[0][i])/a)
		}
	}
	t.Logf("worst relative difference, FullResolution vs Cheng's crop: %v", worst)
	for cl, lim := range map[string][2]float64{"C01": {1e-4, 3.5e-4}, "C11": {3e-6, 1.5e-5}, "P00": {0, 0}, "S1": {0, 0}, "mean": {0, 0}, "var": {0, 0}} {
		if w := worst[cl]; w < lim[0] || w > lim[1] || (lim[1] > 0 && w == 0) {
			t.Errorf("%s: worst relative difference %.2e, documented range [%.0e, %.1e]", cl, w, lim[0], lim[1])
		}
	}
}

// Spectra.Threshold's doc: "A zero std keeps the entry iff its mean is
// non-zero" (the ratio |mean|/0 is +Inf or 0/0), whatever the threshold;
// "mean" is always kept. Three identical samples have std 0 everywhere:
// with keepP00 = keepS1 = false every entry, P00 and S1 included, is kept
// iff it is non-zero, for thresholds 0, 1 and 1e6.
func TestThresholdZeroStd(t *testing.T) {
	op, err := New(Config{J: 3, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, sp.Len())
	for i := range v {
		if i%3 != 0 {
			v[i] = float64(i%7) - 3 // zeros at i%7 == 3 too
		}
	}
	for _, thr := range []float64{0, 1, 1e6} {
		mask, err := sp.Threshold([][]float64{v, append([]float64(nil), v...), append([]float64(nil), v...)}, thr, false, false)
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for i, k := range mask {
			want := v[i] != 0 || sp.Labels().Class[i] == "mean"
			if k != want {
				t.Errorf("threshold %g: entry %d (%s, mean %g, std 0) kept = %v, want %v", thr, i, sp.Labels().String(i), v[i], k, want)
			}
			if k {
				kept++
			}
		}
		t.Logf("threshold %g: %d of %d kept", thr, kept, len(mask))
	}
}

// CrossOp.Results with a CrossRef: A normalises the moments of field a (top
// rows), B those of field b, with the factors of the Results doc. A
// reference equal to each field's own P00/P11 reproduces the self-normalised
// dictionary; scaling A's P00 by 4 and P11 by 9 divides the kinds (a,a),
// (b,b), (a,b), (b,a) of C01 by 4, 1, 2, 2 (NormP00: √(P00_fa·P00_fb)) or
// 6, 1, 2, 3 (NormP11: √(P00_fa·P11_fb)) and of Corr11 by 4, 1, 2, 2
// (√(P00_fa·P00_fb)) or 9, 1, 3, 3 (√(P11_fa·P11_fb)); Corr00 keeps the
// pair's own P00 (as Cheng).
func TestCrossRefNormalisesEachField(t *testing.T) {
	a, b := cropTestMaps(31, 1, 32, 32), cropTestMaps(32, 1, 32, 32)
	pair, err := StackPair(a, b)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	for _, c := range []struct {
		norm     Normalization
		c01, c11 [4]float64
	}{
		{NormP00, [4]float64{4, 1, 2, 2}, [4]float64{4, 1, 2, 2}},
		{NormP11, [4]float64{6, 1, 2, 3}, [4]float64{9, 1, 3, 3}},
	} {
		cop, err := NewCross(Config{J: 3, L: 4, Normalization: c.norm}, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := eng.Forward(cop.Key(), cop.Stat(), pair)
		if err != nil {
			t.Fatal(err)
		}
		ra, err := cop.Op().NewRef(eng, a)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := cop.Op().NewRef(eng, b)
		if err != nil {
			t.Fatal(err)
		}
		self, err := cop.Results(raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		own, err := cop.Results(raw, &CrossRef{A: ra, B: rb})
		if err != nil {
			t.Fatal(err)
		}
		testutil.CompareScaled(t, c.norm.String()+" own-ref C01", own[0].C01, self[0].C01, 1e-12, 1e-14)
		testutil.CompareScaled(t, c.norm.String()+" own-ref Corr11", own[0].Corr11, self[0].Corr11, 1e-12, 1e-14)
		sa := &Ref{J: ra.J, L: ra.L, P00: append([]float64(nil), ra.P00...), P11: append([]float64(nil), ra.P11...)}
		for i := range sa.P00 {
			sa.P00[i] *= 4
		}
		for i := range sa.P11 {
			sa.P11[i] *= 9
		}
		scaled, err := cop.Results(raw, &CrossRef{A: sa, B: rb})
		if err != nil {
			t.Fatal(err)
		}
		n2, n3 := len(self[0].C01)/4, len(self[0].C11)/4
		for q := 0; q < 4; q++ {
			want := make([]complex128, n2)
			for i := range want {
				want[i] = self[0].C01[q*n2+i] / complex(c.c01[q], 0)
			}
			testutil.CompareScaled(t, fmt.Sprintf("%s C01 kind %d", c.norm, q), scaled[0].C01[q*n2:(q+1)*n2], want, 1e-12, 1e-14)
			want = make([]complex128, n3)
			for i := range want {
				want[i] = self[0].Corr11[q*n3+i] / complex(c.c11[q], 0)
			}
			testutil.CompareScaled(t, fmt.Sprintf("%s Corr11 kind %d", c.norm, q), scaled[0].Corr11[q*n3:(q+1)*n3], want, 1e-12, 1e-14)
		}
		testutil.CompareScaled(t, c.norm.String()+" Corr00", scaled[0].Corr00, self[0].Corr00, 1e-15, 0)
	}
}

// New's doc: with NonPeriodic the window must keep pixels, 2⌊Cut·2^J⌋ <
// min(M, N): on 64² maps J = 6 is accepted periodic but refused non-periodic
// (c = 32 leaves nothing) with an *stlayer.ErrShape, J = 5 (c = 16, a 32²
// window) is accepted; Cut = 0.25 gives J = 6 back (c = 16); L > MaxL is an
// *stlayer.ErrShape as well.
func TestNewNonPeriodicScaleBound(t *testing.T) {
	var es *stlayer.ErrShape
	if _, err := New(Config{J: 6, L: 4}, 64, 64); err != nil {
		t.Errorf("periodic J = 6 on 64²: %v", err)
	}
	if _, err := New(Config{J: 6, L: 4, NonPeriodic: true}, 64, 64); !errors.As(err, &es) {
		t.Errorf("non-periodic J = 6 on 64²: %v (%T), want *stlayer.ErrShape", err, err)
	}
	for _, cfg := range []Config{{J: 5, L: 4, NonPeriodic: true}, {J: 6, L: 4, NonPeriodic: true, Cut: 0.25}} {
		op, err := New(cfg, 64, 64)
		if err != nil {
			t.Errorf("%+v on 64²: %v", cfg, err)
			continue
		}
		if op.Cut() != 16 {
			t.Errorf("%+v: Cut() = %d, want 16", cfg, op.Cut())
		}
	}
	if _, err := New(Config{J: 2, L: MaxL + 1}, 64, 64); !errors.As(err, &es) {
		t.Errorf("L = MaxL+1: %v (%T), want *stlayer.ErrShape", err, err)
	}
}

// The spectra's C11 blocks are indexed by b = j2 − j3 ∈ [a − (J−1), 0], so
// b = −1 is a value; the label table read it as the "absent" marker: Has was
// false and String printed "C11(a=0,k=0,h1=0,h2=0,im=0)" without b (and the
// labels of SpectraStat dropped it as well). Every C11 row now has b, String
// prints b=-1, and every row's String is distinct, in Spectra.Labels and in
// the (masked) SpectraStat labels.
func TestSpectraLabelsNegativeB(t *testing.T) {
	const J = 4
	op, err := New(Config{J: J, L: 2}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := op.Spectra()
	if err != nil {
		t.Fatal(err)
	}
	mask := make([]bool, sp.Len())
	for i := range mask {
		mask[i] = i%2 == 0
	}
	so, err := op.SpectraStat(nil, mask)
	if err != nil {
		t.Fatal(err)
	}
	for name, lb := range map[string]*stlayer.Labels{"Spectra": sp.Labels(), "SpectraStat": so.Labels()} {
		seen := map[string]int{}
		bs := map[int]int{}
		for i := 0; i < lb.Len(); i++ {
			s := lb.String(i)
			if k, dup := seen[s]; dup {
				t.Errorf("%s: rows %d and %d both read %s", name, k, i, s)
			}
			seen[s] = i
			if lb.Class[i] != "C11" {
				continue
			}
			b := lb.Get(i, "b")
			bs[b]++
			if !lb.Has(i, "b") || !strings.Contains(s, fmt.Sprintf("b=%d,", b)) {
				t.Errorf("%s: row %d %s: b = %d not shown (Has %v)", name, i, s, b, lb.Has(i, "b"))
			}
			if a := lb.Get(i, "a"); b > 0 || b < a-(J-1) {
				t.Errorf("%s: row %d %s: b outside [a−(J−1), 0]", name, i, s)
			}
		}
		if bs[-1] == 0 || bs[-3] == 0 {
			t.Errorf("%s: C11 rows per b %v, want b = −3 … 0", name, bs)
		}
		t.Logf("%s: %d rows, C11 rows per b %v", name, lb.Len(), bs)
	}
}

// New refuses, before allocating anything, a map whose dense
// full-resolution filters (L·M·N values for each scale j ≤ 1, every scale
// with FullResolution) exceed filters.MaxBankValues: 2 scales × 32
// orientations on 16384² would be 2^34 values (128 GiB), and New tried to
// build them. At L = 4 the same map is within the bound (2^31 values).
func TestNewRefusesHugeBank(t *testing.T) {
	var es *stlayer.ErrShape
	_, err := New(Config{J: 2, L: 32}, 1<<14, 1<<14)
	if !errors.As(err, &es) || !strings.Contains(err.Error(), "too large") {
		t.Errorf("L = 32 on 16384²: %v (%T), want an *stlayer.ErrShape saying too large", err, err)
	}
	_, err = New(Config{J: 9, L: 4, FullResolution: true}, 1<<14, 1<<14)
	if !errors.As(err, &es) {
		t.Errorf("FullResolution J = 9, L = 4 on 16384²: %v, want *stlayer.ErrShape", err)
	}
	if err := checkConfig(Config{J: 9, L: 4}, 1<<14, 1<<14); err != nil {
		t.Errorf("L = 4 on 16384² (2^31 dense values): %v", err)
	}
}

// CrossOp with NonPeriodic (c = 4 px per side): "every mean is the window
// mean of the package documentation, on each field's own M×N map". Pinned
// without a second brute force: (i) the kinds (a,a) and (b,b), mean, var,
// P00 and S1 of each field equal the auto statistic of that field (itself
// pinned by TestCropEqualsBruteForce), (ii) C00 obeys the polarisation
// identity P00(a+b) = P00(a) + P00(b) + 2·Re C00(a,b) with the window means,
// (iii) C01 of kind (a,b) = ⟨(a − ⟨a⟩_W)·conj(U_b⋆ψ)⟩_W is linear in a, and
// (iv) kind (b,a) of the pair (a,b) is kind (a,b) of the pair (b,a).
func TestCrossNonPeriodicWindowMeans(t *testing.T) {
	cfg := Config{J: 3, L: 2, NonPeriodic: true}
	const M, N = 32, 40
	cop, err := NewCross(cfg, M, N)
	if err != nil {
		t.Fatal(err)
	}
	op := cop.Op()
	if op.Cut() != 4 {
		t.Fatalf("cut %d, want 4", op.Cut())
	}
	a1, a2, b := cropTestMaps(41, 1, M, N), cropTestMaps(42, 1, M, N), cropTestMaps(43, 1, M, N)
	sum := func(x, y *stlayer.Maps) *stlayer.Maps {
		s := stlayer.NewMaps(1, M, N)
		for i := range s.Data {
			s.Data[i] = x.Data[i] + y.Data[i]
		}
		return s
	}
	eng := cpu.New()
	cross := func(x, y *stlayer.Maps) []complex128 {
		p, err := StackPair(x, y)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eng.Forward(cop.Key(), cop.Stat(), p)
		if err != nil {
			t.Fatal(err)
		}
		return c.Row(0)
	}
	auto := func(x *stlayer.Maps) []complex128 {
		c, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		return c.Row(0)
	}
	l1, l2 := op.idx.layout(1), op.idx.layout(2)
	JL := l1.JL
	cab := cross(a1, b)
	for f, x := range []*stlayer.Maps{a1, b} {
		au := auto(x)
		for _, r := range [][3]int{{l2.mean + f, l1.mean, 1}, {l2.vr + f, l1.vr, 1}, {l2.p00 + f*JL, l1.p00, JL}, {l2.s1 + f*JL, l1.s1, JL}} {
			testutil.CompareScaled(t, fmt.Sprintf("field %d one-field moments", f), cab[r[0]:r[0]+r[2]], au[r[1]:r[1]+r[2]], 1e-12, 1e-14)
		}
		testutil.CompareScaled(t, fmt.Sprintf("C01 kind (%d,%d)", f, f), cab[l2.C01(f, 0):l2.C01(f, l2.n2)], au[l1.C01(0, 0):l1.C01(0, l1.n2)], 1e-12, 1e-14)
		testutil.CompareScaled(t, fmt.Sprintf("C11 kind (%d,%d)", f, f), cab[l2.C11(f, 0):l2.C11(f, l2.n3)], au[l1.C11(0, 0):l1.C11(0, l1.n3)], 1e-12, 1e-14)
	}
	pab := auto(sum(a1, b))
	pa, pb := auto(a1), auto(b)
	want := make([]complex128, JL)
	for k := range want {
		want[k] = pa[l1.p00+k] + pb[l1.p00+k] + complex(2*real(cab[l2.c00+k]), 0)
	}
	testutil.CompareScaled(t, "P00(a+b) by polarisation", pab[l1.p00:l1.p00+JL], want, 1e-12, 1e-14)
	c1, c2, c12 := cab, cross(a2, b), cross(sum(a1, a2), b)
	lin := make([]complex128, l2.n2)
	for i := range lin {
		lin[i] = c1[l2.C01(2, i)] + c2[l2.C01(2, i)]
	}
	testutil.CompareScaled(t, "C01 kind (a,b) linear in a", c12[l2.C01(2, 0):l2.C01(2, l2.n2)], lin, 1e-12, 1e-14)
	cba := cross(b, a1)
	testutil.CompareScaled(t, "C01 kind (b,a) of (a,b) = kind (a,b) of (b,a)", cab[l2.C01(3, 0):l2.C01(3, l2.n2)], cba[l2.C01(2, 0):l2.C01(2, l2.n2)], 1e-12, 1e-14)
	testutil.CompareScaled(t, "C11 kind (b,a) of (a,b) = kind (a,b) of (b,a)", cab[l2.C11(3, 0):l2.C11(3, l2.n3)], cba[l2.C11(2, 0):l2.C11(2, l2.n3)], 1e-12, 1e-14)
}
