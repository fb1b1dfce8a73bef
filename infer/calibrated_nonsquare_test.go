package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// exactField returns an m×n map whose |FFT|²/(MN) is the grid spectrum pg
// exactly (random phases).
func exactField(pg []float64, m, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, m*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	f := fft2(x, m, n)
	for i := range f {
		if a := math.Hypot(real(f[i]), imag(f[i])); a > 0 {
			f[i] *= complex(math.Sqrt(pg[i]*float64(m*n))/a, 0)
		}
	}
	return ifft2Real(f, m, n)
}

// TestCalibratedBinsNonSquare: the calibrated per-bin powers of the
// components read the models' spectra at the physical frequency of the
// data's modes, also on a non-square map (where a mode k along the long axis
// is a lower frequency than the same k along the short one). The data is the
// exact sum of the two model spectra: the calibration should return them.
func TestCalibratedBinsNonSquare(t *testing.T) {
	const p = 32
	ref := IsoPowerSpectrum(make([]float64, p*p), p, p)
	mk := func(slope float64) *ComponentModel {
		c := &ComponentModel{}
		for b := range ref.P {
			k := math.Sqrt(ref.Edges[b] * ref.Edges[b+1])
			c.PSK = append(c.PSK, k)
			v := math.Pow(k/float64(p), slope)
			c.PS = append(c.PS, v)
			c.PSLogMean = append(c.PSLogMean, math.Log(v))
			c.PSLogStd = append(c.PSLogStd, 0.5)
		}
		return c
	}
	comps := []SepComponent{{Name: "steep", Model: mk(-3)}, {Name: "flat", Model: mk(-0.5)}}
	for _, sz := range [][2]int{{64, 64}, {64, 128}, {128, 64}} {
		m, n := sz[0], sz[1]
		pg := make([]float64, m*n)
		for c := range comps {
			g := spectrumGrid(comps[c].Model.PSK, comps[c].Model.PS, p, m, n)
			for i := range pg {
				pg[i] += g[i]
			}
		}
		d := &stlayer.Maps{B: 1, M: m, N: n, Data: exactField(pg, m, n, 7)}
		pd, pb := calibratedBins(d, comps, p)
		worst := 0.0
		for b := range pd.P {
			if pd.Count[b] == 0 {
				continue
			}
			f := pd.K[b] / float64(min(m, n))
			for c := range comps {
				k := make([]float64, len(comps[c].Model.PSK))
				for i, v := range comps[c].Model.PSK {
					k[i] = v / p
				}
				want := spectrumAt(k, comps[c].Model.PS, f)
				worst = math.Max(worst, math.Abs(math.Log(pb[c][b]/want)))
			}
		}
		t.Logf("%d×%d: worst |log(calibrated/model)| %.3f", m, n, worst)
		if worst > 0.25 {
			t.Errorf("%d×%d: calibrated bin powers off the models' spectra by up to a factor %.2f", m, n, math.Exp(worst))
		}
	}
}
