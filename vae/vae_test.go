package vae

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	_ "github.com/stkit-org/stkit/internal/gomlxfix"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

func randSlice(rng *rand.Rand, n int, scale, offset float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = offset + scale*rng.NormFloat64()
	}
	return out
}

func t64(data []float64, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float64(nil), data...), dims...)
}

func TestLossTermsTinyBatch(t *testing.T) {
	b := gomlxtest.Backend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const B, Z, K = 3, 4, 3
	z := randSlice(rng, B*Z, 1, 0)
	mu := randSlice(rng, B*Z, 1, 0)
	v := make([]float64, B*Z)
	for i := range v {
		v[i] = 0.3 + rng.Float64()
	}
	mu2 := randSlice(rng, B*Z, 1, 0.5)
	v2 := make([]float64, B*Z)
	for i := range v2 {
		v2[i] = 1 + rng.Float64()
	}
	logits := []float64{0, 0, 0, 50, 0, 0, 0.3, -1.2, 2}
	x := randSlice(rng, B*5, 1, 0)
	xr := randSlice(rng, B*5, 1, 0)

	e := MustNewExec(b, func(z, mu, v, mu2, v2, lg *Node) []*Node {
		return []*Node{
			GaussianKLMC(z, mu, v, mu, v),
			GaussianKLClosed(mu, v, mu, v),
			GaussianKLClosed(mu, v, mu2, v2),
			LogNormalDiag(z, mu, v),
			CategoricalKLUniform(lg),
		}
	})
	out := e.MustExec(t64(z, B, Z), t64(mu, B, Z), t64(v, B, Z), t64(mu2, B, Z), t64(v2, B, Z), t64(logits, B, K))
	got := make([][]float64, len(out))
	for i, o := range out {
		got[i] = tensors.MustCopyFlatData[float64](o)
	}
	for i := 0; i < B; i++ {
		if got[0][i] != 0 {
			t.Errorf("MC Gaussian KL with q = p: row %d = %g, want exactly 0", i, got[0][i])
		}
		if math.Abs(got[1][i]) > 1e-12 {
			t.Errorf("closed-form KL(q‖q) row %d = %g, want 0", i, got[1][i])
		}
		kl, ln := 0.0, 0.0
		for j := 0; j < Z; j++ {
			q := i*Z + j
			vq, vp := v[q]+LogNormalEps, v2[q]+LogNormalEps // GaussianKLClosed's regularised variances
			kl += 0.5 * (math.Log(vp/vq) + (vq+(mu[q]-mu2[q])*(mu[q]-mu2[q]))/vp - 1)
			ve := v[q] + LogNormalEps
			ln += -0.5 * (math.Log(2*math.Pi) + math.Log(ve) + (z[q]-mu[q])*(z[q]-mu[q])/ve)
		}
		if math.Abs(got[2][i]-kl) > 1e-12 {
			t.Errorf("closed-form KL row %d = %.15g, want %.15g", i, got[2][i], kl)
		}
		if math.Abs(got[3][i]-ln) > 1e-12 {
			t.Errorf("LogNormalDiag row %d = %.15g, want %.15g", i, got[3][i], ln)
		}
	}
	// Categorical KL: uniform logits → 0; one dominant logit → log K; generic row vs host.
	if math.Abs(got[4][0]) > 1e-15 {
		t.Errorf("KL(uniform ‖ U) = %g, want 0", got[4][0])
	}
	if math.Abs(got[4][1]-math.Log(K)) > 1e-12 {
		t.Errorf("KL(one-hot ‖ U) = %g, want log K = %g", got[4][1], math.Log(K))
	}
	lg := logits[6:9]
	s := 0.0
	for _, l := range lg {
		s += math.Exp(l)
	}
	want := math.Log(K)
	for _, l := range lg {
		q := math.Exp(l) / s
		want += q * math.Log(q)
	}
	if math.Abs(got[4][2]-want) > 1e-12 {
		t.Errorf("categorical KL = %.15g, want %.15g", got[4][2], want)
	}

	// Reconstruction term.
	e2 := MustNewExec(b, func(x, xr *Node) *Node { return ReconstructionSSE(x, xr) })
	rec := tensors.MustCopyFlatData[float64](e2.MustExec(t64(x, B, 5), t64(xr, B, 5))[0])
	for i := 0; i < B; i++ {
		w := 0.0
		for j := 0; j < 5; j++ {
			d := x[i*5+j] - xr[i*5+j]
			w += d * d
		}
		if math.Abs(rec[i]-w) > 1e-12 {
			t.Errorf("SSE row %d = %g, want %g", i, rec[i], w)
		}
	}
}

func TestGaussianKLMonteCarloMatchesClosedForm(t *testing.T) {
	// E_{z~q}[log q(z) − log p(z)] = KL(q‖p): average the MC estimator over many host draws.
	b := gomlxtest.Backend(t)
	const N, Z = 20000, 3
	muQ := []float64{0.2, -0.5, 1}
	vQ := []float64{0.5, 1.3, 0.8}
	muP := []float64{0, 0.4, 0.7}
	vP := []float64{1.2, 1.0, 2.5}
	rng := rand.New(rand.NewPCG(3, 4))
	z := make([]float64, N*Z)
	mq := make([]float64, N*Z)
	vq := make([]float64, N*Z)
	mp := make([]float64, N*Z)
	vp := make([]float64, N*Z)
	for i := 0; i < N; i++ {
		for j := 0; j < Z; j++ {
			q := i*Z + j
			z[q] = muQ[j] + math.Sqrt(vQ[j])*rng.NormFloat64()
			mq[q], vq[q], mp[q], vp[q] = muQ[j], vQ[j], muP[j], vP[j]
		}
	}
	e := MustNewExec(b, func(z, mq, vq, mp, vp *Node) (*Node, *Node) {
		mc := GaussianKLMC(z, mq, vq, mp, vp)
		return ReduceAllMean(mc), ReduceAllMean(Square(mc))
	})
	out := e.MustExec(t64(z, N, Z), t64(mq, N, Z), t64(vq, N, Z), t64(mp, N, Z), t64(vp, N, Z))
	mean := tensors.MustCopyFlatData[float64](out[0])[0]
	sq := tensors.MustCopyFlatData[float64](out[1])[0]
	se := math.Sqrt((sq - mean*mean) / N)
	kl := 0.0
	for j := 0; j < Z; j++ {
		kl += 0.5 * (math.Log(vP[j]/vQ[j]) + (vQ[j]+(muQ[j]-muP[j])*(muQ[j]-muP[j]))/vP[j] - 1)
	}
	if math.Abs(mean-kl) > 4*se {
		t.Errorf("MC KL mean %.5f ± %.5f, closed form %.5f", mean, se, kl)
	}
}

func TestGumbelSoftmax(t *testing.T) {
	b := gomlxtest.Backend(t)
	const N, K = 20000, 3
	logits := []float32{0.5, -0.3, 1.1}
	e := MustNewExec(b, func(g *Graph) (*Node, *Node, *Node) {
		lg := BroadcastToDims(InsertAxes(Const(g, logits), 0), N, K)
		state := RNGStateFromSeedForGraph(g, 42)
		_, u := RandomUniform(state, lg.Shape())
		ySoft := GumbelSoftmax(lg, Scalar(g, lg.DType(), 1.0), u)
		yCold := GumbelSoftmax(lg, Scalar(g, lg.DType(), 1e-3), u)
		return ySoft, yCold, u
	})
	out := e.MustExec()
	soft := tensors.MustCopyFlatData[float32](out[0])
	cold := tensors.MustCopyFlatData[float32](out[1])
	us := tensors.MustCopyFlatData[float32](out[2])
	counts := make([]float64, K)
	for i := 0; i < N; i++ {
		s := 0.0
		best := 0
		for k := 0; k < K; k++ {
			s += float64(soft[i*K+k])
			if soft[i*K+k] > soft[i*K+best] {
				best = k
			}
		}
		if math.Abs(s-1) > 1e-5 {
			t.Fatalf("row %d of the Gumbel-softmax sums to %g", i, s)
		}
		// The sample's argmax is argmax_k(logits_k + g_k), g = −log(−log u); at τ → 0 the sample
		// is one-hot there (checked where the top two perturbed logits differ by > 0.02).
		pert := make([]float64, K)
		hb := 0
		for k := 0; k < K; k++ {
			u := float64(us[i*K+k])
			pert[k] = float64(logits[k]) - math.Log(-math.Log(u+GumbelEps)+GumbelEps)
			if pert[k] > pert[hb] {
				hb = k
			}
		}
		if hb != best {
			t.Fatalf("row %d: sample argmax %d, host Gumbel-max %d", i, best, hb)
		}
		gap := math.Inf(1)
		for k := 0; k < K; k++ {
			if k != hb {
				gap = math.Min(gap, pert[hb]-pert[k])
			}
		}
		if gap > 0.02 && cold[i*K+best] < 0.999 {
			t.Fatalf("row %d: cold sample %v not one-hot at %d", i, cold[i*K:(i+1)*K], best)
		}
		counts[best]++
	}
	// Gumbel-max: P(argmax = k) = softmax(logits)_k.
	z := 0.0
	for _, l := range logits {
		z += math.Exp(float64(l))
	}
	for k := 0; k < K; k++ {
		p := math.Exp(float64(logits[k])) / z
		f := counts[k] / N
		if se := math.Sqrt(p * (1 - p) / N); math.Abs(f-p) > 4*se {
			t.Errorf("argmax frequency of %d: %.4f, want softmax %.4f (±%.4f)", k, f, p, se)
		}
	}
}

func TestBatchNorm(t *testing.T) {
	b := gomlxtest.Backend(t)
	rng := rand.New(rand.NewPCG(5, 6))
	const B, C, H = 6, 2, 5
	x := randSlice(rng, B*C*H, 2, 1)
	ctx := context.New()
	const mom, eps = 0.1, 1e-5
	train := context.MustNewExec(b, ctx, func(ctx *context.Context, x *Node) *Node {
		ctx.SetTraining(x.Graph(), true)
		return BatchNorm(ctx.In("bn"), x, 1, mom, eps)
	})
	y := tensors.MustCopyFlatData[float64](train.MustExec(t64(x, B, C, H))[0])
	// Per channel c: statistics over (B, H).
	mean := make([]float64, C)
	variance := make([]float64, C)
	for c := 0; c < C; c++ {
		m, m2 := 0.0, 0.0
		for i := 0; i < B; i++ {
			for h := 0; h < H; h++ {
				v := x[(i*C+c)*H+h]
				m += v
				m2 += v * v
			}
		}
		n := float64(B * H)
		mean[c] = m / n
		variance[c] = m2/n - mean[c]*mean[c]
		for i := 0; i < B; i++ {
			for h := 0; h < H; h++ {
				q := (i*C+c)*H + h
				want := (x[q] - mean[c]) / math.Sqrt(variance[c]+eps)
				if math.Abs(y[q]-want) > 1e-9 {
					t.Fatalf("training output [%d,%d,%d] = %g, want %g", i, c, h, y[q], want)
				}
			}
		}
	}
	rm := tensors.MustCopyFlatData[float64](ctx.GetVariableByScopeAndName("/bn", "running_mean").MustValue())
	rv := tensors.MustCopyFlatData[float64](ctx.GetVariableByScopeAndName("/bn", "running_var").MustValue())
	n := float64(B * H)
	for c := 0; c < C; c++ {
		if math.Abs(rm[c]-mom*mean[c]) > 1e-12 || math.Abs(rv[c]-((1-mom)+mom*variance[c]*n/(n-1))) > 1e-12 {
			t.Errorf("running stats channel %d: mean %g var %g; want %g, %g", c, rm[c], rv[c], mom*mean[c], (1-mom)+mom*variance[c]*n/(n-1))
		}
	}
	eval := context.MustNewExec(b, ctx.Reuse(), func(ctx *context.Context, x *Node) *Node {
		return BatchNorm(ctx.In("bn"), x, 1, mom, eps)
	})
	ye := tensors.MustCopyFlatData[float64](eval.MustExec(t64(x, B, C, H))[0])
	for q := range x {
		c := (q / H) % C
		want := (x[q] - rm[c]) / math.Sqrt(rv[c]+eps)
		if math.Abs(ye[q]-want) > 1e-9 {
			t.Fatalf("eval output %d = %g, want %g", q, ye[q], want)
		}
	}
}

func tinyCfg() Config {
	c := SmallConfig(3, 4)
	c.Channels = 2
	c.Z, c.H, c.Layers = 2, 5, 2
	c.WRec = 0.7
	return c
}

func TestLossGradientFiniteDifference(t *testing.T) {
	// Float64 model in training mode with fixed noise: d(Total)/dx against central differences.
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	const B = 4
	d := cfg.InputDim()
	rng := rand.New(rand.NewPCG(8, 9))
	x := randSlice(rng, B*d, 1, 0)
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(3))
	build := func(ctx *context.Context, x *Node) (*Node, *Node) {
		g := x.Graph()
		ctx.SetTraining(g, true)
		noise := &StateNoise{State: RNGStateFromSeedForGraph(g, 11)}
		o := Forward(ctx, cfg, x, Scalar(g, x.DType(), 0.8), noise)
		loss := Loss(cfg, x, o).Total
		return loss, Gradient(loss, x)[0]
	}
	e := context.MustNewExec(b, ctx.Checked(false), build)
	res := e.MustExec(t64(x, B, d))
	grad := tensors.MustCopyFlatData[float64](res[1])
	f := func(xx []float64) float64 {
		return tensors.MustCopyFlatData[float64](e.MustExec(t64(xx, B, d))[0])[0]
	}
	const h = 1e-6
	for _, q := range []int{0, 3, 9, 17, 22, 31} {
		p := append([]float64(nil), x...)
		m := append([]float64(nil), x...)
		p[q] += h
		m[q] -= h
		fd := (f(p) - f(m)) / (2 * h)
		if math.Abs(fd-grad[q]) > 1e-5*math.Max(1, math.Abs(fd)) {
			t.Errorf("dL/dx[%d]: graph %.9g, finite difference %.9g", q, grad[q], fd)
		}
	}
}

func TestLossTotalIsWeightedSum(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	const B = 5
	d := cfg.InputDim()
	x := randSlice(rand.New(rand.NewPCG(1, 1)), B*d, 1, 0)
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(3))
	e := context.MustNewExec(b, ctx.Checked(false), func(ctx *context.Context, x *Node) []*Node {
		g := x.Graph()
		ctx.SetTraining(g, true)
		o := Forward(ctx, cfg, x, Scalar(g, x.DType(), 1.0), &StateNoise{State: RNGStateFromSeedForGraph(g, 1)})
		tm := Loss(cfg, x, o)
		return []*Node{tm.Rec, tm.Gauss, tm.Cat, tm.Total, o.VarP}
	})
	out := e.MustExec(t64(x, B, d))
	rec, gs, cat := tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1]), tensors.MustCopyFlatData[float64](out[2])
	total := tensors.MustCopyFlatData[float64](out[3])[0]
	want := 0.0
	for i := 0; i < B; i++ {
		want += cfg.WRec*rec[i] + cfg.WGauss*gs[i] + cfg.WCat*cat[i]
		if cat[i] < 0 || cat[i] > math.Log(float64(cfg.K))+1e-12 {
			t.Errorf("categorical KL row %d = %g outside [0, log K]", i, cat[i])
		}
		if math.IsNaN(gs[i]) || math.IsInf(gs[i], 0) {
			t.Errorf("Gaussian term row %d not finite: %g", i, gs[i])
		}
	}
	if math.Abs(total-want/B) > 1e-12 {
		t.Errorf("Total = %.15g, want %.15g", total, want/B)
	}
	for _, v := range tensors.MustCopyFlatData[float64](out[4]) {
		if v < cfg.PriorVarOffset {
			t.Fatalf("prior variance %g below the offset %g", v, cfg.PriorVarOffset)
		}
	}
}

func variableValues(m *Model) map[string][]float32 {
	out := map[string][]float32{}
	for v := range m.Ctx.IterVariables() {
		if v.DType().IsFloat() {
			out[v.ScopeAndName()] = tensors.MustCopyFlatData[float32](v.MustValue())
		}
	}
	return out
}

func TestModelInference(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	m1, err := New(b, cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := New(b, cfg, 5)
	m3, _ := New(b, cfg, 6)
	v1, v2, v3 := variableValues(m1), variableValues(m2), variableValues(m3)
	if len(v1) < 10 {
		t.Fatalf("only %d float variables created", len(v1))
	}
	differs := false
	for name, a := range v1 {
		bb, ok := v2[name]
		if !ok {
			t.Fatalf("variable %s missing in the second model", name)
		}
		for i := range a {
			if a[i] != bb[i] {
				t.Fatalf("same seed, different initial %s[%d]: %g vs %g", name, i, a[i], bb[i])
			}
			if a[i] != v3[name][i] {
				differs = true
			}
		}
	}
	if !differs {
		t.Error("different seeds gave identical initial variables")
	}

	const n = 10
	d := cfg.InputDim()
	x := make([]float32, n*d)
	rng := rand.New(rand.NewPCG(2, 3))
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	m1.Batch = 4 // three chunks, the last one padded
	labels, conf, probs, err := m1.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		s := float32(0)
		best := 0
		for k := 0; k < cfg.K; k++ {
			s += probs[i*cfg.K+k]
			if probs[i*cfg.K+k] > probs[i*cfg.K+best] {
				best = k
			}
		}
		if math.Abs(float64(s-1)) > 1e-5 || labels[i] != best || conf[i] != probs[i*cfg.K+best] {
			t.Fatalf("row %d: probs %v label %d conf %g", i, probs[i*cfg.K:(i+1)*cfg.K], labels[i], conf[i])
		}
	}
	// Padding and chunking do not leak between rows: a sub-batch gives the same answers.
	_, _, probs3, _ := m1.Assign(x[:3*d])
	for i := range probs3 {
		if math.Abs(float64(probs3[i]-probs[i])) > 1e-6 {
			t.Fatalf("prob %d: %g alone vs %g in the full batch", i, probs3[i], probs[i])
		}
	}
	mu, err := m1.Encode(x)
	if err != nil || len(mu) != n*cfg.Z {
		t.Fatalf("Encode: len %d err %v", len(mu), err)
	}
	xr, err := m1.Decode(mu)
	if err != nil || len(xr) != n*d {
		t.Fatalf("Decode: len %d err %v", len(xr), err)
	}
	pm, pv, err := m1.PriorParams()
	if err != nil {
		t.Fatal(err)
	}
	const ns = 4000
	xs, zs, err := m1.SamplePrior(1, ns, 9)
	if err != nil || len(xs) != ns*d || len(zs) != ns*cfg.Z {
		t.Fatalf("SamplePrior: %d %d %v", len(xs), len(zs), err)
	}
	for j := 0; j < cfg.Z; j++ {
		s := 0.0
		for i := 0; i < ns; i++ {
			s += float64(zs[i*cfg.Z+j])
		}
		mean := s / ns
		want := float64(pm[cfg.Z+j])
		if se := math.Sqrt(float64(pv[cfg.Z+j]) / ns); math.Abs(mean-want) > 4*se {
			t.Errorf("prior sample mean dim %d: %g, want %g ± %g", j, mean, want, se)
		}
	}
	// Decoded samples equal Decode of the same latents.
	xd, _ := m1.Decode(zs[:2*cfg.Z])
	for i := range xd {
		if xd[i] != xs[i] {
			t.Fatalf("SamplePrior output %d = %g, Decode gives %g", i, xs[i], xd[i])
		}
	}
	if err := m1.SetTemperature(0.25); err != nil || m1.Temperature() != 0.25 {
		t.Fatalf("temperature: %v %g", err, m1.Temperature())
	}
	if _, _, err := m1.SamplePrior(cfg.K, 1, 0); err == nil {
		t.Error("SamplePrior accepted an out-of-range cluster")
	}
	bad := cfg
	bad.Layers = 0
	if _, err := New(b, bad, 1); err == nil {
		t.Error("New accepted Layers = 0")
	}
}
