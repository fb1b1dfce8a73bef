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

// CategoricalKLUniform computed Σ_k q_k log q_k from log q = LogSoftmax(logits): with a logit gap
// beyond the dtype's largest value (3e38 − (−3e38) in float32) log q_k is −Inf where q_k = 0, and
// 0·(−Inf) made the KL NaN, and its gradient. log q is now clamped at the dtype's lowest finite
// value, so such a q_k contributes 0: the KL is log K for a one-hot q, with a finite gradient, and
// unchanged bit for bit elsewhere.
func TestCategoricalKLHugeLogitGap(t *testing.T) {
	b := gomlxtest.Backend(t)
	const K = 3
	e := MustNewExec(b, func(lg *Node) []*Node {
		kl := CategoricalKLUniform(lg)
		logq := LogSoftmax(lg, -1)
		raw := AddScalar(ReduceSum(Mul(Exp(logq), logq), -1), math.Log(K))
		return []*Node{kl, raw, MarginalKLUniform(lg), Gradient(ReduceAllSum(kl), lg)[0]}
	})
	check := func(dtype string, kl, raw, marg, grad []float64) {
		t.Helper()
		// Rows: huge gap (one-hot q), ordinary logits.
		if !(math.Abs(kl[0]-math.Log(K)) <= 1e-6) {
			t.Errorf("%s huge gap: KL %g, want log K = %g", dtype, kl[0], math.Log(K))
		}
		if kl[1] != max(raw[1], 0) || !(kl[1] > 0) {
			t.Errorf("%s ordinary row: KL %g, want the unclamped form's %g", dtype, kl[1], raw[1])
		}
		// q̄ = ([1, 0, 0] + q_row1)/2.
		if !(marg[0] >= 0 && marg[0] <= math.Log(K)) {
			t.Errorf("%s: marginal KL %g", dtype, marg[0])
		}
		for i, g := range grad {
			if math.IsNaN(g) || math.IsInf(g, 0) {
				t.Errorf("%s: gradient [%d] = %g", dtype, i, g)
			}
		}
	}
	f32 := []float32{3e38, -3e38, 0, 0.3, -1.2, 2}
	out := e.MustExec(tensors.FromFlatDataAndDimensions(f32, 2, K))
	conv := func(tt *tensors.Tensor) []float64 {
		var o []float64
		for _, v := range tensors.MustCopyFlatData[float32](tt) {
			o = append(o, float64(v))
		}
		return o
	}
	check("float32", conv(out[0]), conv(out[1]), conv(out[2]), conv(out[3]))
	f64 := []float64{1.7e308, -1.7e308, 0, 0.3, -1.2, 2}
	out = e.MustExec(t64(f64, 2, K))
	m := tensors.MustCopyFlatData[float64]
	check("float64", m(out[0]), m(out[1]), m(out[2]), m(out[3]))

	// Non-finite logits are not hidden: a row with a NaN or a +Inf logit gives NaN; a −Inf logit is
	// q_k = 0 (the KL of the other two against U(3)).
	want := hostCatKL(0, 1) + math.Log(1.5)
	kl := MustNewExec(b, func(lg *Node) *Node { return CategoricalKLUniform(lg) })
	bad := tensors.MustCopyFlatData[float32](kl.MustExec(tensors.FromFlatDataAndDimensions(
		[]float32{float32(math.NaN()), 0, 1, float32(math.Inf(1)), 0, 1, float32(math.Inf(-1)), 0, 1}, 3, K))[0])
	if !math.IsNaN(float64(bad[0])) || !math.IsNaN(float64(bad[1])) || !(math.Abs(float64(bad[2])-want) < 1e-6) {
		t.Errorf("rows [NaN 0 1], [+Inf 0 1], [−Inf 0 1]: KL %v, want NaN, NaN, %g", bad, want)
	}
}

// hostCatKL is KL(softmax(l) ‖ U(len(l))) in float64.
func hostCatKL(l ...float64) float64 {
	mx := math.Inf(-1)
	for _, v := range l {
		mx = math.Max(mx, v)
	}
	s := 0.0
	for _, v := range l {
		s += math.Exp(v - mx)
	}
	kl := math.Log(float64(len(l)))
	for _, v := range l {
		q := math.Exp(v-mx) / s
		kl += q * math.Log(q)
	}
	return kl
}

// Evaluate seeded chunk c with seed + c in int64 arithmetic, which wraps near the int64 maximum;
// GoMLX's RNGStateFromSeed seeds math/rand, which reduces a seed modulo 2³¹−1, and 2⁶⁴ is 4 modulo
// 2³¹−1, so with seed = MaxInt64−2 chunk 4 drew exactly chunk 0's noise (identical rows gave
// identical terms). The chunk seeds are now seed + c computed without overflow (seed reduced modulo
// 2³¹−1 first): the results equal those of the seed 2³¹−2 (the same stream, no wrap) bit for bit and
// the chunks all differ; RecomputeBNStats' per-batch seeds likewise.
func TestChunkSeedsDoNotWrap(t *testing.T) {
	cfg := tinyCfg()
	b := gomlxtest.Backend(t)
	m, err := New(b, cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	m.Batch = 2
	d := cfg.InputDim()
	rng := rand.New(rand.NewPCG(5, 5))
	row2 := make([]float32, 2*d)
	for i := range row2 {
		row2[i] = float32(rng.NormFloat64())
	}
	var x []float32
	for c := 0; c < 5; c++ {
		x = append(x, row2...)
	}
	const big = math.MaxInt64 - 2
	const same = 1<<31 - 2 // big modulo 2³¹−1
	got, err := m.Evaluate(x, big)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := m.Evaluate(x, same)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string][2][]float32{"Rec": {got.Rec, ref.Rec}, "Gauss": {got.Gauss, ref.Gauss}, "Cat": {got.Cat, ref.Cat}} {
		for i := range p[0] {
			if p[0][i] != p[1][i] {
				t.Errorf("%s[%d]: seed MaxInt64−2 %g, seed 2³¹−2 (the same stream) %g", name, i, p[0][i], p[1][i])
			}
		}
	}
	for c1 := 0; c1 < 5; c1++ {
		for c2 := c1 + 1; c2 < 5; c2++ {
			if got.Gauss[2*c1] == got.Gauss[2*c2] && got.Gauss[2*c1+1] == got.Gauss[2*c2+1] {
				t.Errorf("seed MaxInt64−2: chunks %d and %d drew the same noise (Gauss %v)", c1, c2, got.Gauss)
			}
		}
	}

	// RecomputeBNStats over 5 batches: the same statistics for both seeds.
	stats := func(seed int64) map[string][]float32 {
		mm, err := New(b, cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mm.RecomputeBNStats(x, 2, seed); err != nil {
			t.Fatal(err)
		}
		return runningStats(mm)
	}
	sb, ss := stats(big), stats(same)
	for k, v := range sb {
		for i := range v {
			if v[i] != ss[k][i] {
				t.Fatalf("RecomputeBNStats %s[%d]: seed MaxInt64−2 %g, seed 2³¹−2 %g", k, i, v[i], ss[k][i])
			}
		}
	}
}

// PadBuckets' doc said a small input "costs little more than its own rows", which holds only for a
// moderate Batch: the padding adds up to ⌈Batch/16⌉ − 1 rows (one row runs 256 rows at Batch 4096).
// The doc now states that bound; this pins it (attained, never exceeded, at most PadBuckets shapes).
func TestPadRowsCostBound(t *testing.T) {
	for _, bs := range []int{1, 2, 7, 16, 17, 256, 1000, 4096, 1_000_000} {
		s := (bs + PadBuckets - 1) / PadBuckets
		worst, shapes := 0, map[int]bool{}
		step := max(1, bs/5000)
		for r := 1; r <= bs; r += step {
			p := padRows(r, bs)
			if p < r || p > bs {
				t.Fatalf("padRows(%d, %d) = %d outside [r, Batch]", r, bs, p)
			}
			worst = max(worst, p-r)
			shapes[p] = true
		}
		if worst != s-1 {
			t.Errorf("Batch %d: at most %d padding rows, want the documented ⌈Batch/16⌉ − 1 = %d", bs, worst, s-1)
		}
		if len(shapes) > PadBuckets {
			t.Errorf("Batch %d: %d padded shapes, want ≤ %d", bs, len(shapes), PadBuckets)
		}
	}
	if p1, p2 := padRows(1, 4096), padRows(1, 1_000_000); p1 != 256 || p2 != 62500 {
		t.Errorf("one row runs %d rows at Batch 4096 and %d at Batch 10⁶, want 256 and 62500 (documented)", p1, p2)
	}
}

// SetTemperature accepts τ down to MinTemperature, but GumbelSoftmax and Evaluate's/Encode's
// y = softmax(logits/τ) divided before the softmax: (logits + g)/τ overflowed float32 to ±Inf for
// |logits + g| > 3.4e38·τ (> 4 at MinTemperature), and the softmax of a row holding +Inf is NaN —
// NaN samples in training and an Encode error ("latent mean μ_q … include NaN") for ordinary rows.
// TemperedSoftmax shifts by the row maximum first: the samples are one-hot at the Gumbel-max,
// finite with finite gradients, and Encode and Evaluate give finite numbers at MinTemperature.
func TestTinyTemperatureFinite(t *testing.T) {
	b := gomlxtest.Backend(t)
	logits := []float32{5, -3, 11, 10.5}
	u := []float32{0.3, 0.6, 0.2, 0.9}
	e := MustNewExec(b, func(lg, u *Node) []*Node {
		tau := Scalar(lg.Graph(), lg.DType(), MinTemperature)
		y := GumbelSoftmax(lg, tau, u)
		p := TemperedSoftmax(lg, tau)
		return []*Node{y, p, Gradient(ReduceAllSum(Mul(y, Iota(lg.Graph(), lg.Shape(), 1))), lg)[0]}
	})
	out := e.MustExec(tensors.FromFlatDataAndDimensions(logits, 1, 4), tensors.FromFlatDataAndDimensions(u, 1, 4))
	y, p, g := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1]), tensors.MustCopyFlatData[float32](out[2])
	best, bv := 0, math.Inf(-1)
	for k := range logits {
		if v := float64(logits[k]) - math.Log(-math.Log(float64(u[k])+GumbelEps)+GumbelEps); v > bv {
			best, bv = k, v
		}
	}
	for k := range logits {
		wy, wp := float32(0), float32(0)
		if k == best {
			wy = 1
		}
		if k == 2 {
			wp = 1
		}
		if y[k] != wy || p[k] != wp || math.IsNaN(float64(g[k])) || math.IsInf(float64(g[k]), 0) {
			t.Fatalf("τ = MinTemperature: Gumbel-softmax %v (want one-hot at %d), softmax(logits/τ) %v (want one-hot at 2), gradient %v", y, best, p, g)
		}
	}

	cfg := tinyCfg()
	m, err := New(b, cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetTemperature(MinTemperature); err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 6*cfg.InputDim())
	rng := rand.New(rand.NewPCG(2, 3))
	for i := range x {
		x[i] = float32(10 * rng.NormFloat64()) // logits up to ~30: Encode used to refuse row 0
	}
	if _, err := m.Encode(x); err != nil {
		t.Fatalf("Encode at τ = MinTemperature: %v", err)
	}
	ev, err := m.Evaluate(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range append(append(append(append([]float32(nil), ev.Mu...), ev.Rec...), ev.Gauss...), ev.Cat...) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("Evaluate at τ = MinTemperature: value %d is %g", i, v)
		}
	}
}
