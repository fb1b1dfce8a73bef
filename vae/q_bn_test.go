package vae

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestBatchNormSingleRow pins BatchNorm's documented single-value case: a [1, H] batch in training
// gives the offset (0 at initialisation) for every feature, and the running variance becomes
// (1−m)·1 + m·0, the running mean m·x.
func TestBatchNormSingleRow(t *testing.T) {
	b := gomlxtest.Backend(t)
	ctx := context.New()
	const mom = 0.25
	x := []float64{1.5, -2, 7}
	e := context.MustNewExec(b, ctx, func(ctx *context.Context, x *Node) *Node {
		ctx.SetTraining(x.Graph(), true)
		return BatchNorm(ctx.In("bn"), x, -1, mom, 1e-5)
	})
	y := tensors.MustCopyFlatData[float64](e.MustExec(tensors.FromFlatDataAndDimensions(append([]float64(nil), x...), 1, 3))[0])
	rm := tensors.MustCopyFlatData[float64](ctx.GetVariableByScopeAndName("/bn", "running_mean").MustValue())
	rv := tensors.MustCopyFlatData[float64](ctx.GetVariableByScopeAndName("/bn", "running_var").MustValue())
	for j := range x {
		if y[j] != 0 || math.Abs(rm[j]-mom*x[j]) > 1e-15 || math.Abs(rv[j]-(1-mom)) > 1e-15 {
			t.Errorf("feature %d: output %g (want 0), running mean %g (want %g), running var %g (want %g)", j, y[j], rm[j], mom*x[j], rv[j], 1-mom)
		}
	}
}
