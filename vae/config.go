// Package vae implements the Gaussian-mixture VAE used for unsupervised component discovery in
// scattering-statistics space (the facvae / stvae_ism design, docs/methods.md §4), written with
// GoMLX context and layers.
//
// Model (one scale; K clusters, latent size Z, hidden width H, n layers, C channels of F features,
// LeakyReLU slope Config.Slope (0.2 in both presets), every Linear (x·W, W [in, out]) without bias
// unless stated):
//
//	q(y|x):   Linear(F→H) per channel → BN(C) → LReLU → flatten C·H → Linear(C·H→H) → BN(H) → LReLU
//	          → (n−1)×[Linear(H→H) → BN(H) → LReLU] → Linear(H→K, bias) = logits;
//	          y = softmax((logits + g)/τ), g ~ Gumbel(0,1) (soft Gumbel-softmax, annealed τ).
//	q(z|x,y): concat(x, y per channel) → the same MLP shape → μ_q = Linear(H→Z),
//	          σ²_q = softplus(Linear(H→Z)); z = μ_q + sqrt(σ²_q + 1e-10)·ε, ε ~ N(0, I).
//	p(z|y):   μ_y = Linear(K→Z, bias)(y), σ²_y = softplus(Linear(K→Z, bias)(y)) + PriorVarOffset;
//	          with y = e_k this is one learned diagonal Gaussian per cluster; mixture weights uniform.
//	p(x|z):   Linear(Z→H) → BN(H) → LReLU → Linear(H→C·H) → BN(C·H) → LReLU
//	          → (n−1)×[Linear(C·H→C·H) → BN(C·H) → LReLU] → reshape (C, H) → Linear(H→F, bias) = x̂.
//
// BN(C) on a [B, C, H] tensor normalises each channel over the batch and the H axis (PyTorch
// BatchNorm1d(C)); BN(H) on [B, H] normalises each feature over the batch. Batch statistics are used
// (and differentiated through) in training, running averages in evaluation; Model.RecomputeBNStats
// replaces the running averages by the mean batch statistics of the current weights (package train
// calls it before every validation and checkpoint unless its Options.BNBatches < 0).
//
// Negative ELBO (per batch, all terms averaged over the batch):
//
//	L = WRec·Σ_f (x_f − x̂_f)² + WGauss·[log N(z; μ_q, σ²_q+ε) − log N(z; μ_y, σ²_y+ε)]
//	  + WCat·max(Σ_k q_k log q_k + log K, 0)
//
// with q = softmax(logits) and ε = LogNormalEps = 1e-8: single-sample Monte-Carlo Gaussian KL and
// the exact KL(q(y|x) ‖ U(K)), whose float32 rounding below 0 near uniform q is clamped (the gradient
// is the unclamped sum's; see CategoricalKLUniform).
//
// Optional balance penalty (not in facvae; WBalance = 0 by default): + WBalance·[Σ_k q̄_k log q̄_k +
// log K], the KL from uniform of the batch-mean posterior q̄ = mean_B q(y|x). The per-row KL above
// rewards uncertain assignments but does nothing against an empty cluster; this term penalises
// uneven occupancy instead, so a component that lost its data is pulled back (with uneven true
// class sizes it biases the boundaries slightly towards equal clusters).
//
// Input vectors are flat rows of length C·F, channel-major (x[c·F + f]); features are expected to be
// z-scored per coefficient.
package vae

import (
	"fmt"
	"math"
)

// Scope is the context sub-scope under which Model keeps every VAE variable.
const Scope = "vae"

// Config fixes the sizes and loss weights of the GM-VAE. It is JSON-serialisable so a checkpoint can
// record it.
type Config struct {
	// K is the number of clusters (mixture components).
	K int `json:"k"`
	// Channels is C, the number of channels per sample (1 for a single map statistic vector).
	Channels int `json:"channels"`
	// Features is F, the number of features per channel; the input row length is C·F.
	Features int `json:"features"`
	// Z is the latent dimension.
	Z int `json:"z"`
	// H is the hidden width.
	H int `json:"h"`
	// Layers is n (≥ 1), facvae's nlayer: each of the three MLPs has n + 1 Linear → BN → LReLU
	// blocks (encoders: the per-channel block, the C·H→H block and n − 1 more at width H; decoder:
	// Z→H, H→C·H and n − 1 more at width C·H), see the package doc.
	Layers int `json:"layers"`
	// Slope is the LeakyReLU negative slope.
	Slope float64 `json:"slope"`
	// WRec, WGauss and WCat weight the reconstruction, Gaussian-KL and categorical-KL terms.
	WRec   float64 `json:"w_rec"`
	WGauss float64 `json:"w_gauss"`
	WCat   float64 `json:"w_cat"`
	// WBalance weights the batch-marginal balance penalty KL(q̄ ‖ U(K)) (0: off, as facvae).
	WBalance float64 `json:"w_balance,omitempty"`
	// PriorVarOffset is the lower bound added to the prior variances σ²_y (1 in facvae since 2023-03).
	PriorVarOffset float64 `json:"prior_var_offset"`
	// BNMomentum is the running-average update weight of batch normalisation, PyTorch convention:
	// running ← (1−m)·running + m·batch (running variance uses the unbiased batch variance).
	BNMomentum float64 `json:"bn_momentum"`
	// BNEpsilon is added to the variance inside batch normalisation.
	BNEpsilon float64 `json:"bn_epsilon"`
}

// DefaultConfig returns the published sizes (Z=32, H=1024, 4 layers, C=1) with the facvae/HI loss
// weights (WRec 0.15, WGauss 1, WCat 1, no balance term) for K clusters and F features, and facvae's
// LeakyReLU slope 0.2 and prior-variance offset 1, PyTorch's batch-norm defaults (momentum 0.1,
// ε 1e-5).
func DefaultConfig(k, features int) Config {
	return Config{K: k, Channels: 1, Features: features, Z: 32, H: 1024, Layers: 4, Slope: 0.2,
		WRec: 0.15, WGauss: 1, WCat: 1, PriorVarOffset: 1, BNMomentum: 0.1, BNEpsilon: 1e-5}
}

// SmallConfig is a CPU-sized preset: Z=8, H=128, 2 layers, otherwise as DefaultConfig.
func SmallConfig(k, features int) Config {
	c := DefaultConfig(k, features)
	c.Z, c.H, c.Layers = 8, 128, 2
	return c
}

// InputDim returns C·F, the length of one input row.
func (c Config) InputDim() int { return c.Channels * c.Features }

// Validate reports the first invalid field. NaN or infinite Slope, loss weights, PriorVarOffset,
// BNMomentum or BNEpsilon are invalid, and so is a row length C·F above 2³¹−1.
func (c Config) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"LeakyReLU slope", c.Slope}, {"WRec", c.WRec}, {"WGauss", c.WGauss}, {"WCat", c.WCat}, {"WBalance", c.WBalance},
		{"PriorVarOffset", c.PriorVarOffset}, {"BNMomentum", c.BNMomentum}, {"BNEpsilon", c.BNEpsilon}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("vae: %s must be finite, got %g", f.name, f.v)
		}
	}
	switch {
	case c.K < 2:
		return fmt.Errorf("vae: K must be ≥ 2, got %d", c.K)
	case c.Channels < 1:
		return fmt.Errorf("vae: Channels must be ≥ 1, got %d", c.Channels)
	case c.Features < 1:
		return fmt.Errorf("vae: Features must be ≥ 1, got %d", c.Features)
	case c.Z < 1 || c.H < 1:
		return fmt.Errorf("vae: Z and H must be ≥ 1, got Z=%d H=%d", c.Z, c.H)
	case c.Features > math.MaxInt32/c.Channels:
		return fmt.Errorf("vae: row length C·F = %d·%d is too large (above 2³¹−1 = math.MaxInt32)", c.Channels, c.Features)
	case c.Layers < 1:
		return fmt.Errorf("vae: Layers must be ≥ 1, got %d", c.Layers)
	case c.Slope < 0 || c.Slope >= 1:
		return fmt.Errorf("vae: LeakyReLU slope must be in [0, 1), got %g", c.Slope)
	case c.WRec < 0 || c.WGauss < 0 || c.WCat < 0 || c.WBalance < 0:
		return fmt.Errorf("vae: loss weights must be ≥ 0, got WRec=%g WGauss=%g WCat=%g WBalance=%g", c.WRec, c.WGauss, c.WCat, c.WBalance)
	case c.PriorVarOffset < 0:
		return fmt.Errorf("vae: PriorVarOffset must be ≥ 0, got %g", c.PriorVarOffset)
	case !(c.BNMomentum > 0 && c.BNMomentum <= 1):
		return fmt.Errorf("vae: BNMomentum must be in (0, 1], got %g", c.BNMomentum)
	case !(c.BNEpsilon > 0) || math.IsInf(c.BNEpsilon, 0):
		return fmt.Errorf("vae: BNEpsilon must be > 0, got %g", c.BNEpsilon)
	}
	return nil
}
