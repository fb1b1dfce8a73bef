package train

import "math"

// DefaultTauRate is ln 2 / 50 = 0.013862944: the Gumbel temperature halves every 50 epochs.
const DefaultTauRate = math.Ln2 / 50

// Temperature returns the Gumbel-softmax temperature of epoch e (0-based):
// τ(e) = max(τ₀·exp(−rate·e), τ_min).
func Temperature(epoch int, tau0, tauMin, rate float64) float64 {
	return math.Max(tau0*math.Exp(-rate*float64(epoch)), tauMin)
}

// LearningRate returns the facvae learning-rate schedule lr(t) = a·(b + t)^(−1/3) for epoch t
// (0-based, as EpochMetrics.Epoch) of epochs, with a and b chosen so that lr(0) = lr0 and
// lr(epochs) = lrFinal: lrFinal is reached just after the last epoch, which (t = epochs−1) runs at
// a slightly higher rate. When lrFinal ≤ 0, lrFinal == lr0 or epochs ≤ 0 the rate is the constant
// lr0.
//
// Outside [0, epochs] the rate is held at the schedule's ends: lr0 for epoch < 0 and lrFinal for
// epoch > epochs (Run never asks for them). The formula continued would pass a pole at t = −b and
// turn negative — after the last epoch for a rise (lrFinal > lr0, b < 0: 1e-3 → 3e-3 over 10 epochs
// gave −2.6e-3 at epoch 11), before epoch 0 for a decay (1e-2 → 1e-3 gave −2.2e-3 at epoch −1) —
// and fall below lrFinal after the last epoch of a decay.
func LearningRate(epoch, epochs int, lr0, lrFinal float64) float64 {
	if lrFinal <= 0 || lrFinal == lr0 || epochs <= 0 {
		return lr0
	}
	if epoch <= 0 {
		return lr0
	}
	if epoch >= epochs {
		return lrFinal
	}
	// ((b+T)/b)^(1/3) = lr0/lrF  ⇒  b = T / ((lr0/lrF)³ − 1);  a = lr0·b^(1/3). With q = t/T and
	// r = lr0/lrF: lr(t) = lr0 / ∛((1 − q) + q·r³) = lrF / ∛(r⁻³ + q(1 − r⁻³)). Computing a and b
	// gave lr(0) = 0/0 = NaN once r³ overflowed (r ≳ 5.6e102); the second form for a decay (r > 1)
	// and the first for a rise only raise r⁻³ or r³ < 1, which cannot overflow.
	q := float64(epoch) / float64(epochs)
	r := lr0 / lrFinal
	if r > 1 {
		s := 1 / (r * r * r)
		return lrFinal / math.Cbrt(s+q*(1-s))
	}
	return lr0 / math.Cbrt((1-q)+q*(r*r*r))
}
