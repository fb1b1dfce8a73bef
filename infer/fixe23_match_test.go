package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestFixe23MatchBinnedSpectrumEmptyBin: x = 0.7 + cos(2π·3j/16) +
// 1e-9·cos(2π·6i/16) (power in the bins holding |k| = 3 and 6, the second
// 1e-18 of the first) given the spectrum of white noise gets the noise's P
// in those two bins to rounding, keeps its mean 0.7, and is 0 in every
// other bin, where x has the FFT's rounding only (~1e-31). The old code
// blew that rounding up to ref's power (P 0.82–1.19 in bins 0, 2, 4, 5)
// against its doc's "a bin where x has no power becomes 0".
func TestFixe23MatchBinnedSpectrumEmptyBin(t *testing.T) {
	const m, n = 16, 16
	ref, err := datasets.WhiteNoise(m, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, m*n)
	for i := range m {
		for j := range n {
			x[i*n+j] = 0.7 + math.Cos(2*math.Pi*3*float64(j)/n) + 1e-9*math.Cos(2*math.Pi*6*float64(i)/n)
		}
	}
	got, err := MatchBinnedSpectrum(x, ref, m, n)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, v := range got {
		mean += v / (m * n)
	}
	if math.Abs(mean-0.7) > 1e-12 {
		t.Errorf("mean %.15g, x's 0.7", mean)
	}
	px, pr, pg := IsoPowerSpectrum(x, m, n), IsoPowerSpectrum(ref, m, n), IsoPowerSpectrum(got, m, n)
	matched, empty := 0, 0
	for b := range pr.P {
		if pr.P[b] <= 0 {
			t.Fatalf("bin %d: white noise with no power", b)
		}
		if px.P[b] > 1e-25 {
			matched++
			if math.Abs(pg.P[b]/pr.P[b]-1) > 1e-9 {
				t.Errorf("bin %d (x has power): P %.10g, ref's %.10g", b, pg.P[b], pr.P[b])
			}
			continue
		}
		empty++
		if pg.P[b] > 1e-20 {
			t.Errorf("bin %d (x has none): P %.3g, want 0 (ref's %.3g not put in)", b, pg.P[b], pr.P[b])
		}
	}
	if matched != 2 || empty < 3 {
		t.Errorf("%d bins with x's power, %d without: want 2 and ≥ 3", matched, empty)
	}
}
