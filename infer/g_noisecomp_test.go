package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestNoiseComponentLogSpectrum: NoiseComponent's PSLogMean and PSLogStd
// are, as for a cluster of patches (the format's ps_logmean, ps_logstd),
// the mean and std over white-noise patches of log P per bin, measured here
// over 3000 32² patches. They were 2 log σ and 1/√n_b, n_b the bin's mode
// count: the std √2 too small (0.50 against 0.80 in the first bin; the
// modes come in pairs ±k of equal power) and the mean 0.27 too high there
// (log of a mean of few exponentials).
func TestNoiseComponentLogSpectrum(t *testing.T) {
	ms, _ := tinyModels(t)
	p := ms.Manifest.PatchSize
	const sigma = 0.7
	c, err := NoiseComponent(cpu.New(), ms, sigma, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	const draws = 3000
	nb := len(c.PS)
	m, v := make([]float64, nb), make([]float64, nb)
	for d := 0; d < draws; d++ {
		x := gNoise(p, p, uint64(100+d))
		for i := range x {
			x[i] *= sigma
		}
		ps := IsoPowerSpectrum(x, p, p)
		for b, pv := range ps.P {
			l := math.Log(pv)
			m[b] += l / draws
			v[b] += l * l / draws
		}
	}
	for b := range m {
		sd := math.Sqrt((v[b] - m[b]*m[b]) * draws / (draws - 1))
		se := sd / math.Sqrt(draws)
		t.Logf("bin %d: log mean %.4f (model %.4f), std %.4f (model %.4f)", b, m[b], c.PSLogMean[b], sd, c.PSLogStd[b])
		if math.Abs(m[b]-c.PSLogMean[b]) > 4*se+1e-3 {
			t.Errorf("bin %d: mean log P %.4f ± %.4f, model %.4f", b, m[b], se, c.PSLogMean[b])
		}
		if math.Abs(sd/c.PSLogStd[b]-1) > 0.06 {
			t.Errorf("bin %d: std of log P %.4f, model %.4f", b, sd, c.PSLogStd[b])
		}
	}
}
