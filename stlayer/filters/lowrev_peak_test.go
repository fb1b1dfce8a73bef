package filters

import (
	"math"
	"testing"
)

// TestMorletChengSampledPeak pins MorletCheng's statement on how the grid
// samples the peak 1 − exp(−0.36π²) ≈ 0.9714: within 5e−3 while
// min(M, N)/2^j ≥ 32, and short of it at coarser scales (the doc said "to
// within a few 1e−3 at every scale"; on 64², L = 8 the largest value of
// j = 3 is 0.9338).
func TestMorletChengSampledPeak(t *testing.T) {
	want := 1 - math.Exp(-0.36*math.Pi*math.Pi)
	for _, c := range []struct{ M, N, J, L int }{{64, 64, 4, 8}, {64, 96, 4, 4}} {
		b := MorletCheng(c.M, c.N, c.J, c.L)
		for j := 0; j < c.J; j++ {
			lowest := math.Inf(1)
			for l := 0; l < c.L; l++ {
				peak := 0.0
				for _, v := range b.Filter(j*c.L + l) {
					peak = math.Max(peak, v)
				}
				if peak > want+2e-3 {
					t.Errorf("%dx%d L=%d j=%d l=%d: peak %.4f above %.4f", c.M, c.N, c.L, j, l, peak, want)
				}
				lowest = math.Min(lowest, peak)
			}
			coarse := min(c.M, c.N)>>j < 32
			switch {
			case !coarse && want-lowest > 5e-3:
				t.Errorf("%dx%d L=%d j=%d: lowest peak %.4f, want within 5e-3 of %.4f", c.M, c.N, c.L, j, lowest, want)
			case coarse && (want-lowest > 0.04 || want-lowest < 0.005):
				t.Errorf("%dx%d L=%d j=%d: lowest peak %.4f, the doc says short of %.4f by 0.5–4 %%", c.M, c.N, c.L, j, lowest, want)
			}
			if c.L == 8 && min(c.M, c.N)>>j == 8 && math.Abs(lowest-0.934) > 5e-4 {
				t.Errorf("%dx%d L=8 j=%d: lowest peak %.4f, the doc says 0.934", c.M, c.N, j, lowest)
			}
		}
	}
}
