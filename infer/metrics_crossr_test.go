package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// scaleBin returns x with the modes of bin b of IsoPowerSpectrum (|k| in
// [Edges[b], Edges[b+1])) multiplied by s.
func scaleBin(x []float64, m, n, b int, s float64) []float64 {
	e := IsoPowerSpectrum(x, m, n).Edges
	f := fft2(x, m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if k := modeK(i, j, m, n); k >= e[b] && k < e[b+1] {
				f[i*n+j] *= complex(s, 0)
			}
		}
	}
	return ifft2Real(f, m, n)
}

// TestCrossSpectrumRBandLimited: an estimate without power in one bin (a
// band-limited map: there its FFT holds only rounding, ~1e-31 of its
// variance) has no r(k) there (NaN, which the reports count as −1, a
// failure), and r stays in [−1, 1] in every bin. CrossSpectrumR took the
// cross spectrum from P_{a+b} − P_a − P_b, whose rounding (≈ 1e-16 P_a)
// dominated the true cross power √(P_a P_b) in such a bin: r was −1.18
// there on this 32² toy. A bin scaled by 1e-9 (power 1e-18 of the other
// map's) still has r = 1.
func TestCrossSpectrumRBandLimited(t *testing.T) {
	const m = 32
	a := exactField(powerLawGrid(m, m, 1, -3), m, m, 4)
	for _, c := range []struct {
		scale float64
		want  float64 // r in bin 3; NaN: none
	}{{0, math.NaN()}, {1e-9, 1}, {-1e-9, -1}} {
		est := scaleBin(a, m, m, 3, c.scale)
		_, r := CrossSpectrumR(est, a, m, m)
		for b, v := range r {
			if math.Abs(v) > 1+1e-12 {
				t.Errorf("scale %g bin %d: r = %g, outside [−1, 1]", c.scale, b, v)
			}
		}
		if math.IsNaN(c.want) != math.IsNaN(r[3]) || (!math.IsNaN(c.want) && math.Abs(r[3]-c.want) > 1e-6) {
			t.Errorf("scale %g: r in bin 3 = %g, want %g", c.scale, r[3], c.want)
		}
		for b, v := range r {
			if b != 3 && math.Abs(v-1) > 1e-9 {
				t.Errorf("scale %g bin %d: r = %g, want 1", c.scale, b, v)
			}
		}
	}
}

// TestModelSepRMinDominantNoPower: an estimate without power in a bin its
// truth dominates has no r there (NaN); RMinDominant counts it as −1 (a
// failure), as EvaluateSeparation's RMin does, instead of taking the min
// over the other dominant bins only (it read 1 on this toy).
func TestModelSepRMinDominantNoPower(t *testing.T) {
	const m = 32
	a := exactField(powerLawGrid(m, m, 1, -3), m, m, 4)
	b := exactField(powerLawGrid(m, m, 120, 0), m, m, 5)
	truth := &stlayer.Maps{B: 2, M: m, N: m, Data: append(append([]float64(nil), a...), b...)}
	est := &stlayer.Maps{B: 2, M: m, N: m, Data: append(append([]float64(nil), scaleBin(a, m, m, 3, 0)...), b...)}
	got, err := EvaluateModelSeparation(est, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].PowerFraction[3] < DominantFraction || got[0].R[3] != -1 {
		t.Fatalf("toy: bin 3 power fraction %g, r %g (want dominant, no r)", got[0].PowerFraction[3], got[0].R[3])
	}
	if got[0].RMinDominant != -1 {
		t.Errorf("RMinDominant %g with a dominant bin the estimate has no power in, want −1", got[0].RMinDominant)
	}
	if got[1].RMinDominant < 1-1e-9 {
		t.Errorf("exact component: RMinDominant %g, want 1", got[1].RMinDominant)
	}
}
