package infer

import (
	"math"
	"math/cmplx"

	"github.com/stkit-org/stkit/stlayer"
)

// WienerEstimate returns the linear (Wiener) estimate of the component s in
// d = s + r, built from the data and samples of r only (no truth): r = c
// (+ n), the contaminant samples and, when given, the noise samples (either
// may be nil, not both). Its Fourier transform is
//
//	ŝ(k) = W(κ) d̂(k),  W(κ) = max(P_d(κ) − ⟨P_r⟩(κ), 0) / P_d(κ)
//
// for k ≠ 0, where κ = round(|k|) is the integer annulus of the mode (|k| in
// cycles per min(M, N) pixels, as PowerSpectrum), P_d(κ) the mean of
// |d̂(k)|²/(MN) over the annulus, and ⟨P_r⟩(κ) the same for each sample,
// averaged over the samples (contaminant plus noise: their spectra add, the
// two being independent). P_d − ⟨P_r⟩ is the debiased estimate of P_s, so W
// is P_s/(P_s + P_r). The mean (k = 0) is mean(d) − m_r, with m_r =
// SampleMean(contaminant) + SampleMean(noise), the contaminant's mean. The
// result is one M×N map.
//
// Data that is not one map, no samples, samples of another size than the
// data, or maps that are empty or whose Data length is not B·M·N are input
// errors (ErrModelInput).
func WienerEstimate(d, contaminant, noise *stlayer.Maps) (*stlayer.Maps, error) {
	if err := checkMaps("data", d, 1); err != nil {
		return nil, err
	}
	if contaminant == nil && noise == nil {
		return nil, inputErrorf("Wiener estimate: contaminant or noise samples are needed")
	}
	M, N := d.M, d.N
	var samples []*stlayer.Maps
	for _, s := range []struct {
		name string
		x    *stlayer.Maps
	}{{"contaminant samples", contaminant}, {"noise samples", noise}} {
		if s.x == nil {
			continue
		}
		if err := checkMaps(s.name, s.x, 0); err != nil {
			return nil, err
		}
		if s.x.M != M || s.x.N != N {
			return nil, inputErrorf("%s are %d×%d maps, the data is %d×%d", s.name, s.x.M, s.x.N, M, N)
		}
		samples = append(samples, s.x)
	}
	ann := make([]int, M*N)
	nb := 0
	for i := 0; i < M; i++ {
		for j := 0; j < N; j++ {
			a := int(math.Round(modeK(i, j, M, N)))
			ann[i*N+j] = a
			nb = max(nb, a+1)
		}
	}
	count := make([]float64, nb)
	for _, a := range ann {
		count[a]++
	}
	// annulus means of |x̂|²/(MN)
	power := func(f []complex128, dst []float64, w float64) {
		for p, v := range f {
			dst[ann[p]] += w * (real(v)*real(v) + imag(v)*imag(v)) / (float64(M*N) * count[ann[p]])
		}
	}
	fd := fft2(d.Data, M, N)
	pd := make([]float64, nb)
	power(fd, pd, 1)
	pr := make([]float64, nb)
	for _, s := range samples {
		for b := 0; b < s.B; b++ {
			power(fft2(s.Map(b), M, N), pr, 1/float64(s.B))
		}
	}
	for p := range fd {
		if p == 0 {
			continue
		}
		a := ann[p]
		g := 0.0
		if pd[a] > 0 {
			g = math.Max(pd[a]-pr[a], 0) / pd[a]
		}
		fd[p] *= complex(g, 0)
	}
	fd[0] = 0
	x := ifft2Real(fd, M, N)
	mu, _, _, _ := Moments(d.Data)
	mu -= SampleMean(contaminant) + SampleMean(noise)
	for i := range x {
		x[i] += mu
	}
	return &stlayer.Maps{B: 1, M: M, N: N, Data: x}, nil
}

// SampleMean returns the mean over the samples of each sample's pixel mean
// (0 for nil or empty maps): the mean that a component described by these
// samples adds to the data.
func SampleMean(x *stlayer.Maps) float64 {
	if x == nil || len(x.Data) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x.Data {
		s += v
	}
	return s / float64(len(x.Data))
}

// meanBlind reports whether op does not see a constant added to a map:
// x holds a base map (or pair) first, then versions of it with a constant
// added (to one half of a pair each); the statistic of every version must
// equal the base's to 1e-9 of the coefficient's modulus plus the largest
// modulus. True for WPH, whose wavelet and scaling moments are computed on
// the centred map; false for the scattering covariance, whose first
// coefficient is the mean.
func meanBlind(eng stlayer.Engine, op StatOp, x *stlayer.Maps) (bool, error) {
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, 0, nil)
	if err != nil {
		return false, shapeAsInput(err)
	}
	a := c.Row(0)
	mx := 0.0
	for _, v := range a {
		mx = math.Max(mx, cmplx.Abs(v))
	}
	for b := 1; b < c.B; b++ {
		for k, v := range c.Row(b) {
			if cmplx.Abs(a[k]-v) > 1e-9*(cmplx.Abs(a[k])+mx) {
				return false, nil
			}
		}
	}
	return true, nil
}

// separationMeanBlind reports whether every statistic of the loss terms
// of a separation of d is blind to the mean of s̃ (meanBlind): the auto
// statistic, the cross statistic when a term of it is built (shifting
// either map of the pair), and the priors' statistics. Then the
// optimisation cannot move the mean of s̃ (its gradient has zero sum).
func separationMeanBlind(eng stlayer.Engine, p *SeparationProblem, setup *SeparationSetup) (bool, error) {
	d := p.Data
	_, sd, _, _ := Moments(d.Data)
	if !(sd > 0) || math.IsInf(sd, 0) {
		sd = 1
	}
	shifted := &stlayer.Maps{B: 1, M: d.M, N: d.N, Data: make([]float64, len(d.Data))}
	for i, v := range d.Data {
		shifted.Data[i] = v + sd
	}
	batch := func(ms ...*stlayer.Maps) *stlayer.Maps {
		x := &stlayer.Maps{B: len(ms), M: d.M, N: d.N}
		for _, m := range ms {
			x.Data = append(x.Data, m.Data...)
		}
		return x
	}
	ops := map[string]bool{}
	for _, t := range setup.Loss.Terms {
		if ops[t.Op.Key()] {
			continue
		}
		ops[t.Op.Key()] = true
		x := batch(d, shifted)
		if p.Stats != nil && p.Stats.Cross != nil && t.Op.Key() == p.Stats.Cross.Key() {
			// pairs (d, d), (d + σ, d), (d, d + σ)
			x = stackPairs(batch(d, shifted, d), batch(d, d, shifted))
		}
		ok, err := meanBlind(eng, t.Op, x)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// setFreeMean shifts the pixels of u not marked in frozen (nil: all) so
// that their mean is the mean of d over the same pixels minus m, and
// returns the shift applied.
func setFreeMean(u, d *stlayer.Maps, frozen []bool, m float64) float64 {
	var su, sdd, n float64
	for i := range u.Data {
		if frozen != nil && frozen[i] {
			continue
		}
		su += u.Data[i]
		sdd += d.Data[i]
		n++
	}
	if n == 0 {
		return 0
	}
	delta := (sdd-su)/n - m
	for i := range u.Data {
		if frozen == nil || !frozen[i] {
			u.Data[i] += delta
		}
	}
	return delta
}
