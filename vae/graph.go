package vae

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// Numerical constants of the reference implementation.
const (
	// GumbelEps guards both logarithms of the Gumbel transform g = −log(−log(u + ε) + ε).
	GumbelEps = 1e-20
	// ReparamEps is added to σ²_q under the square root of the reparameterisation.
	ReparamEps = 1e-10
	// LogNormalEps is added to every variance inside LogNormalDiag.
	LogNormalEps = 1e-8
)

// Noise supplies the random numbers of the forward pass. ContextNoise draws from the context RNG
// (state saved with the model variables, used for training); StateNoise threads an explicit RNG
// state (used for seeded evaluation, so evaluation never perturbs the training stream).
type Noise interface {
	// Uniform returns values in [0, 1) with the given shape.
	Uniform(g *Graph, shape shapes.Shape) *Node
	// Normal returns standard normal values with the given shape.
	Normal(g *Graph, shape shapes.Shape) *Node
}

type ctxNoise struct{ ctx *context.Context }

func (n ctxNoise) Uniform(g *Graph, s shapes.Shape) *Node { return n.ctx.RandomUniform(g, s) }
func (n ctxNoise) Normal(g *Graph, s shapes.Shape) *Node  { return n.ctx.RandomNormal(g, s) }

// ContextNoise returns a Noise drawing from ctx's RNG state variable (see context.Context.RandomUniform).
func ContextNoise(ctx *context.Context) Noise { return ctxNoise{ctx} }

// StateNoise draws from an explicit RNG state node (shape graph.RNGStateShape); State holds the
// advanced state after each draw.
type StateNoise struct {
	// State is the current RNG state node.
	State *Node
}

// Uniform implements Noise.
func (n *StateNoise) Uniform(_ *Graph, s shapes.Shape) *Node {
	var v *Node
	n.State, v = RandomUniform(n.State, s)
	return v
}

// Normal implements Noise.
func (n *StateNoise) Normal(_ *Graph, s shapes.Shape) *Node {
	var v *Node
	n.State, v = RandomNormal(n.State, s)
	return v
}

// Outputs are the nodes of one forward pass; B is the batch size.
type Outputs struct {
	// Logits [B, K] of q(y|x); Prob = softmax(Logits); Y [B, K] the Gumbel-softmax sample.
	Logits, Prob, Y *Node
	// MuQ, VarQ [B, Z]: q(z|x,y); Z [B, Z] the reparameterised sample.
	MuQ, VarQ, Z *Node
	// MuP, VarP [B, Z]: p(z|y) evaluated at the soft y.
	MuP, VarP *Node
	// XRec [B, C·F]: decoder output x̂ (the mean of p(x|z)).
	XRec *Node
}

// TemperatureVar returns the non-trainable scalar float32 variable "gumbel_temperature" holding the
// Gumbel-softmax temperature τ in ctx's current scope (created with value 1 if absent). The host
// sets it between epochs; the graph reads it, so changing τ never recompiles.
func TemperatureVar(ctx *context.Context) *context.Variable {
	c := ctx.Checked(false)
	if v := c.GetVariableByScopeAndName(c.Scope(), "gumbel_temperature"); v != nil {
		return v
	}
	return c.VariableWithValue("gumbel_temperature", float32(1)).SetTrainable(false)
}

// Forward builds one forward pass of the GM-VAE on x [B, C·F] with Gumbel temperature tau (scalar
// node of x's dtype). Variables are created (or reused) under ctx's current scope, in sub-scopes
// "qyx", "qzxy", "pzy" and "pxz". Batch normalisation follows ctx.IsTraining(g).
func Forward(ctx *context.Context, cfg Config, x, tau *Node, noise Noise) Outputs {
	g := x.Graph()
	checkInput(cfg, x)
	var o Outputs
	o.Logits = EncodeY(ctx.In("qyx"), cfg, x)
	o.Prob = Softmax(o.Logits, -1)
	o.Y = GumbelSoftmax(o.Logits, tau, noise.Uniform(g, o.Logits.Shape()))
	o.MuQ, o.VarQ = EncodeZ(ctx.In("qzxy"), cfg, x, o.Y)
	eps := noise.Normal(g, o.MuQ.Shape())
	o.Z = Add(o.MuQ, Mul(Sqrt(AddScalar(o.VarQ, ReparamEps)), eps))
	o.MuP, o.VarP = Prior(ctx.In("pzy"), cfg, o.Y)
	o.XRec = DecodeGraph(ctx.In("pxz"), cfg, o.Z)
	return o
}

func checkInput(cfg Config, x *Node) {
	if x.Rank() != 2 || x.Shape().Dimensions[1] != cfg.InputDim() {
		panic(fmt.Errorf("vae: input must be [B, %d] (C=%d × F=%d), got %s", cfg.InputDim(), cfg.Channels, cfg.Features, x.Shape()))
	}
}

// GumbelSoftmax returns softmax((logits + g)/tau) over the last axis with g = −log(−log(u+ε)+ε) and
// u uniform in [0,1) (same shape as logits); ε = GumbelEps. The soft sample is differentiable with
// respect to logits and tau. It is computed as TemperedSoftmax(logits + g, tau), finite for every
// temperature SetTemperature accepts.
func GumbelSoftmax(logits, tau, u *Node) *Node {
	gumbel := Neg(Log(AddScalar(Neg(Log(AddScalar(u, GumbelEps))), GumbelEps)))
	return TemperedSoftmax(Add(logits, gumbel), tau)
}

// TemperedSoftmax returns softmax(v/τ) over the last axis, computed as softmax((v − m)/τ) with m
// the row maximum of v (no gradient through m; the softmax does not depend on it, so the gradient
// is exact). Dividing first overflowed for a small τ: v/τ is ±Inf in float32 once |v| > 3.4e38·τ
// (|v| > 4 at τ = MinTemperature), and the softmax of a row holding +Inf is NaN; (v − m)/τ is ≤ 0,
// and −Inf only where the probability is 0. Finite v and any τ > 0 give a finite result; a NaN or
// +Inf in v gives a NaN row.
func TemperedSoftmax(v, tau *Node) *Node {
	m := StopGradient(ReduceAndKeep(v, ReduceMax, -1))
	return Softmax(Div(Sub(v, m), tau), -1)
}

// linear applies a Dense layer along the last axis of x (any rank ≥ 2), flattening the leading
// axes so the product is a plain 2-D Dot.
func linear(ctx *context.Context, x *Node, bias bool, out int) *Node {
	dims := x.Shape().Dimensions
	if len(dims) == 2 {
		return layers.Dense(ctx, x, bias, out)
	}
	lead := 1
	for _, d := range dims[:len(dims)-1] {
		lead *= d
	}
	y := layers.Dense(ctx, Reshape(x, lead, dims[len(dims)-1]), bias, out)
	newDims := append(append([]int(nil), dims[:len(dims)-1]...), out)
	return Reshape(y, newDims...)
}

// BatchNorm normalises x over every axis except featureAxis, with a learned per-feature scale
// (init 1) and offset (init 0), in ctx's current scope (variables "scale", "offset" trainable;
// "running_mean", "running_var" not trainable). In training (ctx.IsTraining) it uses the batch mean
// and biased batch variance — gradients flow through both — and updates the running averages with
// momentum m: r ← (1−m) r + m·stat (the unbiased variance for r), as PyTorch; otherwise it uses the
// running averages. The result is (x − mean)/sqrt(var + eps)·scale + offset. With a single value per
// feature in training (batch 1 of a [B, H] input) the batch variance is 0, the output is the offset and
// r is updated with that 0 (PyTorch refuses such a batch; package train and RecomputeBNStats require
// batches of at least 2 rows).
func BatchNorm(ctx *context.Context, x *Node, featureAxis int, momentum, eps float64) *Node {
	g := x.Graph()
	rank := x.Rank()
	if featureAxis < 0 {
		featureAxis += rank
	}
	dim := x.Shape().Dimensions[featureAxis]
	vs := shapes.Make(x.DType(), dim)
	c := ctx.Checked(false)
	scale := c.WithInitializer(initializers.One).VariableWithShape("scale", vs).ValueGraph(g)
	offset := c.WithInitializer(initializers.Zero).VariableWithShape("offset", vs).ValueGraph(g)
	rMean := c.WithInitializer(initializers.Zero).VariableWithShape("running_mean", vs).SetTrainable(false)
	rVar := c.WithInitializer(initializers.One).VariableWithShape("running_var", vs).SetTrainable(false)
	bdims := make([]int, rank)
	var axes []int
	count := 1
	for i := range bdims {
		bdims[i] = 1
		if i != featureAxis {
			axes = append(axes, i)
			count *= x.Shape().Dimensions[i]
		}
	}
	bdims[featureAxis] = dim
	var mean, variance *Node
	if ctx.IsTraining(g) {
		mean = ReduceMean(x, axes...)
		variance = ReduceMean(Square(Sub(x, Reshape(mean, bdims...))), axes...)
		unbiased := variance
		if count > 1 {
			unbiased = MulScalar(variance, float64(count)/float64(count-1))
		}
		rMean.SetValueGraph(Add(MulScalar(rMean.ValueGraph(g), 1-momentum), MulScalar(StopGradient(mean), momentum)))
		rVar.SetValueGraph(Add(MulScalar(rVar.ValueGraph(g), 1-momentum), MulScalar(StopGradient(unbiased), momentum)))
	} else {
		mean, variance = rMean.ValueGraph(g), rVar.ValueGraph(g)
	}
	mult := Div(scale, Sqrt(AddScalar(variance, eps)))
	return Add(Mul(Sub(x, Reshape(mean, bdims...)), Reshape(mult, bdims...)), Reshape(offset, bdims...))
}

// block is Linear(no bias) → BatchNorm(featureAxis) → LeakyReLU, in sub-scope name.
func block(ctx *context.Context, cfg Config, x *Node, out, featureAxis int, name string) *Node {
	c := ctx.In(name)
	h := linear(c, x, false, out)
	h = BatchNorm(c.In("bn"), h, featureAxis, cfg.BNMomentum, cfg.BNEpsilon)
	return activations.LeakyReluWithAlpha(h, cfg.Slope)
}

// encoderTrunk is the shared MLP shape of q(y|x) and q(z|x,y): per-channel Linear(in→H) → BN(C)
// → LReLU → flatten → Linear(C·H→H) → BN(H) → LReLU → (n−1)×[Linear(H→H) → BN(H) → LReLU].
// in is [B, C, Fin]; the result is [B, H].
func encoderTrunk(ctx *context.Context, cfg Config, in *Node) *Node {
	B := in.Shape().Dimensions[0]
	h := block(ctx, cfg, in, cfg.H, 1, "in") // [B, C, H], BN over (B, H) per channel
	h = Reshape(h, B, cfg.Channels*cfg.H)
	h = block(ctx, cfg, h, cfg.H, 1, "flat")
	for i := 1; i < cfg.Layers; i++ {
		h = block(ctx, cfg, h, cfg.H, 1, fmt.Sprintf("hidden%d", i))
	}
	return h
}

// EncodeY builds q(y|x): the logits [B, K] for x [B, C·F].
func EncodeY(ctx *context.Context, cfg Config, x *Node) *Node {
	B := x.Shape().Dimensions[0]
	h := encoderTrunk(ctx, cfg, Reshape(x, B, cfg.Channels, cfg.Features))
	return linear(ctx.In("logits"), h, true, cfg.K)
}

// EncodeZ builds q(z|x,y) for x [B, C·F] and y [B, K]: the mean μ_q and variance σ²_q = softplus(·),
// both [B, Z]. y is repeated for every channel and concatenated to its features.
func EncodeZ(ctx *context.Context, cfg Config, x, y *Node) (mu, variance *Node) {
	B := x.Shape().Dimensions[0]
	x3 := Reshape(x, B, cfg.Channels, cfg.Features)
	y3 := BroadcastToDims(InsertAxes(y, 1), B, cfg.Channels, cfg.K)
	h := encoderTrunk(ctx, cfg, Concatenate([]*Node{x3, y3}, -1))
	mu = linear(ctx.In("mu"), h, false, cfg.Z)
	variance = Softplus(linear(ctx.In("var"), h, false, cfg.Z))
	return
}

// Prior builds p(z|y) for y [B, K]: μ_y = Linear(K→Z, bias)(y) and σ²_y = softplus(Linear(K→Z,
// bias)(y)) + PriorVarOffset, both [B, Z].
func Prior(ctx *context.Context, cfg Config, y *Node) (mu, variance *Node) {
	mu = linear(ctx.In("mu"), y, true, cfg.Z)
	variance = AddScalar(Softplus(linear(ctx.In("var"), y, true, cfg.Z)), cfg.PriorVarOffset)
	return
}

// DecodeGraph builds p(x|z): x̂ [B, C·F] for z [B, Z].
func DecodeGraph(ctx *context.Context, cfg Config, z *Node) *Node {
	B := z.Shape().Dimensions[0]
	CH := cfg.Channels * cfg.H
	h := block(ctx, cfg, z, cfg.H, 1, "in")
	h = block(ctx, cfg, h, CH, 1, "expand")
	for i := 1; i < cfg.Layers; i++ {
		h = block(ctx, cfg, h, CH, 1, fmt.Sprintf("hidden%d", i))
	}
	h = Reshape(h, B, cfg.Channels, cfg.H)
	out := linear(ctx.In("out"), h, true, cfg.Features) // [B, C, F]
	return Reshape(out, B, cfg.InputDim())
}

// LogNormalDiag returns log N(x; μ, diag(v)) summed over the last axis, with LogNormalEps added to v:
// −½ Σ_j [log 2π + log(v_j+ε) + (x_j−μ_j)²/(v_j+ε)]. Shapes [B, D] → [B].
func LogNormalDiag(x, mu, v *Node) *Node {
	ve := AddScalar(v, LogNormalEps)
	D := x.Shape().Dimensions[x.Rank()-1]
	s := ReduceSum(Add(Log(ve), Div(Square(Sub(x, mu)), ve)), -1)
	return MulScalar(AddScalar(s, float64(D)*math.Log(2*math.Pi)), -0.5)
}

// ReconstructionSSE returns Σ_f (x_f − x̂_f)² per row, [B, D] → [B].
func ReconstructionSSE(x, xrec *Node) *Node { return ReduceSum(Square(Sub(x, xrec)), -1) }

// GaussianKLMC is the single-sample Monte-Carlo KL estimate log q(z) − log p(z) with
// q = N(μ_q, σ²_q) and p = N(μ_p, σ²_p) evaluated at the sample z, [B, Z] → [B], each through
// LogNormalDiag (so with LogNormalEps added to both variances). Unlike the KL it can be negative.
func GaussianKLMC(z, muQ, varQ, muP, varP *Node) *Node {
	return Sub(LogNormalDiag(z, muQ, varQ), LogNormalDiag(z, muP, varP))
}

// GaussianKLClosed is the exact KL divergence of diagonal Gaussians whose variances carry the
// LogNormalEps (ε) that LogNormalDiag and the training loss add,
//
//	KL(N(μ_q, σ²_q+ε) ‖ N(μ_p, σ²_p+ε)) = ½ Σ_j [log(σ²_p+ε) − log(σ²_q+ε) + (σ²_q+ε + (μ_q − μ_p)²)/(σ²_p+ε) − 1],
//
// [B, Z] → [B], a diagnostic. A zero variance (σ²_q or σ²_p = 0, e.g. a collapsed posterior) gives a
// finite value, not −Inf or NaN; variances must be ≥ 0. It is 0 for q = p and never negative (a sum
// that rounding takes below 0 is returned as 0, see clampZero), and it
// differs from the expectation over z ~ N(μ_q, σ²_q) of GaussianKLMC by ½ Σ_j ε·(1/(σ²_p+ε) − 1/(σ²_q+ε)),
// at most ½·Z in absolute value and below ½·Σ_j ε/min(σ²_p, σ²_q) (≈ 5e-9 per unit-variance dimension).
func GaussianKLClosed(muQ, varQ, muP, varP *Node) *Node {
	vq, vp := AddScalar(varQ, LogNormalEps), AddScalar(varP, LogNormalEps)
	t := Add(Sub(Log(vp), Log(vq)), Div(Add(vq, Square(Sub(muQ, muP))), vp))
	Z := muQ.Shape().Dimensions[muQ.Rank()-1]
	return clampZero(MulScalar(AddScalar(ReduceSum(t, -1), -float64(Z)), 0.5))
}

// CategoricalKLUniform returns KL(q ‖ U(K)) = Σ_k q_k log q_k + log K for q = softmax(logits),
// [B, K] → [B]; it lies in [0, log K]. Rounding can take the sum below 0 for logits near uniform
// (−4.8e-7 in float32 for 16 equal logits); such a value is returned as 0, with the gradient of the
// sum itself (see clampZero).
//
// log q = LogSoftmax(logits) is −Inf where a logit lies more than the dtype's largest value below
// the row's maximum (3e38 and −3e38 in float32): there q_k = 0 and the term q_k log q_k is taken
// as 0 (the factor log q_k replaced by 0), with gradient 0, where 0·(−Inf) made the KL and its
// gradient NaN. Finite logits therefore always give a finite KL and gradient; a row with a NaN or
// +Inf logit gives NaN.
func CategoricalKLUniform(logits *Node) *Node {
	K := logits.Shape().Dimensions[logits.Rank()-1]
	logq := LogSoftmax(logits, -1)
	safe := Where(IsFinite(logq), logq, ZerosLike(logq)) // exp(logq) stays NaN for a NaN logq
	return clampZero(AddScalar(ReduceSum(Mul(Exp(logq), safe), -1), math.Log(float64(K))))
}

// MarginalKLUniform returns KL(q̄ ‖ U(K)) = Σ_k q̄_k log q̄_k + log K for the batch-mean posterior
// q̄_k = mean_B softmax(logits)_k, [B, K] → scalar; it lies in [0, log K], 0 when the batch is spread
// evenly over the clusters, log K when every row goes to one cluster. log q̄_k is clamped at log 1e-30,
// so an empty cluster (q̄_k = 0) contributes 0, not NaN. A sum that rounding takes below 0 is returned
// as 0, as in CategoricalKLUniform.
func MarginalKLUniform(logits *Node) *Node {
	K := logits.Shape().Dimensions[logits.Rank()-1]
	qbar := ReduceMean(Softmax(logits, -1), 0)
	return clampZero(AddScalar(ReduceAllSum(Mul(qbar, Log(MaxScalar(qbar, 1e-30)))), math.Log(float64(K))))
}

// clampZero returns max(kl, 0) with the gradient of kl: kl + StopGradient(max(kl, 0) − kl), which
// in floating point is exactly max(kl, 0) (kl − kl = 0 and kl + 0 = kl). A KL divergence that rounding
// made negative is reported as 0 while training still follows the unclamped expression's gradient.
func clampZero(kl *Node) *Node {
	return Add(kl, StopGradient(Sub(MaxScalar(kl, 0), kl)))
}

// Terms are the per-row loss terms [B] and their weighted batch-mean total (scalar).
type Terms struct {
	// Rec = Σ_f (x − x̂)², Gauss = log q(z|x,y) − log p(z|y), Cat = KL(q(y|x) ‖ U(K)); each [B].
	Rec, Gauss, Cat *Node
	// Balance = KL(q̄ ‖ U(K)) of the batch-mean posterior (scalar; see MarginalKLUniform). It is
	// always computed (a diagnostic of cluster occupancy) and enters Total only when WBalance > 0.
	Balance *Node
	// Total = mean_B(WRec·Rec + WGauss·Gauss + WCat·Cat) + WBalance·Balance, a scalar: the negative
	// ELBO minimised, plus the optional balance penalty. A term of weight 0 is left out of the sum
	// (it contributes exactly 0 and no gradient), so a NaN or infinite term that is not part of the
	// objective cannot make Total NaN (0·NaN = NaN); with all four weights 0, Total is 0.
	Total *Node
}

// Loss computes the negative-ELBO terms of a forward pass on x. Total leaves out the terms of
// weight 0 (see Terms.Total), as train.Evaluate does for the validation loss.
func Loss(cfg Config, x *Node, o Outputs) Terms {
	var t Terms
	t.Rec = ReconstructionSSE(x, o.XRec)
	t.Gauss = GaussianKLMC(o.Z, o.MuQ, o.VarQ, o.MuP, o.VarP)
	t.Cat = CategoricalKLUniform(o.Logits)
	t.Balance = MarginalKLUniform(o.Logits)
	var per *Node
	for _, tw := range [...]struct {
		v *Node
		w float64
	}{{t.Rec, cfg.WRec}, {t.Gauss, cfg.WGauss}, {t.Cat, cfg.WCat}} {
		switch {
		case tw.w == 0:
		case per == nil:
			per = MulScalar(tw.v, tw.w)
		default:
			per = Add(per, MulScalar(tw.v, tw.w))
		}
	}
	if per == nil {
		t.Total = ScalarZero(x.Graph(), x.DType())
	} else {
		t.Total = ReduceAllMean(per)
	}
	if cfg.WBalance != 0 {
		t.Total = Add(t.Total, MulScalar(t.Balance, cfg.WBalance))
	}
	return t
}
