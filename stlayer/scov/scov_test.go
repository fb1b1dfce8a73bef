package scov

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// conv returns IFFT2(FFT2(a)·f) for a real Fourier filter f.
func conv(a []complex128, f []float64, M, N int) []complex128 {
	A := testutil.FFT2(a, M, N, false)
	for i := range A {
		A[i] *= complex(f[i], 0)
	}
	return testutil.FFT2(A, M, N, true)
}

func meanConj(a, b []complex128) complex128 {
	var s complex128
	for i := range a {
		s += a[i] * cmplx.Conj(b[i])
	}
	return s / complex(float64(len(a)), 0)
}

// TestRealSpaceDefinitions checks the documented formulas against a direct
// real-space evaluation (FullResolution, 32² map): P00 = ⟨|I⋆ψ|²⟩,
// S1 = ⟨|I⋆ψ|⟩, C01 (S3Cheng) = ⟨I·conj(U_{j1}⋆ψ_{j2})⟩, C01 (S3Cov) =
// ⟨(I⋆ψ_{j2})·conj(U_{j1}⋆ψ_{j2})⟩ = Cov[I⋆ψ2, U1⋆ψ2], and
// C11 = ⟨(U_{j1}⋆ψ_{j3})·conj(U_{j2}⋆ψ_{j3})⟩.
func TestRealSpaceDefinitions(t *testing.T) {
	const M, N, J, L = 32, 32, 3, 4
	rng := rand.New(rand.NewPCG(1, 2))
	x := testutil.RandMaps(rng, 1, M, N)
	// add structure so that C01 is not ~0
	for i := range x.Data {
		x.Data[i] = math.Exp(0.8 * x.Data[i])
	}
	eng := cpu.New()
	for _, s3 := range []S3Convention{S3Cheng, S3Cov} {
		op, err := New(Config{J: J, L: L, S3: s3, FullResolution: true}, M, N)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		row := c.Row(0)
		lay := op.idx.layout(1)
		xi := testutil.ToComplex(x.Data)
		W := make([][]complex128, J*L)
		U := make([][]complex128, J*L)
		for k := range W {
			W[k] = conv(xi, op.bank[k/L].Filter(k%L), M, N)
			U[k] = make([]complex128, M*N)
			for i, z := range W[k] {
				U[k][i] = complex(cmplx.Abs(z), 0)
			}
		}
		check := func(name string, got, want complex128) {
			t.Helper()
			if cmplx.Abs(got-want) > 1e-9*cmplx.Abs(want)+1e-15 {
				t.Errorf("%s %s: got %v want %v", s3, name, got, want)
			}
		}
		for k := 0; k < J*L; k++ {
			check("P00", row[lay.p00+k], meanConj(W[k], W[k]))
			var s1 complex128
			for _, v := range U[k] {
				s1 += v
			}
			check("S1", row[lay.s1+k], s1/complex(M*N, 0))
		}
		t3 := op.idx
		for i, cf := range t3.two {
			a := xi
			if s3 == S3Cov {
				a = W[cf.j2*L+cf.l2]
			}
			want := meanConj(a, conv(U[cf.j1*L+cf.l1], op.bank[cf.j2].Filter(cf.l2), M, N))
			check("C01", row[lay.C01(0, i)], want)
		}
		for i, cf := range t3.thr {
			if i%7 != 0 { // a spread subset keeps the test fast
				continue
			}
			f := op.bank[cf.j3].Filter(cf.l3)
			want := meanConj(conv(U[cf.j1*L+cf.l1], f, M, N), conv(U[cf.j2*L+cf.l2], f, M, N))
			check("C11", row[lay.C11(0, i)], want)
		}
	}
}

// roll circularly shifts every map by (dr, dc).
func roll(x *stlayer.Maps, dr, dc int) *stlayer.Maps {
	y := stlayer.NewMaps(x.B, x.M, x.N)
	for b := 0; b < x.B; b++ {
		src, dst := x.Map(b), y.Map(b)
		for i := 0; i < x.M; i++ {
			for j := 0; j < x.N; j++ {
				dst[((i+dr)%x.M)*x.N+(j+dc)%x.N] = src[i*x.N+j]
			}
		}
	}
	return y
}

// TestTranslationInvariance: every raw coefficient is invariant under a
// circular shift of the map (also with Cheng's crops).
func TestTranslationInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := testutil.RandMaps(rng, 1, 64, 64)
	for i := range x.Data {
		x.Data[i] = math.Exp(x.Data[i])
	}
	op, err := New(Config{J: 4, L: 4}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	a, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := eng.Forward(op.Key(), op.Stat(), roll(x, 13, 37))
	if err != nil {
		t.Fatal(err)
	}
	testutil.CompareScaled(t, "shifted raw", b.Data, a.Data, 1e-9, 1e-12)
}

// TestBatchConsistency: a batch of two maps gives the same rows as the maps
// one at a time (raw and normalised iso vector).
func TestBatchConsistency(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := testutil.RandMaps(rng, 2, 64, 64)
	for i := range x.Map(1) {
		x.Map(1)[i] = math.Exp(x.Map(1)[i])
	}
	op, err := New(Config{J: 4, L: 4}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	s, err := op.SynthesisIso(nil)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	both, err := eng.Forward(s.Key(), s.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 2; b++ {
		one := &stlayer.Maps{B: 1, M: 64, N: 64, Data: x.Map(b)}
		c, err := eng.Forward(s.Key(), s.Stat(), one)
		if err != nil {
			t.Fatal(err)
		}
		testutil.CompareScaled(t, "batch row", both.Row(b), c.Row(0), 1e-12, 1e-14)
	}
}

// TestWhiteNoiseC01: for Gaussian white noise the phase–envelope moments
// vanish in expectation; the normalised iso C01 of one 256² noise map must be
// much smaller than that of the (non-Gaussian) dust map.
func TestWhiteNoiseC01(t *testing.T) {
	dust := loadMap(t, "dust256.npy")
	rng := rand.New(rand.NewPCG(7, 8))
	noise := testutil.RandMaps(rng, 1, 256, 256)
	op, err := New(Config{J: 5, L: 4}, 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	rms := func(x *stlayer.Maps) float64 {
		c, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := op.Results(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		var n int
		for _, v := range rs[0].C01Iso {
			if !math.IsNaN(v) {
				s += v * v
				n++
			}
		}
		return math.Sqrt(s / float64(n))
	}
	rd, rn := rms(dust), rms(noise)
	t.Logf("rms normalised C01_iso: dust %.4f, white noise %.4f", rd, rn)
	if rn > 0.1*rd {
		t.Errorf("white-noise C01_iso rms %.4g not ≪ dust %.4g", rn, rd)
	}
	// Sampling error of a normalised correlation over ~MN/4^j2 independent
	// samples: at most a few times 1/√(MN/4^(J−1)) = 1/16 for J=5, 256².
	if rn > 0.05 {
		t.Errorf("white-noise C01_iso rms %.4g larger than the sampling error", rn)
	}
}

// TestRefSelfEqualsSelfNormalisation: use_ref with the map's own reference
// gives the self-normalised vectors (P00 and P11 normalisation), the Ref
// survives a JSON round trip, and the Prim assembly equals the host one.
func TestRefSelfEqualsSelfNormalisation(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := testutil.RandMaps(rng, 1, 64, 64)
	for i := range x.Data {
		x.Data[i] = math.Exp(x.Data[i])
	}
	eng := cpu.New()
	for _, norm := range []Normalization{NormP00, NormP11} {
		op, err := New(Config{J: 4, L: 4, Normalization: norm}, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := op.NewRef(eng, x)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := ref.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		ref2, err := ReadRef(&buf)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		hostRes, err := op.Results(raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, iso := range []bool{false, true} {
			self, _ := op.Synthesis(nil, iso)
			withRef, err := op.Synthesis(ref2, iso)
			if err != nil {
				t.Fatal(err)
			}
			if self.Key() == withRef.Key() {
				t.Errorf("keys of self and reference normalisation coincide")
			}
			a, err := eng.Forward(self.Key(), self.Stat(), x)
			if err != nil {
				t.Fatal(err)
			}
			b, err := eng.Forward(withRef.Key(), withRef.Stat(), x)
			if err != nil {
				t.Fatal(err)
			}
			if a.K != op.NumSynthesis(iso) || a.K != self.Labels().Len() {
				t.Fatalf("%s iso=%t: %d coefficients, want %d", norm, iso, a.K, op.NumSynthesis(iso))
			}
			testutil.CompareScaled(t, norm.String()+" ref=self", b.Data, a.Data, 1e-10, 1e-13)
			want := hostRes[0].ForSynthesis
			if iso {
				want = hostRes[0].ForSynthesisIso
			}
			testutil.CompareScaled(t, norm.String()+" prim vs host", a.Data, testutil.ToComplex(want), 1e-10, 1e-13)
		}
	}
}

// TestCounts checks Cheng's flattened-vector lengths (statistics.md §2.4).
func TestCounts(t *testing.T) {
	for _, c := range []struct{ J, L, aniso, iso int }{{6, 4, 7889, 993}, {7, 4, 11705, 1471}, {8, 4, 16577, 2081}} {
		op := &Op{cfg: Config{J: c.J, L: c.L}, idx: newIndexTables(c.J, c.L)}
		if n, ni := op.NumSynthesis(false), op.NumSynthesis(true); n != c.aniso || ni != c.iso {
			t.Errorf("J%d L%d: %d/%d coefficients, want %d/%d", c.J, c.L, n, ni, c.aniso, c.iso)
		}
	}
	if _, err := New(Config{J: 7, L: 4}, 64, 64); err == nil {
		t.Errorf("J=7 on 64² accepted")
	}
	if _, err := New(Config{J: 3, L: 4}, 63, 64); err == nil {
		t.Errorf("odd size accepted")
	}
	// Too many orientations is refused before any table is built (L = 1000
	// would need terabytes), with an error that names the bound.
	_, err := New(Config{J: 3, L: 1000}, 64, 64)
	var es *stlayer.ErrShape
	if !errors.As(err, &es) || !strings.Contains(err.Error(), "at most 32") {
		t.Errorf("L = 1000: got %v, want an ErrShape naming the bound %d", err, MaxL)
	}
	if _, err := New(Config{J: 2, L: MaxL}, 16, 16); err != nil {
		t.Errorf("L = MaxL refused: %v", err)
	}
}

// TestFiniteDifferenceGradient checks LossGrad of a random linear functional
// of the flattened vectors against central differences along a random
// direction (64² map, J=4), for several variants.
func TestFiniteDifferenceGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := testutil.RandMaps(rng, 1, 64, 64)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.5 * x.Data[i])
	}
	v := testutil.RandMaps(rng, 1, 64, 64)
	eng := cpu.New()
	type variant struct {
		name string
		cfg  Config
		ref  bool
		iso  bool
	}
	for _, vv := range []variant{
		{"P00 self iso", Config{J: 4, L: 4}, false, true},
		{"P00 ref aniso", Config{J: 4, L: 4}, true, false},
		{"P11 self aniso S3Cov", Config{J: 4, L: 4, Normalization: NormP11, S3: S3Cov}, false, false},
		{"P11 ref iso", Config{J: 3, L: 4, Normalization: NormP11}, true, true},
	} {
		op, err := New(vv.cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		var ref *Ref
		if vv.ref {
			if ref, err = op.NewRef(eng, x); err != nil {
				t.Fatal(err)
			}
		}
		s, err := op.Synthesis(ref, vv.iso)
		if err != nil {
			t.Fatal(err)
		}
		w := make([]float64, op.NumSynthesis(vv.iso))
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		lin := func(out *stlayer.Coeffs) (float64, []complex128, error) {
			g := make([]complex128, len(out.Data))
			l := 0.0
			for i, c := range out.Data {
				l += w[i] * real(c)
				g[i] = complex(w[i], 0)
			}
			return l, g, nil
		}
		dir, fd := directional(t, eng, s.Key(), s.Stat(), x, v, lin)
		rel := math.Abs(fd-dir) / math.Abs(fd)
		t.Logf("%s: ⟨∇ℒ,v⟩ = %.8g, central difference %.8g, rel err %.2e", vv.name, dir, fd, rel)
		if rel > 1e-6 {
			t.Errorf("%s: gradient mismatch: %.8g vs %.8g", vv.name, dir, fd)
		}
	}
}

// TestRotationPermutesOrientations: rotating a square map by 90°
// (testutil.Rot90; π/2 = (L/2)·π/L) maps every raw coefficient to the one
// with each orientation index moved by L/2 (mod L). Cheng's angles
// θ_l = filters.MorletTheta(l, L) decrease with l, so the rotation shifts l by
// +L/2 while the indices l < L/2 wrap past θ = 0 (mod π); where that happens to the orientation of the linear factor's
// filter (l2 of C01, l3 of C11) the coefficient is conjugated: the Morlet
// ψ_{θ+π} is the mirror of ψ_θ, so for a real field f⋆ψ_{θ+π} = conj(f⋆ψ_θ). The isotropic synthesis vector (averages over l)
// is invariant. With FullResolution this holds to round-off; the cropped
// ("fast") algorithm keeps each cropped grid's Nyquist line from one side
// only, so there it holds approximately (bound 1e-2 of the largest
// coefficient of the class).
func TestRotationPermutesOrientations(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	// A log-normal field (C01 and C11 not ≈ 0) correlated along rows
	// (anisotropic, so that the control below sees the orientations differ).
	g := testutil.RandMaps(rng, 1, 64, 64)
	x := stlayer.NewMaps(1, 64, 64)
	for r := range 64 {
		for c := range 64 {
			x.Data[r*64+c] = math.Exp(0.5 * (g.Data[r*64+c] + g.Data[r*64+(c+1)%64] + g.Data[r*64+(c+2)%64]))
		}
	}
	xr := testutil.Rot90(x)
	eng := cpu.New()
	for _, full := range []bool{true, false} {
		const L = 4
		op, err := New(Config{J: 4, L: L, FullResolution: full}, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		a, b, perm := rotatedCoeffs(t, eng, op, x, xr)
		lab := op.Labels()
		tol := 1e-10
		if !full {
			tol = 1e-2
		}
		for _, class := range []string{"mean", "var", "P00", "S1", "C01", "C11"} {
			idx := lab.Select(class, nil)
			if len(idx) == 0 {
				t.Fatalf("no %s coefficients", class)
			}
			got, want := make([]complex128, len(idx)), make([]complex128, len(idx))
			for k, i := range idx {
				got[k], want[k] = perm[i], a[i]
			}
			if d := testutil.CompareScaled(t, fmt.Sprintf("full=%v %s rotated+permuted", full, class), got, want, 0, tol); d > 0 {
				t.Logf("full=%v %s: worst relative deviation %.2e", full, class, d)
			}
		}
		// Control: without the permutation the rotated map's P00 differ at O(1).
		var dmax, amax float64
		for _, i := range lab.Select("P00", nil) {
			dmax = math.Max(dmax, cmplx.Abs(b[i]-a[i]))
			amax = math.Max(amax, cmplx.Abs(a[i]))
		}
		if dmax < 0.2*amax {
			t.Errorf("full=%v: unpermuted P00 differ by only %.2e of the largest", full, dmax/amax)
		}
		// The isotropic synthesis vector is invariant.
		s, err := op.SynthesisIso(nil)
		if err != nil {
			t.Fatal(err)
		}
		ia, err := eng.Forward(s.Key(), s.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		ib, err := eng.Forward(s.Key(), s.Stat(), xr)
		if err != nil {
			t.Fatal(err)
		}
		testutil.CompareScaled(t, fmt.Sprintf("full=%v iso synthesis vector", full), ib.Data, ia.Data, 0, tol)
	}
}
