package train

import "github.com/stkit-org/stkit/vae"

// ParamCount returns the number of float32 values in the variables vae.New creates for cfg (the
// Gumbel temperature not counted) and how many of them are trainable (the batch-norm running
// averages are not), from the architecture of the vae package doc: per block Linear(in→out)
// without bias (in·out weights) and a batch norm with four vectors (scale, offset, running mean,
// running variance) of its feature axis; the output layers of q(y|x), p(z|y) and p(x|z) have
// biases. The counts are float64: a configuration that cannot be built (H = 10⁸) must still be
// counted. cfg is assumed valid (vae.Config.Validate).
func ParamCount(cfg vae.Config) (total, trainable float64) {
	C, F, K, Z, H := float64(cfg.Channels), float64(cfg.Features), float64(cfg.K), float64(cfg.Z), float64(cfg.H)
	n1 := float64(cfg.Layers - 1)
	CH := C * H
	var w, bn float64 // Linear weights and biases; batch-norm vectors (half of them trainable)
	// q(y|x) and q(z|x,y): per-channel Linear(Fin→H) with BN(C), Linear(C·H→H) with BN(H),
	// n−1 × Linear(H→H) with BN(H).
	for _, fin := range []float64{F, F + K} {
		w += fin*H + CH*H + n1*H*H
		bn += 4 * (C + H + n1*H)
	}
	w += H*K + K       // q(y|x) logits, with bias
	w += 2 * H * Z     // q(z|x,y) mean and variance heads
	w += 2 * (K*Z + Z) // p(z|y) mean and variance, with biases
	w += Z*H + H*CH    // p(x|z): Linear(Z→H), Linear(H→C·H)
	w += n1 * CH * CH  // n−1 × Linear(C·H→C·H)
	w += H*F + F       // output Linear(H→F), with bias
	bn += 4 * (H + CH + n1*CH)
	return w + bn, w + bn/2
}

// ActivationWidth returns the number of values one row of a batch produces in the layer outputs
// of a training forward pass (each block's Linear output counted once, though batch norm and
// LeakyReLU write their own): q(y|x) C·H + n·H + K, q(z|x,y) C·H + n·H + 2Z, z and p(z|y) 3Z,
// p(x|z) H + n·C·H + C·F. Backpropagation keeps them all until the gradient reaches them.
func ActivationWidth(cfg vae.Config) float64 {
	C, F, K, Z, H := float64(cfg.Channels), float64(cfg.Features), float64(cfg.K), float64(cfg.Z), float64(cfg.H)
	n := float64(cfg.Layers)
	return 2*(C*H+n*H) + K + 2*Z + 3*Z + H + n*C*H + C*F
}

// MemoryLowerBound returns a lower bound, in bytes, of the memory a Run of a model of cfg with
// batches of batch rows holds at once: the float32 variables (ParamCount), Adam's two moments of
// every trainable one, all of which a checkpoint reads back into host memory, and the layer
// outputs of one batch (ActivationWidth values per row). Gradients, the optimiser's temporaries,
// the encoded checkpoint and the backend's own buffers come on top, so a run needs more; a
// configuration above the memory available cannot train.
func MemoryLowerBound(cfg vae.Config, batch int) float64 {
	total, trainable := ParamCount(cfg)
	return 4 * (total + 2*trainable + float64(max(batch, 0))*ActivationWidth(cfg))
}
