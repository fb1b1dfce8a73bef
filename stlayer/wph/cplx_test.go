package wph

import (
	"bytes"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// Tests of Config.Complex (PyWPH cplx=True on z = Q + iU). No PyWPH fixture
// exists for complex data: the conventions come from PyWPH's load_model and
// _apply_chunk, and these tests check them against the definitions (a
// direct computation), the real statistic (U = 0), the phase covariance of
// each moment and finite differences.

// complexPair stacks (q, u) for a Complex operator.
func complexPair(t testing.TB, q, u []float64, M, N int) *stlayer.Maps {
	t.Helper()
	x, err := StackPair(&stlayer.Maps{B: 1, M: M, N: N, Data: q}, &stlayer.Maps{B: 1, M: M, N: N, Data: u})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// directComplexWPH computes op's coefficients of z = q + iu from the
// definitions: z⋆ψ_{j,θ} with filters.BumpSteerableFull (θ + π evaluated
// from the formula, not mirrored), explicit sums over pixels, the second
// factor conjugated for pseudo-moments.
func directComplexWPH(op *Op, q, u []float64) []complex128 {
	M, N, L := op.M, op.N, op.cfg.L
	wd := op.window()
	periodic := !op.cfg.NonPeriodic
	z := make([]complex128, M*N)
	for i := range z {
		z[i] = complex(q[i], u[i])
	}
	Z := testutil.FFT2(z, M, N, false)
	psi := filters.BumpSteerableFull(M, N, op.cfg.J, L)
	factor := func(j, t, p int, conj bool) []complex128 {
		f := psi.Filter(j*2*L + t)
		s := make([]complex128, M*N)
		for i := range s {
			s[i] = Z[i] * complex(f[i], 0)
		}
		w := testutil.FFT2(s, M, N, true)
		for i, v := range w {
			w[i] = harmonic(v, p)
			if conj {
				w[i] = cmplx.Conj(w[i])
			}
		}
		return cutCentred(w, N, wd)
	}
	var out []complex128
	for _, mo := range op.moments {
		a := factor(mo.J1, mo.L1, mo.P1, false)
		b := factor(mo.J2, mo.L2, mo.P2, mo.Pseudo == 1)
		out = append(out, directCov(a, b, wd, mo.Tau, periodic))
	}
	smFactor := func(j, p int, conj bool) []complex128 {
		var mu complex128
		for _, v := range z {
			mu += v
		}
		mu /= complex(float64(M*N), 0)
		zc := make([]complex128, M*N)
		for i, v := range z {
			zc[i] = v - mu
		}
		F := testutil.FFT2(zc, M, N, false)
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
		y := cutCentred(testutil.FFT2(F, M, N, true), N, wd)
		for i, v := range y {
			y[i] = harmonic(v, p)
			if conj {
				y[i] = cmplx.Conj(y[i])
			}
		}
		return cutCentred(y, wd.w, window{0, 0, wd.h, wd.w})
	}
	for _, s := range op.sms {
		a, b := smFactor(s.J, s.P1, false), smFactor(s.J, s.P2, s.Pseudo == 1)
		out = append(out, directCov(a, b, wd, [2]int{}, true))
	}
	return out
}

// TestComplexDirect compares the Complex statistic with the direct
// computation from the definitions on small maps.
func TestComplexDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	e := cpu.New()
	for _, tc := range []struct {
		name string
		cfg  Config
		M, N int
	}{
		{"periodic dn1", Config{J: 3, L: 4, DN: 1, Complex: true}, 32, 32},
		{"L3 dl1 legacy 24x20", Config{J: 2, L: 3, DN: 1, DL: 1, TauGrid: "legacy", Complex: true}, 24, 20},
		{"nonperiodic dn1", Config{J: 3, L: 4, DN: 1, NonPeriodic: true, Complex: true}, 40, 36},
		{"extra classes", Config{J: 3, L: 2, Complex: true, Classes: []string{"Cphase_inv", "S11", "C10", "C00", "S10", "L", "S01", "S00"},
			SMJ: []int{-1, 1}, SMP: [][2]int{{0, 0}, {1, 1}, {0, 2}}}, 32, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := newOp(t, tc.cfg, tc.M, tc.N)
			q, u := smoothField(rng, tc.M, tc.N), smoothField(rng, tc.M, tc.N)
			got := forward(t, e, op, complexPair(t, q, u, tc.M, tc.N)).Row(0)
			compareDirect(t, op, got, directComplexWPH(op, q, u), 1e-10)
		})
	}
}

// TestComplexRealMap: for U = 0 (z real) the complex statistic holds the
// real one: coefficients with θ1, θ2 < π equal the real statistic's, and
// since z⋆ψ_{θ+π} = conj(z⋆ψ_θ) for real z, those at θ + π are the real
// ones conjugated when a linear factor (p ≠ 0) is flipped, with τ → −τ
// (the α index moves by A: C01, Cphase with n ≥ 1; S11, S00 are even in τ up
// to a conjugate that cancels). The pseudo S11 ⟨z_θ(r+τ)·z_{θ+π}(r)⟩ is then
// ⟨z_θ(r+τ)·conj z_θ(r)⟩ = S11 (at α − π: the conjugate S11 at α − π + π
// when that is not on the real grid), and pseudo L = L(1,1).
func TestComplexRealMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	e := cpu.New()
	const M = 32
	for _, cfg := range []Config{{J: 3, L: 4, DN: 1}, {J: 3, L: 4, DN: 0, Norm: NormAuto, Classes: []string{"S11", "S00", "C00", "S01", "C01", "S10", "C10", "Cphase", "Cphase_inv", "L"}}} {
		q := smoothField(rng, M, M)
		rop := newOp(t, cfg, M, M)
		real0 := &stlayer.Maps{B: 1, M: M, N: M, Data: q}
		want := forward(t, e, rop, real0).Row(0)
		cfg.Complex = true
		cop := newOp(t, cfg, M, M)
		got := forward(t, e, cop, complexPair(t, q, make([]float64, M*M), M, M)).Row(0)
		if cfg.Norm == NormAuto {
			// The complex fit of z = q must hold the real fit's factors.
			rn, cn := rop.Norm(), cop.Norm()
			for _, f := range rn.Factors {
				g := cn.stat(keyOf(f))
				if math.Abs(g.Std-f.Std) > 1e-12*f.Std || cmplx.Abs(g.mean()-f.mean()) > 1e-12*(f.Std+cmplx.Abs(f.mean())) {
					t.Errorf("norm factor %s: complex %+v, real %+v", keyOf(f), g, f)
				}
			}
		}
		L, A := cfg.L, rop.cfg.A
		type key struct {
			class                        string
			j1, l1, p1, j2, l2, p2, n, a int
		}
		realv := map[key]complex128{}
		for i, m := range rop.moments {
			realv[key{m.Class, m.J1, m.L1, m.P1, m.J2, m.L2, m.P2, m.N, m.A}] = want[i]
		}
		scale := map[string]float64{}
		for i, v := range want {
			scale[rop.labels.Class[i]] = math.Max(scale[rop.labels.Class[i]], cmplx.Abs(v))
		}
		checked, same := 0, 0
		check := func(i int, w complex128, ok bool) {
			t.Helper()
			m := cop.labels.String(i)
			if !ok {
				t.Errorf("%s: no real counterpart", m)
				return
			}
			checked++
			if d := cmplx.Abs(got[i] - w); d > 1e-10*(cmplx.Abs(w)+1e-3*scale[cop.labels.Class[i]]) {
				t.Errorf("%s: complex %v, expected %v", m, got[i], w)
			}
		}
		for i, m := range cop.moments {
			r1, r2 := m.L1%L, m.L2%L
			f1 := m.P1 != 0 && m.L1 >= L
			f2 := m.P2 != 0 && (m.L2 >= L) != (m.Pseudo == 1)
			switch {
			case m.Pseudo == 1:
				a := m.A
				if m.N > 0 {
					a = (m.A + A) % (2 * A) // τ = τ_real(θ, α − π)
				}
				if a < A || m.N == 0 {
					w, ok := realv[key{"S11", m.J1, r1, 1, m.J2, r1, 1, m.N, a}]
					check(i, w, ok)
				} else {
					w, ok := realv[key{"S11", m.J1, r1, 1, m.J2, r1, 1, m.N, a - A}]
					check(i, cmplx.Conj(w), ok)
				}
			case m.L1 < L && m.L2 < L:
				w, ok := realv[key{m.Class, m.J1, m.L1, m.P1, m.J2, m.L2, m.P2, m.N, m.A}]
				check(i, w, ok)
				same++
			case m.N > 0 && (m.Class == "S11" || m.Class == "S00"):
				w, ok := realv[key{m.Class, m.J1, r1, m.P1, m.J2, r2, m.P2, m.N, m.A}]
				check(i, w, ok)
			default:
				if (m.P1 != 0 && m.P2 != 0 && f1 != f2) || (m.N > 0 && m.L1 != m.L2) {
					t.Fatalf("%s: unexpected flips", cop.labels.String(i))
				}
				a := m.A
				if m.N > 0 && m.L2 >= L {
					a = (m.A + A) % (2 * A)
				}
				w, ok := realv[key{m.Class, m.J1, r1, m.P1, m.J2, r2, m.P2, m.N, a}]
				if f1 || f2 {
					w = cmplx.Conj(w)
				}
				check(i, w, ok)
			}
		}
		nm := len(cop.moments)
		for k, s := range cop.sms {
			p := s.P1*10 + s.P2
			for r, rs := range rop.sms {
				if rs.J == s.J && rs.P1*10+rs.P2 == p {
					check(nm+k, want[len(rop.moments)+r], true)
				}
			}
		}
		if same != len(rop.moments) || checked != cop.NumCoeffs() {
			t.Errorf("%+v: %d coefficients at θ < π (real model %d), %d of %d checked", cfg, same, len(rop.moments), checked, cop.NumCoeffs())
		}
	}
}

// TestComplexGlobalPhase: z → e^{iφ}z multiplies z⋆ψ by e^{iφ}, [z⋆ψ]^p by
// e^{ipφ} (|·| for p = 0 unchanged), x⋆φ − ⟨x⋆φ⟩ likewise. A covariance
// ⟨a·conj b⟩ of harmonics p1, p2 is multiplied by e^{i(p1 − p2)φ}, a pseudo
// ⟨a·b⟩ by e^{i(p1 + p2)φ}. So S11, S00, C00 and L(0,0), L(1,1) are
// invariant; S01, C01 turn by e^{−iφ}, S10, C10 by e^{iφ}, Cphase by
// e^{i(1 − 2^{Δj})φ}, Cphase_inv by e^{i(2^{Δj} − 1)φ}, L(0,1) by e^{−iφ},
// pseudo S11 and pseudo L by e^{2iφ}.
func TestComplexGlobalPhase(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	e := cpu.New()
	const M, phi = 32, 0.7
	cfg := Config{J: 3, L: 4, DN: 1, Complex: true}
	op := newOp(t, cfg, M, M)
	q, u := smoothField(rng, M, M), smoothField(rng, M, M)
	c := forward(t, e, op, complexPair(t, q, u, M, M)).Row(0)
	cs, sn := math.Cos(phi), math.Sin(phi)
	q2, u2 := make([]float64, M*M), make([]float64, M*M)
	for i := range q {
		q2[i], u2[i] = cs*q[i]-sn*u[i], sn*q[i]+cs*u[i]
	}
	cr := forward(t, e, op, complexPair(t, q2, u2, M, M)).Row(0)
	cfgX := cfg
	cfgX.DN = 0
	cfgX.Classes = []string{"C00", "S10", "C10", "Cphase_inv", "L"}
	cfgX.SMP = [][2]int{{0, 0}, {0, 1}, {1, 1}, {1, 0}}
	opX := newOp(t, cfgX, M, M)
	cX := forward(t, e, opX, complexPair(t, q, u, M, M)).Row(0)
	crX := forward(t, e, opX, complexPair(t, q2, u2, M, M)).Row(0)
	invariant := map[string]int{}
	for _, run := range []struct {
		op    *Op
		a, b  []complex128
		extra bool
	}{{op, c, cr, false}, {opX, cX, crX, true}} {
		lb := run.op.Labels()
		scale := map[string]float64{}
		for i, v := range run.a {
			scale[lb.Class[i]] = math.Max(scale[lb.Class[i]], cmplx.Abs(v))
		}
		for i, v := range run.a {
			p1, p2, ps := lb.Get(i, "p1"), lb.Get(i, "p2"), lb.Get(i, "pseudo")
			k := p1 - p2
			if ps == 1 {
				k = p1 + p2
			}
			w := v * cmplx.Rect(1, float64(k)*phi)
			if k == 0 {
				invariant[lb.Class[i]]++
			}
			if d := cmplx.Abs(run.b[i] - w); d > 1e-10*(cmplx.Abs(w)+1e-3*scale[lb.Class[i]]) {
				t.Errorf("%s: e^{iφ}z gives %v, expected e^{%diφ}·%v = %v", lb.String(i), run.b[i], k, v, w)
			}
			if k != 0 && cmplx.Abs(v) > 1e-3*scale[lb.Class[i]] && cmplx.Abs(run.b[i]-v) < 1e-3*cmplx.Abs(v) {
				t.Errorf("%s: phase-covariant coefficient unchanged (%v)", lb.String(i), v)
			}
		}
	}
	t.Logf("invariant coefficients per class: %v", invariant)
	if invariant["S11"] == 0 || invariant["S00"] == 0 || invariant["C00"] == 0 || invariant["L"] == 0 || invariant["C01"] != 0 || invariant["Cphase"] != 0 {
		t.Errorf("invariant classes %v", invariant)
	}
}

// TestComplexGradFiniteDifference checks LossGrad of Complex against central
// differences on a 16² pair (Q, U), for ℒ = Σ Re(conj(a_k)·c_k).
func TestComplexGradFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	e := cpu.New()
	const M = 16
	for _, cfg := range []Config{
		{J: 3, L: 4, DN: 1, Complex: true},
		{J: 3, L: 4, DN: 1, Complex: true, Norm: NormAuto},
		{J: 2, L: 4, DN: 1, Complex: true, NonPeriodic: true},
		{J: 2, L: 4, Complex: true, NonPeriodic: true, Norm: NormAuto, Classes: []string{"S11", "S00", "S01", "C01", "Cphase", "S10", "C10", "L"}},
	} {
		op := newOp(t, cfg, M, M)
		x := complexPair(t, smoothField(rng, M, M), smoothField(rng, M, M), M, M)
		if cfg.Norm == NormAuto {
			if err := op.FitNorm(e, x); err != nil {
				t.Fatal(err)
			}
		}
		c0 := forward(t, e, op, x).Row(0)
		a := make([]complex128, len(c0))
		for i := range a {
			a[i] = complex(rng.NormFloat64(), rng.NormFloat64()) / complex(cmplx.Abs(c0[i])+1e-12, 0)
		}
		lossOf := func(c *stlayer.Coeffs) (float64, []complex128, error) {
			var l float64
			for i, v := range c.Data {
				l += real(cmplx.Conj(a[i]) * v)
			}
			return l, append([]complex128(nil), a...), nil
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
		at := func(s float64) float64 {
			y := &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: make([]float64, len(x.Data))}
			for i := range y.Data {
				y.Data[i] = x.Data[i] + s*v[i]
			}
			l, _, _ := lossOf(forward(t, e, op, y))
			return l
		}
		const eps = 1e-6
		fd := (at(eps) - at(-eps)) / (2 * eps)
		t.Logf("norm=%v nonperiodic=%v: directional derivative tape %.10e, finite difference %.10e", cfg.Norm, cfg.NonPeriodic, gv, fd)
		if math.Abs(fd-gv) > 1e-6*math.Abs(fd) {
			t.Errorf("%+v: gradient mismatch %.3e relative", cfg, math.Abs(fd-gv)/math.Abs(fd))
		}
		// The U half of the gradient is not zero (z = Q + iU reaches U).
		var gu float64
		for _, w := range g[M*M:] {
			gu += w * w
		}
		if gu == 0 {
			t.Errorf("%+v: zero gradient with respect to U", cfg)
		}
	}
}

// TestComplexNormAuto: with NormAuto fitted on z itself every coefficient is
// its raw covariance divided by σ_a σ_b, σ² the variance of the factor, i.e.
// the raw S11 (p = 1) or S00 (p = 0) at τ = 0 of that factor; the pseudo S11
// uses the σ of z⋆ψ_{θ+π} (the conjugate has the same σ). The normalisation
// records complex=true and is refused by a real operator (and vice versa).
func TestComplexNormAuto(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	e := cpu.New()
	const M = 32
	cfg := Config{J: 3, L: 4, Complex: true}
	raw := newOp(t, cfg, M, M)
	x := complexPair(t, smoothField(rng, M, M), smoothField(rng, M, M), M, M)
	r := forward(t, e, raw, x).Row(0)
	cfg.Norm = NormAuto
	op := newOp(t, cfg, M, M)
	c := forward(t, e, op, x).Row(0) // fits on x
	variance := map[[3]int]float64{} // (j, t, p) → σ²
	for i, m := range raw.moments {
		if (m.Class == "S11" || m.Class == "S00") && m.Pseudo == 0 && m.N == 0 {
			variance[[3]int{m.J1, m.L1, m.P1}] = real(r[i])
		}
	}
	for i, m := range raw.moments {
		if m.Class == "Cphase" {
			continue // σ of [z]^p, p ≥ 2: not a raw coefficient
		}
		s1, s2 := variance[[3]int{m.J1, m.L1, m.P1}], variance[[3]int{m.J2, m.L2, m.P2}]
		w := r[i] / complex(math.Sqrt(s1*s2), 0)
		if d := cmplx.Abs(c[i] - w); d > 1e-10 {
			t.Errorf("%s: normalised %v, raw/(σσ) %v", op.labels.String(i), c[i], w)
		}
	}
	n := op.Norm()
	if !n.Complex {
		t.Errorf("normalisation of a complex operator has complex=false")
	}
	var buf bytes.Buffer
	if err := n.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"complex": true`) {
		t.Errorf("JSON lacks complex: true")
	}
	rop := newOp(t, Config{J: 3, L: 4, Norm: NormAuto}, M, M)
	if err := rop.SetNorm(n); err == nil || !strings.Contains(err.Error(), "complex") {
		t.Errorf("real operator accepted a complex normalisation (err %v)", err)
	}
	if err := rop.FitNorm(e, &stlayer.Maps{B: 1, M: M, N: M, Data: x.Data[:M*M]}); err != nil {
		t.Fatal(err)
	}
	if err := op.SetNorm(rop.Norm()); err == nil || !strings.Contains(err.Error(), "complex") {
		t.Errorf("complex operator accepted a real normalisation (err %v)", err)
	}
}

// TestComplexSubsample: Config.Subsample evaluates the non-linear factors of
// complex z on coarser grids as for real maps; with Margin = 1 (|z_3| on a
// grid of step 2, J = 4, 64² pair) the coefficients stay within 2e-3 of their
// class's largest value of the exact ones (measured 9.0e-4 for S00, 2.4e-4
// S01; C01 and Cphase read full grids here), the linear ones (S11, pseudo
// S11) exact to round-off.
func TestComplexSubsample(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	e := cpu.New()
	const M = 64
	x := complexPair(t, smoothField(rng, M, M), smoothField(rng, M, M), M, M)
	exact := forward(t, e, newOp(t, Config{J: 4, L: 4, DN: 1, Complex: true}, M, M), x).Row(0)
	op := newOp(t, Config{J: 4, L: 4, DN: 1, Complex: true, Subsample: true, Margin: 1}, M, M)
	sub := forward(t, e, op, x).Row(0)
	lb := op.Labels()
	r, a, _ := classErrors(lb, sub, exact)
	t.Logf("largest error relative to the class scale: %v", a)
	for c, v := range a {
		if v > 2e-3 {
			t.Errorf("%s: subsampled differs from exact by %.2e of the class scale", c, v)
		}
	}
	if r["S11"] > 1e-12 {
		t.Errorf("S11 (linear factors) differs by %.2e relative", r["S11"])
	}
}
