package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// powerLawGrid is the m×n grid spectrum a·f^slope (f the mode's frequency
// in cycles per pixel, DC 0).
func powerLawGrid(m, n int, a, slope float64) []float64 {
	pg := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if f := math.Hypot(float64(freq(i, m))/float64(m), float64(freq(j, n))/float64(n)); f > 0 {
				pg[i*n+j] = a * math.Pow(f, slope)
			}
		}
	}
	return pg
}

// TestEvaluateSeparationCriteriaByHand: on a toy with a steep signal s
// (f⁻³) and a white contaminant c crossing it mid-range, and s̃ = s + 0.3 c
// (a separation that left 30 % of the contaminant's amplitude), the
// criteria of EvaluateSeparation are recomputed here from the spectra and
// r(k) alone (methods.md §3.9): the bins where P_c ≤ 10 P_s (c = d − s)
// carry the max and mean |P_s̃/P_s − 1|, the bins where P_c ≤ P_s the min
// r(s, s̃), and in this toy both selections are proper subsets that start
// at the lowest bin.
func TestEvaluateSeparationCriteriaByHand(t *testing.T) {
	const m = 64
	s := exactField(powerLawGrid(m, m, 1, -3), m, m, 1)
	c := exactField(powerLawGrid(m, m, 300, 0), m, m, 2)
	d, sep := make([]float64, m*m), make([]float64, m*m)
	for i := range d {
		d[i] = s[i] + c[i]
		sep[i] = s[i] + 0.3*c[i]
	}
	mk := func(x []float64) *stlayer.Maps { return &stlayer.Maps{B: 1, M: m, N: m, Data: x} }
	sm, err := EvaluateSeparation(mk(d), mk(sep), nil, mk(s))
	if err != nil {
		t.Fatal(err)
	}
	ps, pc, pe := IsoPowerSpectrum(s, m, m), IsoPowerSpectrum(c, m, m), IsoPowerSpectrum(sep, m, m)
	_, r := CrossSpectrumR(s, sep, m, m)
	var binsPS, binsR []int
	maxDev, meanDev, minR := 0.0, 0.0, math.Inf(1)
	for b := range ps.P {
		if pc.P[b] <= 10*ps.P[b] {
			binsPS = append(binsPS, b)
			dev := math.Abs(pe.P[b]/ps.P[b] - 1)
			maxDev = math.Max(maxDev, dev)
			meanDev += dev
		}
		if pc.P[b] <= ps.P[b] {
			binsR = append(binsR, b)
			minR = math.Min(minR, r[b])
		}
	}
	meanDev /= float64(len(binsPS))
	t.Logf("bins P_c ≤ 10 P_s %v, ≤ P_s %v; max |ratio−1| %.4f, min r %.4f", binsPS, binsR, maxDev, minR)
	if len(binsR) == 0 || len(binsPS) <= len(binsR) || len(binsPS) == len(ps.P) || binsR[0] != 0 {
		t.Fatalf("toy does not exercise the selections: %v, %v of %d bins", binsPS, binsR, len(ps.P))
	}
	eq := func(a, b []int) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	if !eq(sm.BinsPS, binsPS) || !eq(sm.BinsR, binsR) {
		t.Errorf("bins %v and %v, by hand %v and %v", sm.BinsPS, sm.BinsR, binsPS, binsR)
	}
	for _, v := range []struct {
		name      string
		got, want float64
	}{{"max |P_s̃/P_s − 1|", sm.PSMaxDev, maxDev}, {"mean |P_s̃/P_s − 1|", sm.PSMeanDev, meanDev}, {"min r", sm.RMin, minR}} {
		if math.Abs(v.got-v.want) > 1e-12*(1+math.Abs(v.want)) {
			t.Errorf("%s = %.12g, by hand %.12g", v.name, v.got, v.want)
		}
	}
	if sm.PSTargetMet != (maxDev <= SepPSTolerance) || sm.RTargetMet != (minR >= SepRMin) {
		t.Errorf("targets met: PS %v, r %v; by hand %v, %v", sm.PSTargetMet, sm.RTargetMet, maxDev <= SepPSTolerance, minR >= SepRMin)
	}
	// With s̃ = s exactly every criterion is perfect.
	sm, err = EvaluateSeparation(mk(d), mk(s), nil, mk(s))
	if err != nil {
		t.Fatal(err)
	}
	if sm.PSMaxDev > 1e-12 || math.Abs(sm.RMin-1) > 1e-12 || !sm.PSTargetMet || !sm.RTargetMet {
		t.Errorf("s̃ = s: max dev %g, min r %g, targets %v %v", sm.PSMaxDev, sm.RMin, sm.PSTargetMet, sm.RTargetMet)
	}
}

// TestEvaluateModelSeparationDominantByHand: for two components of
// crossing spectra (f⁻³ and white) and estimates that each keep 40 % of the
// other component's amplitude, PowerFraction, the dominant bins (share ≥
// DominantFraction = 0.3), RMinDominant, PSMaxDevDominant and RData are
// recomputed here from IsoPowerSpectrum and CrossSpectrumR; the estimates
// equal to the truths give r = 1 and ratio 1 in every dominant bin.
func TestEvaluateModelSeparationDominantByHand(t *testing.T) {
	const m = 32
	a := exactField(powerLawGrid(m, m, 1, -3), m, m, 4)
	b := exactField(powerLawGrid(m, m, 120, 0), m, m, 5)
	truth := &stlayer.Maps{B: 2, M: m, N: m, Data: append(append([]float64(nil), a...), b...)}
	est := stlayer.NewMaps(2, m, m)
	for i := range a {
		est.Data[i] = a[i] + 0.4*b[i]
		est.Data[m*m+i] = b[i] + 0.4*a[i]
	}
	got, err := EvaluateModelSeparation(est, truth, []string{"steep", "white"})
	if err != nil {
		t.Fatal(err)
	}
	sum := make([]float64, m*m)
	for i := range sum {
		sum[i] = a[i] + b[i]
	}
	pt := []*PowerSpectrum{IsoPowerSpectrum(a, m, m), IsoPowerSpectrum(b, m, m)}
	for c := 0; c < 2; c++ {
		e, tr := est.Map(c), truth.Map(c)
		pe := IsoPowerSpectrum(e, m, m)
		_, r := CrossSpectrumR(e, tr, m, m)
		_, rd := CrossSpectrumR(sum, tr, m, m)
		nDom, minR, minRD, maxDev := 0, math.Inf(1), math.Inf(1), 0.0
		for k := range pe.P {
			frac := pt[c].P[k] / (pt[0].P[k] + pt[1].P[k])
			if math.Abs(got[c].PowerFraction[k]-frac) > 1e-12 {
				t.Errorf("%s bin %d: power fraction %g, by hand %g", got[c].Name, k, got[c].PowerFraction[k], frac)
			}
			if frac >= DominantFraction {
				nDom++
				minR, minRD = math.Min(minR, r[k]), math.Min(minRD, rd[k])
				maxDev = math.Max(maxDev, math.Abs(pe.P[k]/pt[c].P[k]-1))
			}
		}
		t.Logf("%s: %d dominant bins of %d, min r %.3f (data %.3f), max |ratio − 1| %.3f", got[c].Name, nDom, len(pe.P), minR, minRD, maxDev)
		if nDom == 0 || nDom == len(pe.P) {
			t.Fatalf("%s: %d dominant bins of %d: the toy does not exercise the selection", got[c].Name, nDom, len(pe.P))
		}
		if got[c].DominantBins != nDom || math.Abs(got[c].RMinDominant-minR) > 1e-12 || math.Abs(got[c].RMinDominantData-minRD) > 1e-12 || math.Abs(got[c].PSMaxDevDominant-maxDev) > 1e-12 {
			t.Errorf("%s: %d bins, min r %g (data %g), max dev %g; by hand %d, %g (%g), %g", got[c].Name, got[c].DominantBins, got[c].RMinDominant, got[c].RMinDominantData, got[c].PSMaxDevDominant, nDom, minR, minRD, maxDev)
		}
	}
	perfect, err := EvaluateModelSeparation(truth, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, mc := range perfect {
		if math.Abs(mc.RMinDominant-1) > 1e-12 || mc.PSMaxDevDominant > 1e-12 {
			t.Errorf("estimate = truth %s: min r %g, max dev %g", mc.Name, mc.RMinDominant, mc.PSMaxDevDominant)
		}
	}
}
