package vae

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// denseRows applies the host dense layer to every row.
func (h *hostVAE) denseRows(scope string, rows [][]float64, out int, bias bool) [][]float64 {
	res := make([][]float64, len(rows))
	for i, r := range rows {
		res[i] = h.dense(scope, r, out, bias)
	}
	return res
}

// bnActTrain is training-mode batch normalisation (batch mean and biased variance over the rows and
// every position of the same feature feat(j)) followed by LeakyReLU.
func (h *hostVAE) bnActTrain(scope string, rows [][]float64, feat func(j int) int, nfeat int) [][]float64 {
	mean, sq, cnt := make([]float64, nfeat), make([]float64, nfeat), make([]float64, nfeat)
	for _, r := range rows {
		for j, v := range r {
			mean[feat(j)] += v
			cnt[feat(j)]++
		}
	}
	for f := range mean {
		mean[f] /= cnt[f]
	}
	for _, r := range rows {
		for j, v := range r {
			sq[feat(j)] += (v - mean[feat(j)]) * (v - mean[feat(j)])
		}
	}
	s, o := h.v(scope+"/bn/scale"), h.v(scope+"/bn/offset")
	res := make([][]float64, len(rows))
	for i, r := range rows {
		res[i] = make([]float64, len(r))
		for j, v := range r {
			f := feat(j)
			u := (v-mean[f])/math.Sqrt(sq[f]/cnt[f]+h.cfg.BNEpsilon)*s[f] + o[f]
			if u < 0 {
				u *= h.cfg.Slope
			}
			res[i][j] = u
		}
	}
	return res
}

// trainLogits is q(y|x) in training mode on a batch of rows.
func (h *hostVAE) trainLogits(x [][]float64) [][]float64 {
	c := h.cfg
	flat := make([][]float64, len(x))
	for i, row := range x {
		for _, ch := range h.channels(row, nil) {
			flat[i] = append(flat[i], h.dense("qyx/in", ch, c.H, false)...)
		}
	}
	a := h.bnActTrain("qyx/in", flat, func(j int) int { return j / c.H }, c.Channels)
	a = h.bnActTrain("qyx/flat", h.denseRows("qyx/flat", a, c.H, false), ident, c.H)
	for l := 1; l < c.Layers; l++ {
		s := fmt.Sprintf("qyx/hidden%d", l)
		a = h.bnActTrain(s, h.denseRows(s, a, c.H, false), ident, c.H)
	}
	return h.denseRows("qyx/logits", a, c.K, true)
}

// TestRecomputeBNStatsNoiseStream pins RecomputeBNStats' training-mode pass and its noise: the
// q(z|x,y) input layer's statistics (mean and unbiased variance per channel over rows and H of
// [x_c, y]·W, averaged over the batches) are those of y = softmax((logits + g)/τ) with training-mode
// (batch-statistics) logits and the Gumbel noise u of the first draw of a Philox stream seeded by
// seed + batch index, on a float64 host implementation (randomised weights, τ = 0.5).
func TestRecomputeBNStatsNoiseStream(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	m, err := New(b, cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(51, 52))
	h := randomiseVars(t, m, rng)
	const tau, seed, batch, nb = 0.5, 17, 6, 2
	if err := m.SetTemperature(tau); err != nil {
		t.Fatal(err)
	}
	d, K, C, H := cfg.InputDim(), cfg.K, cfg.Channels, cfg.H
	x := make([]float32, nb*batch*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	if got, err := m.RecomputeBNStats(x, batch, seed); err != nil || got != nb {
		t.Fatalf("RecomputeBNStats: %d batches, %v", got, err)
	}
	uniform := MustNewExec(b, func(state *Node) *Node {
		_, v := RandomUniform(state, shapes.Make(dtypes.Float32, batch, K))
		return v
	})
	wantM, wantV := make([]float64, C), make([]float64, C)
	for bi := 0; bi < nb; bi++ {
		state, err := RNGStateFromSeed(int64(seed + bi))
		if err != nil {
			t.Fatal(err)
		}
		u := tensors.MustCopyFlatData[float32](uniform.MustExec(state)[0])
		rows := make([][]float64, batch)
		for i := range rows {
			rows[i] = make([]float64, d)
			for j := range rows[i] {
				rows[i][j] = float64(x[(bi*batch+i)*d+j])
			}
		}
		logits := h.trainLogits(rows)
		for c := 0; c < C; c++ {
			var vals []float64
			for i, row := range rows {
				pert := make([]float64, K)
				for k := range pert {
					pert[k] = logits[i][k] - math.Log(-math.Log(float64(u[i*K+k])+GumbelEps)+GumbelEps)
				}
				y := softmaxT(pert, tau)
				vals = append(vals, h.dense("qzxy/in", h.channels(row, y)[c], H, false)...)
			}
			mean, v := 0.0, 0.0
			for _, a := range vals {
				mean += a / float64(len(vals))
			}
			for _, a := range vals {
				v += (a - mean) * (a - mean) / float64(len(vals)-1)
			}
			wantM[c] += mean / nb
			wantV[c] += v / nb
		}
	}
	rm := varData(t, m, "/vae/qzxy/in/bn", "running_mean")
	rv := varData(t, m, "/vae/qzxy/in/bn", "running_var")
	for c := 0; c < C; c++ {
		if math.Abs(float64(rm[c])-wantM[c]) > 1e-5*(1+math.Abs(wantM[c])) || math.Abs(float64(rv[c])-wantV[c]) > 1e-5*wantV[c] {
			t.Errorf("channel %d: qzxy running mean %.7g var %.7g, host %.7g, %.7g", c, rm[c], rv[c], wantM[c], wantV[c])
		}
	}
}
