package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// GaussianKLClosed took log σ² without the LogNormalEps the training loss adds: a zero variance
// gave +Inf (q collapsed) or NaN (p or both collapsed): [+Inf NaN NaN NaN] for the rows below. It is now the KL
// of the ε-regularised Gaussians: finite, the host formula with σ²+ε, in float32 and float64.
func TestGaussianKLClosedZeroVariance(t *testing.T) {
	b := gomlxtest.Backend(t)
	// Rows: q collapsed; p collapsed at q's mean; both collapsed at the same mean; both collapsed apart.
	muQ := []float64{0.3, 1, 2, 0}
	vQ := []float64{0, 0.5, 0, 0}
	muP := []float64{-0.2, 1, 2, 1e-3}
	vP := []float64{1.5, 0, 0, 0}
	host := func(i int) float64 {
		vq, vp := vQ[i]+LogNormalEps, vP[i]+LogNormalEps
		d := muQ[i] - muP[i]
		return 0.5 * (math.Log(vp/vq) + (vq+d*d)/vp - 1)
	}
	e := MustNewExec(b, func(mq, vq, mp, vp *Node) *Node { return GaussianKLClosed(mq, vq, mp, vp) })
	out := e.MustExec(t64(muQ, 4, 1), t64(vQ, 4, 1), t64(muP, 4, 1), t64(vP, 4, 1))
	got := tensors.MustCopyFlatData[float64](out[0])
	f32 := func(v []float64) *tensors.Tensor {
		o := make([]float32, len(v))
		for i, x := range v {
			o[i] = float32(x)
		}
		return tensors.FromFlatDataAndDimensions(o, 4, 1)
	}
	got32 := tensors.MustCopyFlatData[float32](e.MustExec(f32(muQ), f32(vQ), f32(muP), f32(vP))[0])
	for i := range got {
		w := host(i)
		if !(math.Abs(got[i]-w) <= 1e-12*math.Max(1, w)) {
			t.Errorf("row %d float64: %.15g, want %.15g", i, got[i], w)
		}
		if !(math.Abs(float64(got32[i])-w) <= 1e-6*math.Max(1, w)) {
			t.Errorf("row %d float32: %g, want %g", i, got32[i], w)
		}
	}
	if got[2] != 0 || got32[2] != 0 {
		t.Errorf("both collapsed at the same mean: %g (float64), %g (float32), want 0", got[2], got32[2])
	}
}

// CategoricalKLUniform (and MarginalKLUniform) came out negative in float32 for logits near
// uniform: −4.8e-7 for 16 equal logits, −7.2e-7 for 20 logits of spread 1e-4. They are now ≥ 0,
// within float32 rounding of the float64 host value, with the gradient of the unclamped sum.
func TestCategoricalKLNonNegativeFloat32(t *testing.T) {
	b := gomlxtest.Backend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		K      int
		spread float64
	}{{16, 0}, {20, 0}, {20, 1e-4}, {5, 1e-4}, {8, 1e-4}, {10, 1e-3}} {
		const B = 64
		lg := make([]float32, B*c.K)
		for i := range lg {
			lg[i] = float32(c.spread*rng.NormFloat64()) + 0.3
		}
		e := MustNewExec(b, func(lg *Node) []*Node {
			logq := LogSoftmax(lg, -1)
			raw := AddScalar(ReduceSum(Mul(Exp(logq), logq), -1), math.Log(float64(c.K)))
			cat := CategoricalKLUniform(lg)
			return []*Node{cat, MarginalKLUniform(lg), raw,
				Gradient(ReduceAllSum(cat), lg)[0], Gradient(ReduceAllSum(raw), lg)[0]}
		})
		out := e.MustExec(tensors.FromFlatDataAndDimensions(lg, B, c.K))
		cat := tensors.MustCopyFlatData[float32](out[0])
		marg := tensors.MustCopyFlatData[float32](out[1])[0]
		raw := tensors.MustCopyFlatData[float32](out[2])
		qbar := make([]float64, c.K)
		for i := 0; i < B; i++ {
			row := lg[i*c.K : (i+1)*c.K]
			mx, s := math.Inf(-1), 0.0
			for _, v := range row {
				mx = math.Max(mx, float64(v))
			}
			for _, v := range row {
				s += math.Exp(float64(v) - mx)
			}
			want := math.Log(float64(c.K))
			for k, v := range row {
				q := math.Exp(float64(v)-mx) / s
				want += q * math.Log(q)
				qbar[k] += q / B
			}
			if !(cat[i] >= 0) || math.Abs(float64(cat[i])-want) > 2e-6 {
				t.Errorf("K=%d spread %g row %d: KL %g, host %g (want ≥ 0 and within 2e-6)", c.K, c.spread, i, cat[i], want)
			}
			if want := max(raw[i], 0); cat[i] != want {
				t.Errorf("K=%d spread %g row %d: KL %g, want max(unclamped %g, 0)", c.K, c.spread, i, cat[i], raw[i])
			}
		}
		wm := math.Log(float64(c.K))
		for _, q := range qbar {
			wm += q * math.Log(q)
		}
		if !(marg >= 0) || math.Abs(float64(marg)-wm) > 3e-6 {
			t.Errorf("K=%d spread %g: marginal KL %g, host %g (want ≥ 0 and within 3e-6)", c.K, c.spread, marg, wm)
		}
		g, gr := tensors.MustCopyFlatData[float32](out[3]), tensors.MustCopyFlatData[float32](out[4])
		for i := range g {
			if g[i] != gr[i] {
				t.Fatalf("K=%d spread %g: gradient %d = %g, unclamped sum's %g", c.K, c.spread, i, g[i], gr[i])
			}
		}
	}
}
