package infer

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// GaussPriorOp is the Gaussian-field prior of a component with power
// spectrum P (one value per mode of the M×N DFT grid, in units of
// E|FFT(x)(k)|²/(M N), fftfreq order) as a statistic on stlayer.Prim:
//
//	Φ(x) = sqrt(G(x)),  G(x) = (1/K) Σ_{k ≠ 0, P(k) > 0} |FFT(x)(k)|² / (M N P(k))
//
// K the number of such modes. With p the density of the stationary
// Gaussian field of that spectrum (covariance C, circulant, P > 0 at every
// k ≠ 0), −log p(x) = ½ xᵀC⁻¹x + const = ½ Σ_k |FFT(x)(k)|²/(M N P(k)) +
// const, so G is (2/K)·(−log p(x)) up to an additive constant and the mean
// term k = 0, which G leaves out. E[G] = 1 for such a field, so a term
// with target 0 and weight λ adds λ·G, on the scale of the
// per-coefficient χ² of the statistic terms. The square root
// makes the term's |Φ − 0|² = G quadratic in x.
type GaussPriorOp struct {
	m, n int
	w    []float64 // per mode 1/(K M N P(k)); 0 at k = 0 and where P(k) ≤ 0
	k    int
	key  string
}

// NewGaussPriorOp builds the prior for m×n maps from the grid spectrum p
// (len m·n). It fails when no mode other than k = 0 has P > 0 or a value is
// not finite.
func NewGaussPriorOp(p []float64, m, n int) (*GaussPriorOp, error) {
	if len(p) != m*n || m < 1 || n < 1 {
		return nil, inputErrorf("Gaussian prior: %d spectrum values for %d×%d maps", len(p), m, n)
	}
	k := 0
	for i, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, inputErrorf("Gaussian prior: spectrum value %v at mode %d", v, i)
		}
		if i != 0 && v > 0 {
			k++
		}
	}
	if k == 0 {
		return nil, inputErrorf("Gaussian prior: no mode with power")
	}
	o := &GaussPriorOp{m: m, n: n, w: make([]float64, m*n), k: k}
	for i, v := range p {
		if i != 0 && v > 0 {
			o.w[i] = 1 / (float64(k) * float64(m*n) * v)
		}
	}
	o.key = fmt.Sprintf("gaussprior %dx%d %016x", m, n, hashFloats(o.w))
	return o, nil
}

// Modes returns K, the number of modes in G.
func (o *GaussPriorOp) Modes() int { return o.k }

// Key implements StatOp (the weights are part of the key: one compiled
// statistic per spectrum).
func (o *GaussPriorOp) Key() string { return o.key }

// Labels implements StatOp: one coefficient, class "gaussprior".
func (o *GaussPriorOp) Labels() *stlayer.Labels {
	l := stlayer.NewLabels()
	l.Add("gaussprior", nil)
	return l
}

// Stat implements StatOp.
func (o *GaussPriorOp) Stat() stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		return p.Sqrt(p.WeightedMean(p.Pow(p.FFT2(x), 2), o.w))
	}
}

// G returns G(x) of one m×n map on the host (see GaussPriorOp).
func (o *GaussPriorOp) G(x []float64) float64 {
	f := fft2(x, o.m, o.n)
	g := 0.0
	for i, v := range f {
		g += o.w[i] * (real(v)*real(v) + imag(v)*imag(v))
	}
	return g
}
