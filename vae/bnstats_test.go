package vae

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

func varData(t *testing.T, m *Model, scope, name string) []float32 {
	t.Helper()
	v := m.Ctx.GetVariableByScopeAndName(scope, name)
	if v == nil {
		t.Fatalf("variable %s/%s missing", scope, name)
	}
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

// firstLayerStats returns, per channel, the mean and unbiased variance over (rows, H) of the first
// block's pre-normalisation activations h[i,c,:] = x[i,c,:]·W of q(y|x), computed on the host.
func firstLayerStats(cfg Config, w []float32, x []float32) (mean, variance []float64) {
	C, F, H := cfg.Channels, cfg.Features, cfg.H
	n := len(x) / cfg.InputDim()
	mean, variance = make([]float64, C), make([]float64, C)
	for c := 0; c < C; c++ {
		var vals []float64
		for i := 0; i < n; i++ {
			for h := 0; h < H; h++ {
				s := 0.0
				for f := 0; f < F; f++ {
					s += float64(x[(i*C+c)*F+f]) * float64(w[f*H+h])
				}
				vals = append(vals, s)
			}
		}
		for _, v := range vals {
			mean[c] += v
		}
		mean[c] /= float64(len(vals))
		for _, v := range vals {
			variance[c] += (v - mean[c]) * (v - mean[c])
		}
		variance[c] /= float64(len(vals) - 1)
	}
	return mean, variance
}

// TestRecomputeBNStats checks RecomputeBNStats against host statistics of the first batch-norm layer
// (average over the batches of each batch's mean and unbiased variance), that only whole batches are
// used, that the previous running values do not matter, that nothing else changes, and the errors.
func TestRecomputeBNStats(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	m, err := New(b, cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	const n = 14
	d := cfg.InputDim()
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(3 + 2*rng.NormFloat64()) // far from the initial running statistics (0, 1)
	}
	before := variableValues(m)
	nb, err := m.RecomputeBNStats(x, 4, 11) // 3 batches of 4 rows; the last 2 rows are not used
	if err != nil || nb != 3 {
		t.Fatalf("RecomputeBNStats: %d batches, %v", nb, err)
	}
	w := varData(t, m, "/vae/qyx/in/dense", "weights")
	rm := varData(t, m, "/vae/qyx/in/bn", "running_mean")
	rv := varData(t, m, "/vae/qyx/in/bn", "running_var")
	wantM, wantV := make([]float64, cfg.Channels), make([]float64, cfg.Channels)
	for bi := 0; bi < 3; bi++ {
		mb, vb := firstLayerStats(cfg, w, x[bi*4*d:(bi+1)*4*d])
		for c := range wantM {
			wantM[c] += mb[c] / 3
			wantV[c] += vb[c] / 3
		}
	}
	for c := range wantM {
		if math.Abs(float64(rm[c])-wantM[c]) > 1e-4*(1+math.Abs(wantM[c])) || math.Abs(float64(rv[c])-wantV[c]) > 1e-4*wantV[c] {
			t.Errorf("channel %d: running mean %g var %g, want %g, %g", c, rm[c], rv[c], wantM[c], wantV[c])
		}
		if math.Abs(wantM[c]) < 0.1 && math.Abs(wantV[c]-1) < 0.1 {
			t.Fatalf("test data too close to the initial statistics (mean %g var %g)", wantM[c], wantV[c])
		}
	}
	// Only BN statistics changed; every one of them did.
	after := variableValues(m)
	changed := 0
	for name, a := range before {
		same := true
		for i := range a {
			if a[i] != after[name][i] {
				same = false
			}
		}
		isStat := strings.HasSuffix(name, "running_mean") || strings.HasSuffix(name, "running_var")
		if !isStat && !same {
			t.Errorf("%s changed", name)
		}
		if isStat && !same {
			changed++
		}
	}
	if want := 2 * (2*(1+cfg.Layers) + 1 + cfg.Layers); changed != want {
		t.Errorf("%d running statistics changed, want %d", changed, want)
	}
	// The result depends only on the weights, the rows and the seed, not on the previous values.
	again, err := m.RecomputeBNStats(x[:12*d], 4, 11)
	if err != nil || again != 3 {
		t.Fatal(err)
	}
	for name, a := range variableValues(m) {
		for i := range a {
			if a[i] != after[name][i] {
				t.Fatalf("second recomputation changed %s[%d]: %g → %g", name, i, after[name][i], a[i])
			}
		}
	}
	// Not even on non-finite ones (a diverged running average): they were kept as 0·NaN = NaN.
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
		for v := range m.vaeCtx().IterVariablesInScope() {
			if v.Name() == "running_mean" || v.Name() == "running_var" {
				vals := make([]float32, v.Shape().Size())
				for i := range vals {
					vals[i] = bad
				}
				if err := v.SetValue(tensors.FromFlatDataAndDimensions(vals, v.Shape().Dimensions...)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := m.RecomputeBNStats(x[:12*d], 4, 11); err != nil {
			t.Fatal(err)
		}
		for name, a := range variableValues(m) {
			for i := range a {
				if a[i] != after[name][i] {
					t.Fatalf("recomputation over %v statistics: %s[%d] = %g, want %g", bad, name, i, a[i], after[name][i])
				}
			}
		}
	}
	// batch > n: one batch of all rows.
	if nb, err := m.RecomputeBNStats(x[:3*d], 8, 1); err != nil || nb != 1 {
		t.Fatalf("3 rows, batch 8: %d batches, %v", nb, err)
	}
	mb, vb := firstLayerStats(cfg, w, x[:3*d])
	rm = varData(t, m, "/vae/qyx/in/bn", "running_mean")
	rv = varData(t, m, "/vae/qyx/in/bn", "running_var")
	if math.Abs(float64(rm[0])-mb[0]) > 1e-4*(1+math.Abs(mb[0])) || math.Abs(float64(rv[0])-vb[0]) > 1e-4*vb[0] {
		t.Errorf("single batch: running mean %g var %g, want %g, %g", rm[0], rv[0], mb[0], vb[0])
	}
	if _, err := m.RecomputeBNStats(x[:d], 4, 1); err == nil {
		t.Error("one row accepted")
	}
	if _, err := m.RecomputeBNStats(x[:d+1], 4, 1); err == nil {
		t.Error("ragged input accepted")
	}
}
