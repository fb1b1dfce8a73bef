package infer

import "math"

// referenceSpectrumGrid is the spectrum of SampleComponent's reference map
// (the GRF start, componentReferenceMap): spectrumGrid of the cluster's
// binned spectrum (read at f = |k|/size cycles per pixel), but beyond the
// last bin's mean |k|, k_L, a power law P_L·(|k|/k_L)^s instead of
// spectrumGrid's constant P_L. The slope s ≤ 0 makes the mean power of the
// patch's modes beyond the bins (|k| ≥ p/2, the corner bin of
// NewPSOpCorner) P_L·exp(ps_corner_log mean − ps_logmean_L), the
// corner target of SampleComponent's power-spectrum term; without
// ps_corner_log, it is the log–log slope of the last two bins (0 with
// fewer bins or a rising spectrum).
//
// With the constant, the starts of a Quijote cluster (64², model mean, no
// scatter, 4 maps) carried 2.65 and 6.38× the patches' power in the rings
// |k| = 32–38 and 38–45 (CornerPS), and 300 L-BFGS steps, which pulled the
// corner total to its target, left 0.76 and 1.54×: neither the statistic
// nor the one corner bin constrains where in the corner the power sits.
// With the power law: starts 0.94 and 1.01×, samples 0.86 and 0.77× (the
// bins' 0.86–0.89); with the scatter, seeds 2 and 3, outer ring 0.97 and
// 1.36× against 1.34 and 1.68×. On a 32² Quijote model (J = 3, 8 maps)
// the starts improve alike (1.05 and 1.36× against 2.6 and 7.2×) but the
// samples do not (outer ring 3.9–4.1× either way, model mean): there the
// optimisation itself moves power to the outer ring.
func referenceSpectrumGrid(c *ComponentModel, p, m, n int) []float64 {
	pg := spectrumGrid(c.PSK, c.PS, p, m, n)
	nb := len(c.PS)
	if nb < 2 || !(c.PS[nb-1] > 0) || !(c.PS[nb-2] > 0) || !(c.PSK[nb-1] > c.PSK[nb-2]) || !(c.PSK[nb-2] > 0) {
		return pg
	}
	kl := c.PSK[nb-1]
	s := math.Min(0, math.Log(c.PS[nb-1]/c.PS[nb-2])/math.Log(kl/c.PSK[nb-2]))
	if len(c.PSCornerLog) == 2 && len(c.PSLogMean) == nb && p >= 2 {
		// mean over the patch's corner modes of (|k|/k_L)^s = R, by
		// bisection (the mean falls with s from 1 at s = 0)
		var lk []float64
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				if k := modeK(i, j, p, p); k >= float64(p)/2 {
					lk = append(lk, math.Log(k/kl))
				}
			}
		}
		r := math.Exp(c.PSCornerLog[0] - c.PSLogMean[nb-1])
		mean := func(s float64) float64 {
			t := 0.0
			for _, v := range lk {
				t += math.Exp(s * v)
			}
			return t / float64(len(lk))
		}
		switch {
		case len(lk) == 0 || math.IsNaN(r):
		case r >= mean(0):
			s = 0
		default:
			lo, hi := -64.0, 0.0
			for it := 0; it < 60; it++ {
				mid := (lo + hi) / 2
				if mean(mid) > r {
					hi = mid
				} else {
					lo = mid
				}
			}
			s = (lo + hi) / 2
		}
	}
	if s == 0 {
		return pg
	}
	fl := kl / float64(p) // cycles per pixel
	for i := 0; i < m; i++ {
		fi := float64(freq(i, m)) / float64(m)
		for j := 0; j < n; j++ {
			fj := float64(freq(j, n)) / float64(n)
			if f := math.Hypot(fi, fj); f > fl {
				pg[i*n+j] = c.PS[nb-1] * math.Pow(f/fl, s)
			}
		}
	}
	return pg
}
