package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// Loss added every term times its weight, so a term of weight 0 that was NaN (0·NaN = NaN) made
// the training Total NaN, although it is not part of the objective (train.Evaluate already left
// such terms out of the validation loss). A term of weight 0 now contributes exactly 0: Total is the
// weighted sum of the other terms, and its gradient is finite.
func TestLossZeroWeightNaNTerm(t *testing.T) {
	b := gomlxtest.Backend(t)
	const B, D, Z, K = 3, 4, 2, 3
	rng := rand.New(rand.NewPCG(4, 7))
	x := randSlice(rng, B*D, 1, 0)
	xrec := randSlice(rng, B*D, 1, 0)
	z := randSlice(rng, B*Z, 1, 0)
	logits := randSlice(rng, B*K, 1, 0)
	base := Config{WRec: 0.7, WGauss: 1.3, WCat: 0.4}
	for _, c := range []struct {
		name string
		zero func(*Config)
		// poison sets a NaN into the input of that term only.
		poison func(xrec, z, logits []float64)
	}{
		{"Rec", func(c *Config) { c.WRec = 0 }, func(xrec, _, _ []float64) { xrec[5] = math.NaN() }},
		{"Gauss", func(c *Config) { c.WGauss = 0 }, func(_, z, _ []float64) { z[1] = math.NaN() }},
		{"Cat", func(c *Config) { c.WCat = 0 }, func(_, _, lg []float64) { lg[4] = math.NaN() }},
		{"all", func(c *Config) { *c = Config{} }, func(xrec, z, lg []float64) { xrec[0], z[0], lg[0] = math.NaN(), math.NaN(), math.NaN() }},
	} {
		cfg := base
		c.zero(&cfg)
		xr, zz, lg := append([]float64(nil), xrec...), append([]float64(nil), z...), append([]float64(nil), logits...)
		c.poison(xr, zz, lg)
		e := MustNewExec(b, func(x, xrec, z, logits *Node) []*Node {
			o := Outputs{Logits: logits, XRec: xrec, Z: z,
				MuQ: MulScalar(z, 0.5), VarQ: AddScalar(Square(z), 0.3), MuP: MulScalar(z, -0.2), VarP: OnesLike(z)}
			tm := Loss(cfg, x, o)
			gr := Gradient(tm.Total, x, xrec, z, logits)
			return append([]*Node{tm.Total, tm.Rec, tm.Gauss, tm.Cat}, gr...)
		})
		out := e.MustExec(t64(x, B, D), t64(xr, B, D), t64(zz, B, Z), t64(lg, B, K))
		total := tensors.MustCopyFlatData[float64](out[0])[0]
		rec, gs, cat := tensors.MustCopyFlatData[float64](out[1]), tensors.MustCopyFlatData[float64](out[2]), tensors.MustCopyFlatData[float64](out[3])
		want, nan := 0.0, false
		for i := 0; i < B; i++ {
			for _, tw := range [...]struct{ w, v float64 }{{cfg.WRec, rec[i]}, {cfg.WGauss, gs[i]}, {cfg.WCat, cat[i]}} {
				if tw.w != 0 {
					want += tw.w * tw.v
				} else if math.IsNaN(tw.v) {
					nan = true
				}
			}
		}
		want /= B
		if !nan {
			t.Fatalf("%s at weight 0: the poisoned term holds no NaN (rec %v gauss %v cat %v)", c.name, rec, gs, cat)
		}
		if !(math.Abs(total-want) <= 1e-12*math.Max(1, math.Abs(want))) {
			t.Errorf("%s at weight 0, NaN: Total %.15g, want the other terms' weighted mean %.15g", c.name, total, want)
		}
		for i, g := range out[4:] {
			for j, v := range tensors.MustCopyFlatData[float64](g) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s at weight 0: gradient of Total w.r.t. input %d [%d] = %g", c.name, i, j, v)
					break
				}
			}
		}
	}
}
