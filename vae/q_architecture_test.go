package vae

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// hostVAE re-implements the package doc's architecture in float64 from a model's variables, in
// evaluation mode (batch normalisation with the running averages).
type hostVAE struct {
	cfg  Config
	vars map[string][]float64
}

func (h *hostVAE) v(name string) []float64 {
	w, ok := h.vars["/vae/"+name]
	if !ok {
		panic("no variable " + name)
	}
	return w
}

// dense: y = x·W (+ b), W [in, out] row-major (GoMLX layers.Dense).
func (h *hostVAE) dense(scope string, x []float64, out int, bias bool) []float64 {
	w := h.v(scope + "/dense/weights")
	in := len(w) / out
	if in != len(x) {
		panic(fmt.Sprintf("%s: input %d, weights %d×%d", scope, len(x), in, out))
	}
	y := make([]float64, out)
	if bias {
		copy(y, h.v(scope+"/dense/biases"))
	}
	for i := 0; i < in; i++ {
		for o := 0; o < out; o++ {
			y[o] += x[i] * w[i*out+o]
		}
	}
	return y
}

// bnAct: (x − r_mean)/sqrt(r_var + eps)·scale + offset for feature feat(i), then LeakyReLU.
func (h *hostVAE) bnAct(scope string, x []float64, feat func(i int) int) []float64 {
	s, o := h.v(scope+"/bn/scale"), h.v(scope+"/bn/offset")
	rm, rv := h.v(scope+"/bn/running_mean"), h.v(scope+"/bn/running_var")
	y := make([]float64, len(x))
	for i, v := range x {
		f := feat(i)
		u := (v-rm[f])/math.Sqrt(rv[f]+h.cfg.BNEpsilon)*s[f] + o[f]
		if u < 0 {
			u *= h.cfg.Slope
		}
		y[i] = u
	}
	return y
}

func ident(i int) int { return i }

// trunk: per-channel Linear(in→H) → BN(C) → LReLU → flatten C·H → Linear(C·H→H) → BN(H) → LReLU →
// (n−1)×[Linear(H→H) → BN(H) → LReLU]; in[c] is channel c's input.
func (h *hostVAE) trunk(scope string, in [][]float64) []float64 {
	c := h.cfg
	flat := make([]float64, 0, c.Channels*c.H)
	for _, row := range in {
		flat = append(flat, h.dense(scope+"/in", row, c.H, false)...)
	}
	flat = h.bnAct(scope+"/in", flat, func(i int) int { return i / c.H }) // channel of [C, H]
	x := h.bnAct(scope+"/flat", h.dense(scope+"/flat", flat, c.H, false), ident)
	for l := 1; l < c.Layers; l++ {
		s := fmt.Sprintf("%s/hidden%d", scope, l)
		x = h.bnAct(s, h.dense(s, x, c.H, false), ident)
	}
	return x
}

func (h *hostVAE) channels(x []float64, extra []float64) [][]float64 {
	c := h.cfg
	out := make([][]float64, c.Channels)
	for ch := range out {
		out[ch] = append(append([]float64(nil), x[ch*c.Features:(ch+1)*c.Features]...), extra...)
	}
	return out
}

func (h *hostVAE) logits(x []float64) []float64 {
	return h.dense("qyx/logits", h.trunk("qyx", h.channels(x, nil)), h.cfg.K, true)
}

func softplus(v float64) float64 { return math.Log1p(math.Exp(v)) }

func (h *hostVAE) encodeZ(x, y []float64) (mu, variance []float64) {
	t := h.trunk("qzxy", h.channels(x, y))
	mu = h.dense("qzxy/mu", t, h.cfg.Z, false)
	variance = h.dense("qzxy/var", t, h.cfg.Z, false)
	for j := range variance {
		variance[j] = softplus(variance[j])
	}
	return
}

func (h *hostVAE) prior(y []float64) (mu, variance []float64) {
	mu = h.dense("pzy/mu", y, h.cfg.Z, true)
	variance = h.dense("pzy/var", y, h.cfg.Z, true)
	for j := range variance {
		variance[j] = softplus(variance[j]) + h.cfg.PriorVarOffset
	}
	return
}

func (h *hostVAE) decode(z []float64) []float64 {
	c := h.cfg
	x := h.bnAct("pxz/in", h.dense("pxz/in", z, c.H, false), ident)
	x = h.bnAct("pxz/expand", h.dense("pxz/expand", x, c.Channels*c.H, false), ident)
	for l := 1; l < c.Layers; l++ {
		s := fmt.Sprintf("pxz/hidden%d", l)
		x = h.bnAct(s, h.dense(s, x, c.Channels*c.H, false), ident)
	}
	out := make([]float64, 0, c.InputDim())
	for ch := 0; ch < c.Channels; ch++ {
		out = append(out, h.dense("pxz/out", x[ch*c.H:(ch+1)*c.H], c.Features, true)...)
	}
	return out
}

func softmaxT(l []float64, tau float64) []float64 {
	mx := math.Inf(-1)
	for _, v := range l {
		mx = max(mx, v/tau)
	}
	s := 0.0
	out := make([]float64, len(l))
	for k, v := range l {
		out[k] = math.Exp(v/tau - mx)
		s += out[k]
	}
	for k := range out {
		out[k] /= s
	}
	return out
}

func near(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst := 0.0
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i])-want[i])/math.Max(1, math.Abs(want[i])))
	}
	if worst > tol {
		t.Errorf("%s: worst difference %.3g from the host reference of the documented architecture (tol %g)", what, worst, tol)
	}
}

// TestArchitectureMatchesPackageDoc pins the package doc's model diagram and conventions against a
// float64 host implementation reading the model's variables: channel-major rows x[c·F+f], Linear
// as x·W (+b) per channel, BN(C) per channel over (B, H) and BN(H)/BN(C·H) per feature with the
// running averages in evaluation mode, LeakyReLU with Config.Slope, q(z|x,y) on concat(x_c, y) per
// channel with σ²_q = softplus, p(z|y=e_k) with σ² = softplus(·) + PriorVarOffset, the decoder's
// reshape (C, H) → Linear(H→F, bias), Encode's noise-free y = softmax(logits/τ), Assign's
// q(y|x) = softmax(logits) (no τ), and Evaluate's Cat = KL(softmax(logits) ‖ U(K)). Every variable is
// set to random values first (running variances in [0.5, 2]), so no term can hide behind an
// initial 0 or 1.
func TestArchitectureMatchesPackageDoc(t *testing.T) {
	cfg := SmallConfig(3, 4)
	cfg.Channels, cfg.Z, cfg.H, cfg.Layers = 2, 3, 6, 3
	cfg.Slope, cfg.PriorVarOffset, cfg.BNEpsilon = 0.3, 0.4, 1e-3
	m, err := New(gomlxtest.Backend(t), cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	h := randomiseVars(t, m, rng)
	const tau = 0.7
	if err := m.SetTemperature(tau); err != nil {
		t.Fatal(err)
	}
	const n = 5
	d, K, Z := cfg.InputDim(), cfg.K, cfg.Z
	x := make([]float32, n*d)
	x64 := make([]float64, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		x64[i] = float64(x[i])
	}
	ev, err := m.Evaluate(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, _, probs, err := m.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	mu, err := m.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	var wantLogits, wantProbs, wantMu, wantCat []float64
	for i := 0; i < n; i++ {
		row := x64[i*d : (i+1)*d]
		l := h.logits(row)
		wantLogits = append(wantLogits, l...)
		q := softmaxT(l, 1)
		wantProbs = append(wantProbs, q...)
		kl := math.Log(float64(K))
		for _, p := range q {
			kl += p * math.Log(p)
		}
		wantCat = append(wantCat, kl)
		m, _ := h.encodeZ(row, softmaxT(l, tau))
		wantMu = append(wantMu, m...)
	}
	near(t, "Evaluate logits", ev.Logits, wantLogits, 1e-5)
	near(t, "Evaluate Mu", ev.Mu, wantMu, 1e-5)
	near(t, "Encode", mu, wantMu, 1e-5)
	near(t, "Assign probabilities", probs, wantProbs, 1e-5)
	near(t, "Evaluate Cat", ev.Cat, wantCat, 1e-5)

	// Prior per cluster: y = e_k.
	pm, pv, err := m.PriorParams()
	if err != nil {
		t.Fatal(err)
	}
	var wantPM, wantPV []float64
	for k := 0; k < K; k++ {
		e := make([]float64, K)
		e[k] = 1
		a, b := h.prior(e)
		wantPM, wantPV = append(wantPM, a...), append(wantPV, b...)
	}
	near(t, "PriorParams means", pm, wantPM, 1e-5)
	near(t, "PriorParams variances", pv, wantPV, 1e-5)

	// Decoder on latent rows.
	z := make([]float32, n*Z)
	var wantX []float64
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	for i := 0; i < n; i++ {
		zr := make([]float64, Z)
		for j := range zr {
			zr[j] = float64(z[i*Z+j])
		}
		wantX = append(wantX, h.decode(zr)...)
	}
	xr, err := m.Decode(z)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Decode", xr, wantX, 1e-5)
}

// fixedNoise is a Noise returning given host values (float32, row-major) in call order.
type fixedNoise struct{ uniform, normal []float32 }

func (n fixedNoise) Uniform(g *Graph, s shapes.Shape) *Node {
	return Const(g, tensors.FromFlatDataAndDimensions(n.uniform, s.Dimensions...))
}
func (n fixedNoise) Normal(g *Graph, s shapes.Shape) *Node {
	return Const(g, tensors.FromFlatDataAndDimensions(n.normal, s.Dimensions...))
}

// randomiseVars sets every float variable of m but τ to random values (running variances in
// [0.5, 2]) and returns the host reference reading them.
func randomiseVars(t *testing.T, m *Model, rng *rand.Rand) *hostVAE {
	t.Helper()
	h := &hostVAE{cfg: m.Cfg, vars: map[string][]float64{}}
	for v := range m.Ctx.IterVariables() {
		if !v.DType().IsFloat() || v.Name() == "gumbel_temperature" {
			continue
		}
		n := v.Shape().Size()
		f32 := make([]float32, n)
		f64 := make([]float64, n)
		for i := range f32 {
			r := 0.6 * rng.NormFloat64()
			if v.Name() == "running_var" {
				r = 0.5 + 1.5*rng.Float64()
			}
			f32[i] = float32(r)
			f64[i] = float64(f32[i])
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(f32, v.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
		h.vars[v.ScopeAndName()] = f64
	}
	return h
}

// TestForwardAndLossMatchPackageDoc pins the stochastic pass and the loss of the package doc with
// given noise u (uniform) and ε (normal): y = softmax((logits + g)/τ) with g = −log(−log(u + 1e-20) +
// 1e-20), z = μ_q(x, y) + sqrt(σ²_q + 1e-10)·ε, p(z|y) at the soft y, x̂ = decoder(z), and
// Rec = Σ_f (x − x̂)², Gauss = log N(z; μ_q, σ²_q+1e-8) − log N(z; μ_y, σ²_y+1e-8),
// Cat = KL(softmax(logits) ‖ U(K)), Balance = KL(q̄ ‖ U(K)) and
// Total = mean_B(WRec·Rec + WGauss·Gauss + WCat·Cat) + WBalance·Balance, against the float64 host
// implementation (evaluation mode, randomised variables).
func TestForwardAndLossMatchPackageDoc(t *testing.T) {
	cfg := SmallConfig(3, 4)
	cfg.Channels, cfg.Z, cfg.H, cfg.Layers = 2, 3, 6, 2
	cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance = 0.15, 0.8, 1.3, 0.6
	m, err := New(gomlxtest.Backend(t), cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(31, 32))
	h := randomiseVars(t, m, rng)
	const B, tau = 4, 0.6
	d, K, Z := cfg.InputDim(), cfg.K, cfg.Z
	x, u, eps := make([]float32, B*d), make([]float32, B*K), make([]float32, B*Z)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for i := range u {
		u[i] = float32(rng.Float64())
	}
	u[0] = 0 // the guarded end of [0, 1)
	for i := range eps {
		eps[i] = float32(rng.NormFloat64())
	}
	e, err := context.NewExec(m.Backend, m.vaeCtx(), func(ctx *context.Context, x *Node) []*Node {
		g := x.Graph()
		ctx.SetTraining(g, false)
		o := Forward(ctx, cfg, x, Scalar(g, x.DType(), tau), fixedNoise{u, eps})
		tm := Loss(cfg, x, o)
		return []*Node{o.Y, o.Z, o.MuP, o.VarP, o.XRec, tm.Rec, tm.Gauss, tm.Cat, tm.Balance, tm.Total}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	res, err := e.Exec(tensors.FromFlatDataAndDimensions(x, B, d))
	if err != nil {
		t.Fatal(err)
	}
	defer finalize(res)
	got := make([][]float32, len(res))
	for i, r := range res {
		got[i] = tensors.MustCopyFlatData[float32](r)
	}
	var wY, wZ, wMuP, wVarP, wX, wRec, wGauss, wCat []float64
	qbar := make([]float64, K)
	logN := func(z, mu, v []float64) float64 {
		s := 0.0
		for j := range z {
			ve := v[j] + LogNormalEps
			s += -0.5 * (math.Log(2*math.Pi) + math.Log(ve) + (z[j]-mu[j])*(z[j]-mu[j])/ve)
		}
		return s
	}
	total := 0.0
	for i := 0; i < B; i++ {
		row := make([]float64, d)
		for j := range row {
			row[j] = float64(x[i*d+j])
		}
		l := h.logits(row)
		pert := make([]float64, K)
		for k := range pert {
			g := -math.Log(-math.Log(float64(u[i*K+k])+GumbelEps) + GumbelEps)
			pert[k] = l[k] + g
		}
		y := softmaxT(pert, tau)
		muQ, varQ := h.encodeZ(row, y)
		z := make([]float64, Z)
		for j := range z {
			z[j] = muQ[j] + math.Sqrt(varQ[j]+ReparamEps)*float64(eps[i*Z+j])
		}
		muP, varP := h.prior(y)
		xr := h.decode(z)
		rec := 0.0
		for j := range row {
			rec += (row[j] - xr[j]) * (row[j] - xr[j])
		}
		q := softmaxT(l, 1)
		cat := math.Log(float64(K))
		for k, p := range q {
			cat += p * math.Log(p)
			qbar[k] += p / B
		}
		gauss := logN(z, muQ, varQ) - logN(z, muP, varP)
		total += (cfg.WRec*rec + cfg.WGauss*gauss + cfg.WCat*cat) / B
		wY, wZ, wMuP, wVarP, wX = append(wY, y...), append(wZ, z...), append(wMuP, muP...), append(wVarP, varP...), append(wX, xr...)
		wRec, wGauss, wCat = append(wRec, rec), append(wGauss, gauss), append(wCat, cat)
	}
	bal := math.Log(float64(K))
	for _, p := range qbar {
		bal += p * math.Log(p)
	}
	total += cfg.WBalance * bal
	for i, c := range []struct {
		what string
		want []float64
	}{{"Y", wY}, {"Z", wZ}, {"MuP", wMuP}, {"VarP", wVarP}, {"XRec", wX}, {"Rec", wRec}, {"Gauss", wGauss},
		{"Cat", wCat}, {"Balance", []float64{bal}}, {"Total", []float64{total}}} {
		near(t, c.what, got[i], c.want, 2e-5)
	}
}

// TestEvaluateTermsBitForBit pins EvaluateTerms' "the same logits and loss terms, bit for bit" as
// Evaluate, and PadBuckets' "padding never changes a result": a short last chunk (71 rows at Batch
// 32: 7 rows padded to 8) and a single row give exactly the numbers of the same rows inside a larger
// input.
func TestEvaluateTermsBitForBit(t *testing.T) {
	cfg := SmallConfig(3, 6)
	cfg.Channels, cfg.Z, cfg.H = 2, 4, 16
	m, err := New(gomlxtest.Backend(t), cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	m.Batch = 32
	rng := rand.New(rand.NewPCG(41, 42))
	randomiseVars(t, m, rng)
	d := cfg.InputDim()
	x := make([]float32, 96*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	const seed = 5
	full, err := m.Evaluate(x, seed) // three full chunks
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want []float32) {
		t.Helper()
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s[%d] = %v, want %v bit for bit", what, i, got[i], want[i])
			}
		}
	}
	for _, n := range []int{96, 71, 1} {
		ev, err := m.Evaluate(x[:n*d], seed)
		if err != nil {
			t.Fatal(err)
		}
		et, err := m.EvaluateTerms(x[:n*d], seed)
		if err != nil {
			t.Fatal(err)
		}
		K := cfg.K
		for _, r := range []*EvalRows{ev, et} {
			same("logits", r.Logits, full.Logits[:n*K])
			same("Rec", r.Rec, full.Rec[:n])
			same("Gauss", r.Gauss, full.Gauss[:n])
			same("Cat", r.Cat, full.Cat[:n])
		}
		same("Mu", ev.Mu, full.Mu[:n*cfg.Z])
		if et.Mu != nil {
			t.Errorf("EvaluateTerms returned Mu")
		}
	}
}
