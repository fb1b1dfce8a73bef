package infer

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The spectrum plots of the reports labelled the power axis "P(k)" with no
// normalisation; it now states IsoPowerSpectrum's: mean |FFT x|² / (M·N),
// so that white noise of variance σ² sits at P = σ². Checks the label and
// that the convention it states is the one computed.
func TestPSAxisLabelStatesNormalisation(t *testing.T) {
	if !strings.Contains(psAxisLabel, "|FFT x|²") || !strings.Contains(psAxisLabel, "MN") {
		t.Errorf("power axis label %q does not state the normalisation", psAxisLabel)
	}
	const m, n, sigma = 64, 64, 2.0
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, m*n)
	for i := range x {
		x[i] = sigma * r.NormFloat64()
	}
	ps := IsoPowerSpectrum(x, m, n)
	var sum, cnt float64
	for b, p := range ps.P {
		sum += p * float64(ps.Count[b])
		cnt += float64(ps.Count[b])
	}
	if got := sum / cnt; math.Abs(got-sigma*sigma) > 0.1*sigma*sigma {
		t.Errorf("white noise σ² = %g: mean P over the modes %g, want ≈ σ² (the label's normalisation)", sigma*sigma, got)
	}
}
