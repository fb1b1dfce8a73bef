package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestPowerSpectrumTermByHand: NewPowerSpectrumTerm's target is the mean
// over the target maps of log P per bin (a geometric-mean spectrum, not the
// log of the mean spectrum), the corner bin last (log of cornerPower), every
// coefficient weighs weight/nbins (nbins counting the corner bin), and the
// loss of a map is weight/nbins · Σ_b (log P_b(x) − target_b)², recomputed
// here from IsoPowerSpectrum and cornerPower.
func TestPowerSpectrumTermByHand(t *testing.T) {
	const m, n, w = 16, 12, 2.5
	eng := cpu.New()
	target := randMaps(3, m, n, 51, 1, 0)
	for i := range target.Map(1) {
		target.Map(1)[i] *= 4 // a brighter map: log-mean and mean differ
	}
	term, err := NewPowerSpectrumTerm(eng, target, w)
	if err != nil {
		t.Fatal(err)
	}
	logps := func(x []float64) []float64 {
		var l []float64
		for _, p := range IsoPowerSpectrum(x, m, n).P {
			l = append(l, math.Log(p))
		}
		return append(l, math.Log(cornerPower(x, m, n)))
	}
	nb := len(logps(target.Map(0)))
	if len(term.Target) != nb {
		t.Fatalf("%d target coefficients, want %d bins + the corner", len(term.Target), nb-1)
	}
	want := make([]float64, nb)
	for b := 0; b < target.B; b++ {
		for i, v := range logps(target.Map(b)) {
			want[i] += v / float64(target.B)
		}
	}
	for i := range want {
		if math.Abs(real(term.Target[i])-want[i]) > 1e-9 || math.Abs(term.Weight[i]*term.scale()-w/float64(nb)) > 1e-15 {
			t.Errorf("bin %d: target %g weight %g, by hand %g and %g", i, real(term.Target[i]), term.Weight[i]*term.scale(), want[i], w/float64(nb))
		}
	}
	x := randMaps(1, m, n, 52, 2, 0)
	l, _, _, err := (&Loss{Engine: eng, Terms: []*Term{term}}).Eval(x)
	if err != nil {
		t.Fatal(err)
	}
	byHand := 0.0
	for i, v := range logps(x.Data) {
		byHand += w / float64(nb) * (v - want[i]) * (v - want[i])
	}
	if math.Abs(l-byHand) > 1e-9*byHand {
		t.Errorf("loss %.12g, by hand %.12g", l, byHand)
	}
	// Zero at a single target map.
	one := &stlayer.Maps{B: 1, M: m, N: n, Data: target.Map(0)}
	t1, err := NewPowerSpectrumTerm(eng, one, w)
	if err != nil {
		t.Fatal(err)
	}
	if l, _, _, err := (&Loss{Engine: eng, Terms: []*Term{t1}}).Eval(one); err != nil || l > 1e-24 {
		t.Errorf("loss at the target map %g (%v), want 0", l, err)
	}
}
