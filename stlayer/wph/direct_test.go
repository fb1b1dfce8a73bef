package wph

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// ---------------------------------------------------------------------------
// A direct (slow, obviously correct) implementation of the WPH definitions,
// written independently of the Prim graph: full-grid FFT convolutions, phase
// harmonics with cmplx, explicit sums over pixels for every τ.

func harmonic(z complex128, p int) complex128 {
	switch p {
	case 1:
		return z
	case 0:
		return complex(cmplx.Abs(z), 0)
	}
	if z == 0 {
		return 0
	}
	return cmplx.Rect(cmplx.Abs(z), float64(p)*cmplx.Phase(z))
}

// window describes the pixels a statistic averages over.
type window struct{ r0, c0, h, w int }

func (op *Op) window() window {
	if op.cfg.NonPeriodic {
		return window{op.cut[0], op.cut[1], op.M - 2*op.cut[0], op.N - 2*op.cut[1]}
	}
	return window{0, 0, op.M, op.N}
}

// cutCentred returns the window of f, minus its mean over the window.
func cutCentred(f []complex128, N int, wd window) []complex128 {
	out := make([]complex128, wd.h*wd.w)
	var mu complex128
	for r := 0; r < wd.h; r++ {
		for c := 0; c < wd.w; c++ {
			out[r*wd.w+c] = f[(wd.r0+r)*N+wd.c0+c]
			mu += out[r*wd.w+c]
		}
	}
	mu /= complex(float64(len(out)), 0)
	for i := range out {
		out[i] -= mu
	}
	return out
}

// directCov returns ⟨a(r+τ)·conj(b(r))⟩: periodic over the h×w window, or
// over the overlap of the window with its shift.
func directCov(a, b []complex128, wd window, tau [2]int, periodic bool) complex128 {
	var s complex128
	cnt := 0
	for r := 0; r < wd.h; r++ {
		for c := 0; c < wd.w; c++ {
			rr, cc := r+tau[0], c+tau[1]
			if periodic {
				rr, cc = ((rr%wd.h)+wd.h)%wd.h, ((cc%wd.w)+wd.w)%wd.w
			} else if rr < 0 || rr >= wd.h || cc < 0 || cc >= wd.w {
				continue
			}
			s += a[rr*wd.w+cc] * cmplx.Conj(b[r*wd.w+c])
			cnt++
		}
	}
	return s / complex(float64(cnt), 0)
}

// directWPH computes op's coefficients of the pair (x1, x2) (x2 = x1 for the
// auto statistic) from the definitions.
func directWPH(op *Op, x1, x2 []float64) []complex128 {
	M, N, L := op.M, op.N, op.cfg.L
	wd := op.window()
	periodic := !op.cfg.NonPeriodic
	X := [2][]complex128{testutil.FFT2(testutil.ToComplex(x1), M, N, false), testutil.FFT2(testutil.ToComplex(x2), M, N, false)}
	factor := func(m, j, l, p int) []complex128 {
		f := op.Psi().Filter(j*L + l)
		s := make([]complex128, M*N)
		for i := range s {
			s[i] = X[m][i] * complex(f[i], 0)
		}
		z := testutil.FFT2(s, M, N, true)
		for i, v := range z {
			z[i] = harmonic(v, p)
		}
		return cutCentred(z, N, wd)
	}
	var out []complex128
	for _, mo := range op.moments {
		a := factor(0, mo.J1, mo.L1, mo.P1)
		b := factor(1, mo.J2, mo.L2, mo.P2)
		out = append(out, directCov(a, b, wd, mo.Tau, periodic))
	}
	xs := [2][]float64{x1, x2}
	smFactor := func(m, j, p int) []complex128 {
		var mu float64
		for _, v := range xs[m] {
			mu += v
		}
		mu /= float64(M * N)
		xc := make([]complex128, M*N)
		for i, v := range xs[m] {
			xc[i] = complex(v-mu, 0)
		}
		F := testutil.FFT2(xc, M, N, false)
		var k int
		for i, jj := range op.phiJ {
			if jj == j {
				k = i
			}
		}
		f := op.phi.Filter(k)
		for i := range F {
			F[i] *= complex(f[i], 0)
		}
		// PyWPH 1.1 centres x⋆φ on its window before the harmonic ("kill
		// the mean"); with NormNone the factor is then centred again.
		y := cutCentred(testutil.FFT2(F, M, N, true), N, wd)
		for i, v := range y {
			y[i] = harmonic(v, p)
		}
		return cutCentred(y, wd.w, window{0, 0, wd.h, wd.w})
	}
	for _, s := range op.sms {
		a, b := smFactor(0, s.J, s.P1), smFactor(1, s.J, s.P2)
		out = append(out, directCov(a, b, wd, [2]int{}, true))
	}
	return out
}

// ---------------------------------------------------------------------------

// smoothField is a random field with a red spectrum plus a non-Gaussian
// (squared) component, so that every class of coefficients is non-zero.
func smoothField(rng *rand.Rand, M, N int) []float64 {
	w := testutil.RandMaps(rng, 1, M, N).Data
	F := testutil.FFT2(testutil.ToComplex(w), M, N, false)
	for r := 0; r < M; r++ {
		for c := 0; c < N; c++ {
			kr, kc := float64(min(r, M-r)), float64(min(c, N-c))
			F[r*N+c] /= complex(1+math.Hypot(kr, kc), 0)
		}
	}
	g := testutil.FFT2(F, M, N, true)
	out := make([]float64, M*N)
	for i, v := range g {
		out[i] = real(v) + 0.5*real(v)*real(v)
	}
	return out
}

func compareDirect(t *testing.T, op *Op, got, want []complex128, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d coefficients, direct %d", len(got), len(want))
	}
	scale := map[string]float64{}
	for i, w := range want {
		scale[op.labels.Class[i]] = math.Max(scale[op.labels.Class[i]], cmplx.Abs(w))
	}
	bad := 0
	for i, w := range want {
		if d := cmplx.Abs(got[i] - w); d > rel*(cmplx.Abs(w)+1e-3*scale[op.labels.Class[i]]) {
			if bad < 8 {
				t.Errorf("%s: got %v, direct %v", op.labels.String(i), got[i], w)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d coefficients differ from the direct computation", bad, len(want))
	}
}

// TestDirect compares the Prim statistic with the direct implementation on
// small maps: periodic with shifts (exp and legacy τ grids, non-square and
// non-power-of-two sizes), non-periodic (PyWPH pbc=False: cut, zero padding,
// overlap weights), the optional classes, and cross-WPH.
func TestDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	e := cpu.New()
	cases := []struct {
		name string
		cfg  Config
		M, N int
	}{
		{"periodic dn2", Config{J: 3, L: 4, DN: 2}, 32, 32},
		{"periodic dn1 L3 legacy 48x40", Config{J: 3, L: 3, DN: 1, TauGrid: "legacy"}, 48, 40},
		{"periodic J4 dn1 A2 dl1 dj2", Config{J: 4, L: 4, DN: 1, A: 2, DL: 1, DJ: 2}, 32, 32},
		{"nonperiodic dn1 40x36", Config{J: 3, L: 4, DN: 1, NonPeriodic: true}, 40, 36},
		{"nonperiodic dn0 cut1", Config{J: 2, L: 4, NonPeriodic: true, Cut: 1}, 24, 24},
		{"extra classes", Config{J: 3, L: 4, Classes: []string{"Cphase_inv", "S11", "C10", "C00", "S10", "L", "S01"}, SMJ: []int{-1, 1}, SMP: [][2]int{{0, 0}, {1, 1}, {0, 2}}}, 32, 32},
		{"cross dn1", Config{J: 3, L: 4, DN: 1, Cross: true}, 32, 32},
		{"cross nonperiodic", Config{J: 3, L: 4, DN: 1, Cross: true, NonPeriodic: true}, 32, 32},
		{"cross extra classes", Config{J: 3, L: 4, Cross: true, Classes: []string{"S11", "S00", "S01", "S10", "C01", "C10", "Cphase", "Cphase_inv", "L"}}, 32, 32},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := newOp(t, tc.cfg, tc.M, tc.N)
			x1 := smoothField(rng, tc.M, tc.N)
			x2 := x1
			in := &stlayer.Maps{B: 1, M: tc.M, N: tc.N, Data: x1}
			if tc.cfg.Cross {
				x2 = smoothField(rng, tc.M, tc.N)
				var err error
				if in, err = StackPair(in, &stlayer.Maps{B: 1, M: tc.M, N: tc.N, Data: x2}); err != nil {
					t.Fatal(err)
				}
			}
			got := forward(t, e, op, in).Row(0)
			compareDirect(t, op, got, directWPH(op, x1, x2), 1e-9)
		})
	}
}

// TestCrossOfSelfIsAuto: cross-WPH of (x, x) equals the auto statistic.
func TestCrossOfSelfIsAuto(t *testing.T) {
	x := testutil.Dust256(t)
	small := crop(x, 64, 64)
	e := cpu.New()
	for _, cfg := range []Config{{J: 4, L: 4, DN: 1}, {J: 4, L: 4, Subsample: true, Margin: 1}, {J: 4, L: 4, DN: 1, NonPeriodic: true},
		{J: 4, L: 4, DN: 1, Norm: NormAuto}} {
		auto := forward(t, e, newOp(t, cfg, 64, 64), small)
		cfg.Cross = true
		pair, err := StackPair(small, small)
		if err != nil {
			t.Fatal(err)
		}
		cross := forward(t, e, newOp(t, cfg, 64, 64), pair)
		for i, v := range auto.Data {
			if cmplx.Abs(cross.Data[i]-v) > 1e-12*(cmplx.Abs(v)+1e-10) {
				t.Fatalf("%+v: coefficient %d cross %v, auto %v", cfg, i, cross.Data[i], v)
			}
		}
	}
}

// crop returns the top-left h×w block of map 0 of x.
func crop(x *stlayer.Maps, h, w int) *stlayer.Maps {
	out := stlayer.NewMaps(1, h, w)
	for r := 0; r < h; r++ {
		copy(out.Data[r*w:(r+1)*w], x.Data[r*x.N:r*x.N+w])
	}
	return out
}

// roll circularly shifts every map by (dr, dc): out[r, c] = x[r−dr, c−dc].
func roll(x *stlayer.Maps, dr, dc int) *stlayer.Maps {
	out := stlayer.NewMaps(x.B, x.M, x.N)
	for b := 0; b < x.B; b++ {
		src, dst := x.Map(b), out.Map(b)
		for r := 0; r < x.M; r++ {
			for c := 0; c < x.N; c++ {
				dst[(((r+dr)%x.M+x.M)%x.M)*x.N+((c+dc)%x.N+x.N)%x.N] = src[r*x.N+c]
			}
		}
	}
	return out
}

// TestTranslationInvariance: periodic statistics are invariant under circular
// shifts (all τ); with Subsample, exactly so for shifts that are multiples of
// the coarsest grid step.
func TestTranslationInvariance(t *testing.T) {
	x := crop(testutil.Dust256(t), 64, 64)
	e := cpu.New()
	for _, tc := range []struct {
		cfg    Config
		dr, dc int
	}{
		{Config{J: 4, L: 4, DN: 2}, 13, 27},
		{Config{J: 4, L: 4, DN: 1, Subsample: true, Margin: 1}, 8, 24},
	} {
		op := newOp(t, tc.cfg, 64, 64)
		a := forward(t, e, op, x).Row(0)
		b := forward(t, e, op, roll(x, tc.dr, tc.dc)).Row(0)
		compareDirect(t, op, b, a, 1e-10)
	}
}

// TestRotationPermutesOrientations: rotating a square map by +90° maps the
// coefficient (l1, l2) to the one at (l1+L/2, l2+L/2) mod L, conjugated when
// the linear factor's orientation wraps past π (ψ_{θ+π} = conj-mirror of ψ_θ,
// so x⋆ψ_{θ+π} = conj(x⋆ψ_θ) for real x). For L = 2 the rotation is by π/L
// and shifts the orientations by one.
func TestRotationPermutesOrientations(t *testing.T) {
	x := crop(testutil.Dust256(t), 64, 64)
	e := cpu.New()
	for _, cfg := range []Config{{J: 4, L: 4}, {J: 4, L: 2}, {J: 4, L: 4, Subsample: true, Margin: 1}} {
		op := newOp(t, cfg, 64, 64)
		c := forward(t, e, op, x).Row(0)
		cr := forward(t, e, op, testutil.Rot90(x)).Row(0)
		lb := op.Labels()
		L, s := cfg.L, cfg.L/2
		idx, conjs := testutil.MovedIndex(t, lb, func(class string, vals map[string]int) bool {
			if class == "L" {
				return false
			}
			l1, l2 := vals["l1"], vals["l2"]
			vals["l1"], vals["l2"] = (l1+s)%L, (l2+s)%L
			return vals["p2"] >= 1 && l2+s >= L
		})
		var maxRel float64
		for i, k := range idx {
			want := c[k]
			if conjs[i] {
				want = cmplx.Conj(want)
			}
			d := cmplx.Abs(cr[i]-want) / (cmplx.Abs(want) + 1e-9*cmplx.Abs(c[0]))
			maxRel = math.Max(maxRel, d)
			if d > 1e-9 {
				t.Errorf("%+v %s: rotated %v, expected %v", cfg, lb.String(i), cr[i], want)
			}
		}
		t.Logf("L=%d subsample=%v: max relative deviation %.1e", L, cfg.Subsample, maxRel)
	}
}

// TestWhiteNoise: for Gaussian white noise C01 and Cphase vanish in
// expectation (x → −x flips z_{j2} but not |z_{j1}|, and flips z_{j1} but not
// [z_{j2}]^{2^Δj}). With NormAuto fitted on the noise itself the coefficients
// are correlation coefficients ρ; averaged over B maps their sampling error is
// ≈ 1/√(B·M·N/4^{j2}). Dust (strongly non-Gaussian) is the positive control.
func TestWhiteNoise(t *testing.T) {
	const B, M, J = 4, 128, 4
	rng := rand.New(rand.NewPCG(7, 8))
	noise := testutil.RandMaps(rng, B, M, M)
	e := cpu.New()
	cfg := Config{J: J, L: 4, Norm: NormAuto}
	rho := func(x *stlayer.Maps) ([]complex128, *Op) {
		op := newOp(t, cfg, M, M)
		c := make([]complex128, op.NumCoeffs())
		for b := 0; b < x.B; b++ {
			one := &stlayer.Maps{B: 1, M: M, N: M, Data: x.Map(b)}
			if err := op.FitNorm(e, one); err != nil {
				t.Fatal(err)
			}
			for i, v := range forward(t, e, op, one).Row(0) {
				c[i] += v / complex(float64(x.B), 0)
			}
		}
		return c, op
	}
	cn, op := rho(noise)
	lb := op.Labels()
	worst := map[string]float64{}
	for i, v := range cn {
		cl := lb.Class[i]
		if cl == "S11" && cmplx.Abs(v-1) > 1e-12 {
			t.Errorf("normalised S11 = %v, want 1", v)
		}
		if cl != "C01" && cl != "Cphase" {
			continue
		}
		sigma := 1 / math.Sqrt(float64(B*M*M)/math.Pow(4, float64(lb.Get(i, "j2"))))
		worst[cl] = math.Max(worst[cl], cmplx.Abs(v)/sigma)
		if cmplx.Abs(v) > 5*sigma {
			t.Errorf("white noise %s = %v: %.1f σ from 0", lb.String(i), v, cmplx.Abs(v)/sigma)
		}
	}
	t.Logf("white noise: max |C01|/σ = %.2f, max |Cphase|/σ = %.2f", worst["C01"], worst["Cphase"])
	dust := crop(testutil.Dust256(t), M, M)
	cd, _ := rho(dust)
	big := map[string]float64{}
	for i, v := range cd {
		cl := lb.Class[i]
		sigma := 1 / math.Sqrt(float64(M*M)/math.Pow(4, float64(lb.Get(i, "j2"))))
		big[cl] = math.Max(big[cl], cmplx.Abs(v)/sigma)
	}
	t.Logf("dust: max |C01|/σ = %.1f, max |Cphase|/σ = %.1f", big["C01"], big["Cphase"])
	if big["C01"] < 10 || big["Cphase"] < 10 {
		t.Errorf("positive control failed: dust C01, Cphase should be far from 0 (%.1f σ, %.1f σ)", big["C01"], big["Cphase"])
	}
}

// TestBatchConsistency: a batch gives each map's own coefficients (and its
// gradient), for auto/cross and norm none/auto.
func TestBatchConsistency(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	e := cpu.New()
	for _, cfg := range []Config{{J: 3, L: 4, DN: 1}, {J: 3, L: 4, DN: 1, Norm: NormAuto}, {J: 3, L: 4, Cross: true, Subsample: true, Margin: 1}} {
		op := newOp(t, cfg, 32, 32)
		rows := 32
		if cfg.Cross {
			rows = 64
		}
		x := stlayer.NewMaps(3, rows, 32)
		for b := 0; b < 3; b++ {
			copy(x.Map(b), smoothField(rng, rows, 32))
		}
		if cfg.Norm == NormAuto {
			if err := op.FitNorm(e, &stlayer.Maps{B: 1, M: rows, N: 32, Data: x.Map(1)}); err != nil {
				t.Fatal(err)
			}
		}
		all := forward(t, e, op, x)
		_, gAll, err := e.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b < 3; b++ {
			one := &stlayer.Maps{B: 1, M: rows, N: 32, Data: x.Map(b)}
			c := forward(t, e, op, one).Row(0)
			for i, v := range c {
				if cmplx.Abs(all.Row(b)[i]-v) > 1e-12*(cmplx.Abs(v)+1e-12) {
					t.Fatalf("%+v map %d coefficient %d: batch %v, alone %v", cfg, b, i, all.Row(b)[i], v)
				}
			}
			_, g, err := e.LossGrad(op.Key(), op.Stat(), one, testutil.SumAbs2)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range g {
				if w := gAll[b*rows*32+i]; math.Abs(w-v) > 1e-10*(math.Abs(v)+1e-8) {
					t.Fatalf("%+v map %d gradient %d: batch %v, alone %v", cfg, b, i, w, v)
				}
			}
		}
	}
}

// TestGradFiniteDifference checks LossGrad against central differences of a
// random linear functional of the coefficients, ℒ = Σ Re(conj(a_k)·c_k).
func TestGradFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	e := cpu.New()
	for _, tc := range []struct {
		name string
		cfg  Config
		rows int
	}{
		{"periodic dn1", Config{J: 3, L: 4, DN: 1}, 32},
		{"subsample", Config{J: 4, L: 4, Subsample: true, Margin: 1}, 32},
		{"nonperiodic dn1", Config{J: 3, L: 4, DN: 1, NonPeriodic: true}, 32},
		{"norm auto", Config{J: 3, L: 4, DN: 1, Norm: NormAuto}, 32},
		{"cross", Config{J: 3, L: 4, DN: 1, Cross: true}, 64},
		{"cross norm auto nonperiodic", Config{J: 3, L: 4, DN: 1, Cross: true, Norm: NormAuto, NonPeriodic: true}, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := newOp(t, tc.cfg, 32, 32)
			x := &stlayer.Maps{B: 1, M: tc.rows, N: 32, Data: smoothField(rng, tc.rows, 32)}
			if tc.cfg.Norm == NormAuto {
				if err := op.FitNorm(e, x); err != nil {
					t.Fatal(err)
				}
			}
			K := op.NumCoeffs()
			a := make([]complex128, K)
			for i := range a {
				a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
			}
			lossOf := func(c *stlayer.Coeffs) (float64, []complex128, error) {
				var l float64
				for i, v := range c.Data {
					l += real(cmplx.Conj(a[i]) * v)
				}
				return l, append([]complex128(nil), a...), nil
			}
			// Scale a so that every class contributes comparably.
			c0 := forward(t, e, op, x).Row(0)
			for i := range a {
				a[i] /= complex(cmplx.Abs(c0[i])+1e-12, 0)
			}
			_, g, err := e.LossGrad(op.Key(), op.Stat(), x, lossOf)
			if err != nil {
				t.Fatal(err)
			}
			v := make([]float64, len(x.Data))
			var gv float64
			for i := range v {
				v[i] = rng.NormFloat64()
				gv += g[i] * v[i]
			}
			const eps = 1e-6 // small: tiny coefficients weighted by 1/|c| make ℒ strongly curved
			at := func(s float64) float64 {
				y := &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: make([]float64, len(x.Data))}
				for i := range y.Data {
					y.Data[i] = x.Data[i] + s*v[i]
				}
				l, _, _ := lossOf(forward(t, e, op, y))
				return l
			}
			fd := (at(eps) - at(-eps)) / (2 * eps)
			t.Logf("directional derivative: tape %.10e, finite difference %.10e", gv, fd)
			if math.Abs(fd-gv) > 1e-6*math.Abs(fd) {
				t.Errorf("gradient mismatch: %.3e relative", math.Abs(fd-gv)/math.Abs(fd))
			}
		})
	}
}

// TestNewErrors checks the validation of sizes and options.
func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		M, N int
	}{
		{Config{J: 6, L: 4}, 32, 256},
		{Config{J: 0, L: 4}, 64, 64},
		{Config{J: 3, L: 4, TauGrid: "linear"}, 64, 64},
		{Config{J: 3, L: 4, Classes: []string{"S22"}}, 64, 64},
		{Config{J: 3, L: 4, DN: 1, Classes: []string{"C10"}}, 64, 64},
		{Config{J: 4, L: 4, NonPeriodic: true, Cut: 2}, 64, 64},
	} {
		if _, err := New(tc.cfg, tc.M, tc.N); err == nil {
			t.Errorf("New(%+v, %d, %d) accepted", tc.cfg, tc.M, tc.N)
		}
	}
	op := newOp(t, Config{J: 3, L: 4}, 32, 32)
	if _, err := op.Forward(cpu.New(), stlayer.NewMaps(1, 32, 16)); err == nil {
		t.Errorf("Forward accepted maps of the wrong size")
	}
}
