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

// TestFitNormAveragesBatch pins the documented deviation from PyWPH's
// norm='auto' (which keeps the first map it is given): FitNorm on a batch
// stores, for every factor, the batch average of the per-map means and the
// square root of the batch average of the per-map variances.
func TestFitNormAveragesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := testutil.RandMaps(rng, 2, 16, 16)
	for i := range x.Data[:256] {
		x.Data[i] = math.Exp(x.Data[i]) // two maps of different statistics
	}
	e := cpu.New()
	fit := func(m *stlayer.Maps) map[fkey]FactorStat {
		op, err := New(Config{J: 2, L: 4, Norm: NormAuto}, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		if err := op.FitNorm(e, m); err != nil {
			t.Fatal(err)
		}
		out := map[fkey]FactorStat{}
		for _, f := range op.Norm().Factors {
			out[keyOf(f)] = f
		}
		return out
	}
	both := fit(x)
	one := fit(&stlayer.Maps{B: 1, M: 16, N: 16, Data: x.Map(0)})
	two := fit(&stlayer.Maps{B: 1, M: 16, N: 16, Data: x.Map(1)})
	if len(both) == 0 || len(both) != len(one) || len(both) != len(two) {
		t.Fatalf("factor counts %d, %d, %d", len(both), len(one), len(two))
	}
	differ := false
	for k, f := range both {
		a, b := one[k], two[k]
		wantRe, wantIm := (a.MeanRe+b.MeanRe)/2, (a.MeanIm+b.MeanIm)/2
		wantStd := math.Sqrt((a.Std*a.Std + b.Std*b.Std) / 2)
		if math.Abs(f.MeanRe-wantRe)+math.Abs(f.MeanIm-wantIm) > 1e-12*(1+math.Abs(wantRe)+math.Abs(wantIm)) ||
			math.Abs(f.Std-wantStd) > 1e-12*(1+wantStd) {
			t.Errorf("factor %+v: batch fit (%g%+gi, σ %g), want averages (%g%+gi, σ %g)", k, f.MeanRe, f.MeanIm, f.Std, wantRe, wantIm, wantStd)
		}
		if math.Abs(a.Std-b.Std) > 1e-3*a.Std {
			differ = true
		}
	}
	if !differ {
		t.Error("the two maps have the same factor statistics: the test cannot tell averaging from keeping the first map")
	}
}

// TestNormAutoNotRecentred pins the NormAuto formula: on a map y other than
// the reference x, every WPH moment is ⟨(a_y(r+τ) − μ_a)·conj(b_y(r) − μ_b)⟩
// / (σ_a σ_b) with μ, σ those of x — the factors are NOT re-centred on y's own
// means (PyWPH's norm='auto'; its 'auto_std_only' would re-centre). For
// y = 2x every factor doubles, so the coefficient is 4·C(x) + μ_a·conj(μ_b)
// / (σ_a σ_b); re-centring would give 4·C(x). S00 (μ = ⟨|z|⟩ ≠ 0) tells them
// apart.
func TestNormAutoNotRecentred(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	x := &stlayer.Maps{B: 1, M: 32, N: 32, Data: smoothField(rng, 32, 32)}
	op, err := New(Config{J: 3, L: 4, Norm: NormAuto}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	e := cpu.New()
	if err := op.FitNorm(e, x); err != nil {
		t.Fatal(err)
	}
	y := stlayer.NewMaps(1, 32, 32)
	for i, v := range x.Data {
		y.Data[i] = 2 * v
	}
	cx, err := op.Forward(e, x)
	if err != nil {
		t.Fatal(err)
	}
	cy, err := op.Forward(e, y)
	if err != nil {
		t.Fatal(err)
	}
	n := op.Norm()
	shifted := 0
	for i, m := range op.Moments() {
		fa := n.stat(fkey{m: 0, j: m.J1, l: m.L1, p: m.P1})
		fb := n.stat(fkey{m: 0, j: m.J2, l: m.L2, p: m.P2})
		mm := fa.mean() * cmplx.Conj(fb.mean()) / complex(fa.std()*fb.std(), 0)
		want := 4*cx.Data[i] + mm
		if d := cmplx.Abs(cy.Data[i] - want); d > 1e-9*(1+cmplx.Abs(want)) {
			t.Errorf("%s on 2x: %v, want 4·%v + %v (reference means not re-centred)", op.Labels().String(i), cy.Data[i], cx.Data[i], mm)
		}
		if cmplx.Abs(mm) > 0.1 {
			shifted++
		}
	}
	if shifted == 0 {
		t.Error("no moment has a sizeable μ_a·conj(μ_b)/(σ_a σ_b): the test cannot tell the conventions apart")
	}
}

// TestNormAutoZeroMapIsNaN pins the documented deviation of NormAuto from
// PyWPH on an identically zero map: the reference constants enter the graph
// through a field of ones computed as m/m with m = ⟨|x|⟩, so every
// coefficient is NaN (PyWPH would return the finite μ_a·conj(μ_b)/(σ_a σ_b)).
func TestNormAutoZeroMapIsNaN(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	x := &stlayer.Maps{B: 1, M: 32, N: 32, Data: smoothField(rng, 32, 32)}
	op, err := New(Config{J: 3, L: 4, Norm: NormAuto}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	e := cpu.New()
	if err := op.FitNorm(e, x); err != nil {
		t.Fatal(err)
	}
	c, err := op.Forward(e, stlayer.NewMaps(1, 32, 32))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range c.Data {
		if !cmplx.IsNaN(v) {
			t.Errorf("%s on a zero map: %v, want NaN", op.Labels().String(i), v)
		}
	}
}
