package infer

import (
	"math"
	"testing"
)

// TestReferenceSpectrumGridCorner: SampleComponent's GRF start held the
// last bin's power constant out to the corners of the Fourier plane (2.6–2.65
// and 6.4–7.2× the patches' power in the rings |k| = p/2–2^¼p/2 and beyond,
// Quijote models of 32² and 64²), and on 64² the samples kept 1.3–1.7× in the
// outer ring. referenceSpectrumGrid continues the spectrum as a power law
// beyond the last bin's mean |k|: on the p×p grid the mean power of the
// corner modes is the corner target, P_L·exp(ps_corner_log − ps_logmean_L);
// below k_L the grid is spectrumGrid's; without ps_corner_log the slope is
// that of the last two bins; a flat or rising end, or a corner target above
// P_L, keeps spectrumGrid.
func TestReferenceSpectrumGridCorner(t *testing.T) {
	const p = 32
	ps0 := IsoPowerSpectrum(samplehk18Field(1, 3, 1, 5).Map(0), p, p)
	nb := len(ps0.K)
	c := &ComponentModel{PSK: ps0.K, PS: make([]float64, nb), PSLogMean: make([]float64, nb)}
	for i, k := range ps0.K {
		c.PS[i] = 10 * math.Pow(k, -3)
		c.PSLogMean[i] = math.Log(c.PS[i]) - 0.1
	}
	kl := c.PSK[nb-1]
	const dc = -1.5 // corner log power below the last bin's
	c.PSCornerLog = []float64{c.PSLogMean[nb-1] + dc, 0.2}
	for _, size := range []int{p, 48} {
		base := spectrumGrid(c.PSK, c.PS, p, size, size)
		pg := referenceSpectrumGrid(c, p, size, size)
		for i := 0; i < size; i++ {
			for j := 0; j < size; j++ {
				f := modeK(i, j, size, size) / float64(size)
				v, b := pg[i*size+j], base[i*size+j]
				if f <= kl/float64(p) && v != b {
					t.Fatalf("size %d, f %.3g ≤ k_L: %g, spectrumGrid %g", size, f, v, b)
				}
				if f > kl/float64(p) && !(v < c.PS[nb-1]) {
					t.Fatalf("size %d, f %.3g > k_L: %g, not below P_L %g", size, f, v, c.PS[nb-1])
				}
			}
		}
	}
	pg := referenceSpectrumGrid(c, p, p, p)
	sum, n := 0.0, 0
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			if modeK(i, j, p, p) >= p/2 {
				sum += pg[i*p+j]
				n++
			}
		}
	}
	if got, want := sum/float64(n), c.PS[nb-1]*math.Exp(dc); math.Abs(got/want-1) > 1e-6 {
		t.Errorf("mean corner power %g, want %g", got, want)
	}
	// without the corner statistic: the slope of the last two bins (−3)
	c2 := *c
	c2.PSCornerLog = nil
	pg2 := referenceSpectrumGrid(&c2, p, p, p)
	i, j := p/2, p/2 // |k| = √2·p/2
	f := math.Sqrt2 * p / 2
	if want := c.PS[nb-1] * math.Pow(f/kl, -3); math.Abs(pg2[i*p+j]/want-1) > 1e-9 {
		t.Errorf("no corner statistic: P(%.3g) = %g, want %g", f, pg2[i*p+j], want)
	}
	// a corner target above the last bin, or a rising end: spectrumGrid's
	c3 := *c
	c3.PSCornerLog = []float64{c.PSLogMean[nb-1] + 0.5, 0.2}
	c4 := c2
	c4.PS = append([]float64(nil), c.PS...)
	c4.PS[nb-1] = 2 * c4.PS[nb-2]
	for name, cc := range map[string]*ComponentModel{"corner above": &c3, "rising": &c4} {
		base := spectrumGrid(cc.PSK, cc.PS, p, p, p)
		got := referenceSpectrumGrid(cc, p, p, p)
		for q := range got {
			if got[q] != base[q] {
				t.Fatalf("%s: mode %d: %g, spectrumGrid %g", name, q, got[q], base[q])
			}
		}
	}
}
