package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// MarginalKLUniform against a host computation: even batches give 0, a batch entirely in one
// cluster gives log K, a generic batch Σ q̄ log q̄ + log K; an empty cluster contributes 0 (no NaN).
func TestMarginalKLUniform(t *testing.T) {
	b := gomlxtest.Backend(t)
	e := MustNewExec(b, func(lg *Node) *Node { return MarginalKLUniform(lg) })
	const K = 3
	host := func(logits []float64) float64 {
		n := len(logits) / K
		qbar := make([]float64, K)
		for i := 0; i < n; i++ {
			row := logits[i*K : (i+1)*K]
			s := 0.0
			for _, l := range row {
				s += math.Exp(l)
			}
			for k, l := range row {
				qbar[k] += math.Exp(l) / s / float64(n)
			}
		}
		v := math.Log(K)
		for _, q := range qbar {
			if q > 0 {
				v += q * math.Log(q)
			}
		}
		return v
	}
	cases := []struct {
		name   string
		logits []float64
		want   float64
	}{
		{"uniform rows", []float64{0, 0, 0, 1, 1, 1}, 0},
		{"one confident row per cluster", []float64{80, 0, 0, 0, 80, 0, 0, 0, 80}, 0},
		{"all rows in cluster 1", []float64{-800, 0, -800, -800, 5, -800}, math.Log(K)},
		{"generic", []float64{0.3, -1.2, 2, 1, 0.5, -0.7}, -1},
	}
	for _, c := range cases {
		got := tensors.MustCopyFlatData[float64](e.MustExec(t64(c.logits, len(c.logits)/K, K))[0])[0]
		want := c.want
		if want < 0 {
			want = host(c.logits)
		}
		if math.IsNaN(got) || math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: KL(q̄ ‖ U) = %.15g, want %.15g", c.name, got, want)
		}
	}
}

// WBalance adds WBalance·KL(q̄ ‖ U) to the total loss and nothing else.
func TestLossBalanceWeight(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := SmallConfig(3, 5)
	cfg.Z, cfg.H, cfg.Layers = 2, 4, 1
	x := randSlice(rand.New(rand.NewPCG(3, 5)), 4*5, 1, 0)
	total := func(wb float64) (tot, bal float64) {
		c := cfg
		c.WBalance = wb
		e := MustNewExec(b, func(x *Node) []*Node {
			g := x.Graph()
			zeros := Zeros(g, x.Shape())
			o := Outputs{Logits: Slice(x, AxisRange(), AxisRange(0, 3)), MuQ: Slice(x, AxisRange(), AxisRange(0, 2)),
				VarQ: OnesLike(Slice(x, AxisRange(), AxisRange(0, 2))), MuP: Slice(x, AxisRange(), AxisRange(1, 3)),
				VarP: OnesLike(Slice(x, AxisRange(), AxisRange(0, 2))), XRec: zeros}
			o.Z = o.MuQ
			tm := Loss(c, x, o)
			return []*Node{tm.Total, tm.Balance}
		})
		out := e.MustExec(t64(x, 4, 5))
		return tensors.MustCopyFlatData[float64](out[0])[0], tensors.MustCopyFlatData[float64](out[1])[0]
	}
	t0, b0 := total(0)
	t2, b2 := total(2.5)
	if b0 != b2 || !(b0 > 0) {
		t.Fatalf("balance term %g / %g", b0, b2)
	}
	if math.Abs(t2-t0-2.5*b0) > 1e-12 {
		t.Errorf("total with WBalance 2.5 = %.15g, without %.15g, balance %.15g", t2, t0, b0)
	}
}
