package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// referenceEval is the straightforward evaluation the optimised paths must reproduce: every chunk of
// bs rows zero-padded to bs rows, one graph running the stochastic forward pass (noise seeded by
// seed + chunk), the loss terms, and a second q(z|x,y) pass at y = softmax(logits/τ).
func referenceEval(t *testing.T, m *Model, x []float32, seed int64, bs int) *EvalRows {
	t.Helper()
	cfg := m.Cfg
	d, K, Z := cfg.InputDim(), cfg.K, cfg.Z
	n := len(x) / d
	e, err := context.NewExec(m.Backend, m.vaeCtx(), func(ctx *context.Context, x, rng *Node) []*Node {
		g := x.Graph()
		ctx.SetTraining(g, false)
		tau := TemperatureVar(ctx).ValueGraph(g)
		o := Forward(ctx, cfg, x, tau, &StateNoise{State: rng})
		tm := Loss(cfg, x, o)
		mu, _ := EncodeZ(ctx.In("qzxy"), cfg, x, TemperedSoftmax(o.Logits, tau))
		return []*Node{o.Logits, mu, tm.Rec, tm.Gauss, tm.Cat}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out := &EvalRows{Logits: make([]float32, n*K), Mu: make([]float32, n*Z),
		Rec: make([]float32, n), Gauss: make([]float32, n), Cat: make([]float32, n)}
	for c, start := 0, 0; start < n; c, start = c+1, start+bs {
		rows := min(bs, n-start)
		buf := make([]float32, bs*d)
		copy(buf, x[start*d:(start+rows)*d])
		rng, err := RNGStateFromSeed(seed + int64(c))
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Exec(tensors.FromFlatDataAndDimensions(buf, bs, d), rng)
		if err != nil {
			t.Fatal(err)
		}
		copy(out.Logits[start*K:], tensors.MustCopyFlatData[float32](res[0])[:rows*K])
		copy(out.Mu[start*Z:], tensors.MustCopyFlatData[float32](res[1])[:rows*Z])
		copy(out.Rec[start:], tensors.MustCopyFlatData[float32](res[2])[:rows])
		copy(out.Gauss[start:], tensors.MustCopyFlatData[float32](res[3])[:rows])
		copy(out.Cat[start:], tensors.MustCopyFlatData[float32](res[4])[:rows])
		finalize(res)
	}
	return out
}

func assertSame(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst := 0.0
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(g) || math.IsInf(g, 0) {
			t.Fatalf("%s[%d] = %v", what, i, g)
		}
		if r := math.Abs(g-w) / math.Max(math.Abs(w), 1e-3); r > worst {
			worst = r
		}
	}
	if worst > 1e-6 {
		t.Errorf("%s: worst relative difference %.3g from the reference (want ≤ 1e-6)", what, worst)
	}
}

// TestEvaluateMatchesPaddedReference: Evaluate, EvaluateTerms, Assign and Encode (short chunks padded
// only to the next bucket, noise drawn at the full-chunk shapes, no duplicate encoder pass where
// it is not needed) give the numbers of the full-padding reference, for inputs that end in a short
// chunk, a full chunk, and a single row.
func TestEvaluateMatchesPaddedReference(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := SmallConfig(3, 12)
	cfg.Channels, cfg.Z, cfg.H = 2, 4, 24
	m, err := New(b, cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	m.Batch = 32
	rng := rand.New(rand.NewPCG(11, 12))
	d := cfg.InputDim()
	x := make([]float32, 200*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64()*1.5 + 0.3)
	}
	// Non-trivial evaluation-mode statistics and temperature.
	if _, err := m.RecomputeBNStats(x[:128*d], 32, 9); err != nil {
		t.Fatal(err)
	}
	if err := m.SetTemperature(0.7); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{71, 64, 1, 200} {
		xs := x[:n*d]
		const seed = 42
		ref := referenceEval(t, m, xs, seed, m.Batch)
		ev, err := m.Evaluate(xs, seed)
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, "Evaluate logits", ev.Logits, ref.Logits)
		assertSame(t, "Evaluate mu", ev.Mu, ref.Mu)
		assertSame(t, "Evaluate rec", ev.Rec, ref.Rec)
		assertSame(t, "Evaluate gauss", ev.Gauss, ref.Gauss)
		assertSame(t, "Evaluate cat", ev.Cat, ref.Cat)
		et, err := m.EvaluateTerms(xs, seed)
		if err != nil {
			t.Fatal(err)
		}
		if et.Mu != nil {
			t.Errorf("EvaluateTerms returned Mu")
		}
		assertSame(t, "EvaluateTerms logits", et.Logits, ref.Logits)
		assertSame(t, "EvaluateTerms rec", et.Rec, ref.Rec)
		assertSame(t, "EvaluateTerms gauss", et.Gauss, ref.Gauss)
		assertSame(t, "EvaluateTerms cat", et.Cat, ref.Cat)
		mu, err := m.Encode(xs)
		if err != nil {
			t.Fatal(err)
		}
		ref0 := referenceEval(t, m, xs, 0, m.Batch)
		assertSame(t, "Encode", mu, ref0.Mu)
		labels, conf, probs, err := m.Assign(xs)
		if err != nil {
			t.Fatal(err)
		}
		K := cfg.K
		for i := 0; i < n; i++ {
			row := ref0.Logits[i*K : (i+1)*K]
			best, s := 0, 0.0
			for k, v := range row {
				if v > row[best] {
					best = k
				}
			}
			for _, v := range row {
				s += math.Exp(float64(v - row[best]))
			}
			if labels[i] != best {
				t.Fatalf("n=%d Assign label[%d] = %d, reference %d", n, i, labels[i], best)
			}
			for k, v := range row {
				p := math.Exp(float64(v-row[best])) / s
				if math.Abs(float64(probs[i*K+k])-p) > 1e-6 {
					t.Fatalf("n=%d Assign prob[%d,%d] = %v, reference %v", n, i, k, probs[i*K+k], p)
				}
			}
			if conf[i] != probs[i*K+best] {
				t.Fatalf("confidence %v ≠ prob %v", conf[i], probs[i*K+best])
			}
		}
	}
}

func TestPadRows(t *testing.T) {
	for _, c := range []struct{ rows, bs, want int }{
		{71, 256, 80}, {1, 256, 16}, {256, 256, 256}, {241, 256, 256}, {240, 256, 240},
		{7, 32, 8}, {1, 1, 1}, {5, 10, 5}, {3, 20, 4},
	} {
		if got := padRows(c.rows, c.bs); got != c.want {
			t.Errorf("padRows(%d, %d) = %d, want %d", c.rows, c.bs, got, c.want)
		}
	}
	// At most PadBuckets distinct shapes.
	seen := map[int]bool{}
	for r := 1; r <= 1000; r++ {
		seen[padRows(r, 1000)] = true
	}
	if len(seen) > PadBuckets {
		t.Errorf("%d padded shapes for bs 1000, want ≤ %d", len(seen), PadBuckets)
	}
}
