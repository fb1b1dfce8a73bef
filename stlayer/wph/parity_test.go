package wph

import (
	"bytes"

	"codeberg.org/sbinet/npyio"
	"math"
	"math/cmplx"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

const fixtureNPZ = "pywph_wph_J6_L4_dn0_dust256.npz"

func newOp(t testing.TB, cfg Config, M, N int) *Op {
	t.Helper()
	op, err := New(cfg, M, N)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func forward(t testing.TB, e stlayer.Engine, op *Op, x *stlayer.Maps) *stlayer.Coeffs {
	t.Helper()
	c, err := op.Forward(e, x)
	if err != nil {
		t.Fatal(err)
	}
	if c.B != x.B || c.K != op.NumCoeffs() || c.H != 1 || c.W != 1 {
		t.Fatalf("output [%d,%d,%d,%d], want [%d,%d,1,1]", c.B, c.K, c.H, c.W, x.B, op.NumCoeffs())
	}
	return c
}

// checkParity asserts |got−want| ≤ rel·|want| + abs·scale(class) for every
// coefficient, scale(class) = max |want| over the class (PyWPH computes in
// float32: coefficients much smaller than their class, e.g. off-axis C01 or
// Cphase near 0, only carry float32 noise relative to the class scale).
func checkParity(t *testing.T, lb *stlayer.Labels, got, want []complex128, rel, abs float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d coefficients, want %d", len(got), len(want))
	}
	r, a, _ := classErrors(lb, got, want)
	scale := map[string]float64{}
	for i, w := range want {
		scale[lb.Class[i]] = math.Max(scale[lb.Class[i]], cmplx.Abs(w))
	}
	bad := 0
	for i, w := range want {
		d := cmplx.Abs(got[i] - w)
		if d > rel*cmplx.Abs(w)+abs*scale[lb.Class[i]] {
			if bad < 10 {
				t.Errorf("coefficient %d %s: got %v want %v (rel %.2e)", i, lb.String(i), got[i], w, d/cmplx.Abs(w))
			}
			bad++
		}
	}
	for _, c := range []string{"S11", "S00", "S01", "C01", "Cphase", "L"} {
		t.Logf("%-7s max rel %.2e, max abs/scale %.2e", c, r[c], a[c])
	}
	if bad > 0 {
		t.Errorf("%d coefficients out of tolerance", bad)
	}
}

// TestLabelsMatchPyWPH checks the model (order, indices, τ) against the
// fixture's wph_moments_indices, scaling_moments_indices, translation_pos and
// class labels.
func TestLabelsMatchPyWPH(t *testing.T) {
	f := testutil.OpenNpz(t, testutil.RefFile(t, fixtureNPZ))
	var wi, si, tp []int64
	var classes []string
	f.Read("wph_moments_indices", &wi)
	f.Read("scaling_moments_indices", &si)
	f.Read("translation_pos", &tp)
	f.Read("labels", &classes)
	op := newOp(t, DefaultConfig(), 256, 256)
	wph, sm, tau := op.PyWPHIndices()
	if len(wph)*9 != len(wi) || len(sm)*4 != len(si) || len(tau)*2 != len(tp) {
		t.Fatalf("model sizes: %d wph, %d sm; fixture %d, %d", len(wph), len(sm), len(wi)/9, len(si)/4)
	}
	if op.NumCoeffs() != 381 || len(classes) != 381 {
		t.Fatalf("%d coefficients, fixture %d", op.NumCoeffs(), len(classes))
	}
	for i, row := range wph {
		for c := 0; c < 9; c++ {
			if int64(row[c]) != wi[i*9+c] {
				t.Fatalf("wph row %d = %v, fixture %v", i, row, wi[i*9:i*9+9])
			}
		}
		if int64(tau[i][0]) != tp[2*i] || int64(tau[i][1]) != tp[2*i+1] {
			t.Fatalf("τ %d = %v, fixture %v", i, tau[i], tp[2*i:2*i+2])
		}
	}
	for i, row := range sm {
		for c := 0; c < 4; c++ {
			if int64(row[c]) != si[i*4+c] {
				t.Fatalf("sm row %d = %v, fixture %v", i, row, si[i*4:i*4+4])
			}
		}
	}
	lb := op.Labels()
	for i, c := range classes {
		if lb.Class[i] != c {
			t.Fatalf("class %d = %s, fixture %s", i, lb.Class[i], c)
		}
	}
	// The label table carries the same indices.
	for i, row := range wph {
		if lb.Get(i, "j1") != row[0] || lb.Get(i, "l1") != row[1] || lb.Get(i, "p2") != row[5] || lb.Get(i, "pseudo") != 0 {
			t.Fatalf("label %d = %s, PyWPH row %v", i, lb.String(i), row)
		}
	}
	for i, row := range sm {
		k := len(wph) + i
		if lb.Get(k, "j1") != row[0] || lb.Get(k, "p1") != row[1] || lb.Get(k, "p2") != row[2] || lb.Get(k, "l1") != -1 {
			t.Fatalf("label %d = %s, PyWPH sm row %v", k, lb.String(k), row)
		}
	}
}

// TestModelCounts: PyWPH 1.1's coefficient counts for J=7, L=4 (tutorial):
// 513 with dn=0 (28 S11 + 28 S00 + 28 S01 + 336 C01 + 84 Cphase + 9 L) and
// 6113 with dn=5.
func TestModelCounts(t *testing.T) {
	for _, tc := range []struct{ dn, want int }{{0, 513}, {5, 6113}} {
		op := newOp(t, Config{J: 7, L: 4, DN: tc.dn}, 256, 256)
		if op.NumCoeffs() != tc.want {
			t.Errorf("J=7 L=4 dn=%d: %d coefficients, PyWPH has %d", tc.dn, op.NumCoeffs(), tc.want)
		}
	}
	cnt := map[string]int{}
	for _, c := range newOp(t, Config{J: 7, L: 4}, 256, 256).Labels().Class {
		cnt[c]++
	}
	if cnt["S11"] != 28 || cnt["S00"] != 28 || cnt["S01"] != 28 || cnt["C01"] != 336 || cnt["Cphase"] != 84 || cnt["L"] != 9 {
		t.Errorf("J=7 L=4 dn=0 class counts %v", cnt)
	}
}

// TestParityPyWPH: the 381 coefficients of PyWPH's default model (J=6, L=4,
// dn=0, norm=None, pbc=True) on dust256, exact mode: ≤ 1e-4 relative per
// coefficient, with an absolute floor of 1e-6 × the class's largest
// coefficient for the tiny ones (observed: ≤ 6e-7 relative except Cphase
// coefficients 100× below their class scale, ≤ 6e-6).
func TestParityPyWPH(t *testing.T) {
	x := testutil.Dust256(t)
	want := refCoeffs(t, "pywph_wph_J6_L4_dn0_dust256_coeffs.npy")
	var fromNPZ []complex64
	testutil.OpenNpz(t, testutil.RefFile(t, fixtureNPZ)).Read("coeffs", &fromNPZ)
	for i, v := range fromNPZ {
		if complex128(v) != want[i] {
			t.Fatalf("fixture files disagree at %d", i)
		}
	}
	op := newOp(t, DefaultConfig(), 256, 256)
	c := forward(t, cpu.New(), op, x)
	checkParity(t, op.Labels(), c.Row(0), want, 1e-4, 1e-6)

	// The PyWPH export writes the same vector back (complex64).
	var buf bytes.Buffer
	if err := WritePyWPH(&buf, c); err != nil {
		t.Fatal(err)
	}
	var back []complex64
	if err := npyio.Read(&buf, &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 381 {
		t.Fatalf("npy export: %d values", len(back))
	}
	for i, v := range back {
		if v != complex64(c.Data[i]) {
			t.Fatalf("npy export value %d: %v, want %v", i, v, complex64(c.Data[i]))
		}
	}
}

// TestParitySubsample measures the approximate Subsample modes against the
// fixture: Margin 2 within 2e-4 relative (+5e-5 of the class scale), Margin 3
// within 1e-4 (+1e-5).
func TestParitySubsample(t *testing.T) {
	x := testutil.Dust256(t)
	want := refCoeffs(t, "pywph_wph_J6_L4_dn0_dust256_coeffs.npy")
	e := cpu.New()
	for _, tc := range []struct {
		margin   int
		rel, abs float64
	}{{2, 2e-4, 5e-5}, {3, 1e-4, 1e-5}} {
		cfg := DefaultConfig()
		cfg.Subsample, cfg.Margin = true, tc.margin
		op := newOp(t, cfg, 256, 256)
		t.Logf("Margin %d", tc.margin)
		checkParity(t, op.Labels(), forward(t, e, op, x).Row(0), want, tc.rel, tc.abs)
	}
}

// TestGradParityPyWPH: ∂/∂x Σ|coeffs|² against PyWPH's autograd gradient
// (float32): max |Δ| ≤ 1e-4 · max |∇|.
func TestGradParityPyWPH(t *testing.T) {
	x := testutil.Dust256(t)
	var want []float32
	testutil.ReadNpy(t, testutil.RefFile(t, "pywph_wph_J6_L4_dn0_dust256_grad_sumabs2.npy"), &want)
	op := newOp(t, DefaultConfig(), 256, 256)
	_, g, err := cpu.New().LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	var gmax, dmax float64
	for i, w := range want {
		gmax = math.Max(gmax, math.Abs(float64(w)))
		dmax = math.Max(dmax, math.Abs(g[i]-float64(w)))
	}
	t.Logf("max |∇| %.3e, max |Δ| %.3e (%.2e relative)", gmax, dmax, dmax/gmax)
	if dmax > 1e-4*gmax {
		t.Errorf("gradient differs from PyWPH: max |Δ| = %.3e × max |∇|", dmax/gmax)
	}
}

// TestParityNormAuto: norm='auto' on a fresh operator (the reference is the
// map itself) against PyWPH; then the stored normalisation survives a JSON
// round trip and gives the same coefficients on another operator.
func TestParityNormAuto(t *testing.T) {
	x := testutil.Dust256(t)
	want := refCoeffs(t, "pywph_wph_J6_L4_dn0_dust256_normauto_coeffs.npy")
	cfg := DefaultConfig()
	cfg.Norm = NormAuto
	op := newOp(t, cfg, 256, 256)
	e := cpu.New()
	keyBefore := op.Key()
	c := forward(t, e, op, x) // fits the normalisation on x first
	if op.Key() == keyBefore {
		t.Errorf("Key does not depend on the stored normalisation")
	}
	checkParity(t, op.Labels(), c.Row(0), want, 1e-4, 1e-6)

	var buf bytes.Buffer
	if err := op.Norm().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	n, err := ReadNorm(&buf)
	if err != nil {
		t.Fatal(err)
	}
	op2 := newOp(t, cfg, 256, 256)
	if err := op2.SetNorm(n); err != nil {
		t.Fatal(err)
	}
	if op2.Key() != op.Key() {
		t.Errorf("reloaded normalisation has another key")
	}
	c2 := forward(t, e, op2, x)
	for i, v := range c2.Data {
		if cmplx.Abs(v-c.Data[i]) > 1e-12*(1+cmplx.Abs(c.Data[i])) {
			t.Fatalf("coefficient %d after reload: %v, before %v", i, v, c.Data[i])
		}
	}
	// On another map the reference statistics stay those of x.
	y := stlayer.NewMaps(1, 256, 256)
	for i, v := range x.Data {
		y.Data[i] = 2*v + 0.1
	}
	cy := forward(t, e, op2, y)
	if s := cy.Data[0]; cmplx.Abs(s-4*c.Data[0]) > 1e-9*cmplx.Abs(s) {
		t.Errorf("S11 of 2x+0.1 with x's normalisation = %v, want 4×%v", s, c.Data[0])
	}
	bad := newOp(t, Config{J: 5, L: 4, Norm: NormAuto}, 256, 256)
	if err := bad.SetNorm(n); err == nil {
		t.Errorf("SetNorm accepted a normalisation of another configuration")
	}
}
