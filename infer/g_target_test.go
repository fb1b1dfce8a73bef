package infer

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestNewTargetNonFiniteStatistic: target maps whose statistic is not
// finite (a constant map under Cheng's normalised synthesis vector, which
// divides by the map's power) are an input error naming the coefficient,
// which NewTarget's doc did not list.
func TestNewTargetNonFiniteStatistic(t *testing.T) {
	const m = 16
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4, Synthesis: true, Iso: true}, m, m)
	if err != nil {
		t.Fatal(err)
	}
	flat := stlayer.NewMaps(1, m, m)
	for i := range flat.Data {
		flat.Data[i] = 2
	}
	_, err = NewTarget("flat", cpu.New(), op, flat, WeightMean)
	if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "not finite at coefficient") {
		t.Errorf("constant target: %v; want an input error naming the coefficient", err)
	}
	if _, err := NewTarget("noise", cpu.New(), op, gMaps(m, 1), WeightMean); err != nil {
		t.Errorf("white-noise target: %v", err)
	}
}

// TestSynthLossPSWeight pins GenerateConfig.PSWeight's doc: the
// power-spectrum term matches the half-octave bins and the corner bin
// (|k| ≥ min(M, N)/2; the doc named the half-octave bins only), each with
// PSWeight × the mean weight of the statistic term's coefficients (1/K for
// this dimensionless statistic with mean weights); the histogram term is
// HistWeight × that mean weight / σ² of the target. With std weights the
// bins and the histogram are whitened by the target set's spreads
// (TestWPHWeight18PSHistWeights).
func TestSynthLossPSWeight(t *testing.T) {
	const m = 32
	op, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 3, L: 4, Synthesis: true, Iso: true}, m, m)
	if err != nil {
		t.Fatal(err)
	}
	target := gMaps(m, 1, 2, 3)
	for _, mode := range []WeightMode{WeightMean} {
		loss, err := NewSynthLoss(cpu.New(), "t", op, target, GenerateConfig{Weights: mode, PSWeight: 2.5, HistWeight: 4})
		if err != nil {
			t.Fatal(err)
		}
		if len(loss.Terms) != 2 || len(loss.Pixel) != 1 {
			t.Fatalf("%d terms, %d pixel terms", len(loss.Terms), len(loss.Pixel))
		}
		mw := mean(loss.Terms[0].Weight) * loss.Terms[0].scale()
		ps := loss.Terms[1]
		nb := len(IsoPowerSpectrum(target.Map(0), m, m).P)
		if ps.Op.Labels().Len() != nb+1 || !strings.HasPrefix(ps.Op.Key(), "logps+corner") {
			t.Errorf("%v: the PS term has %d coefficients (%s), want %d bins + the corner", mode, ps.Op.Labels().Len(), ps.Op.Key(), nb)
		}
		for b, w := range ps.Weight {
			if got := w * ps.scale(); math.Abs(got-2.5*mw) > 1e-12*mw {
				t.Errorf("%v: bin %d weighs %g, want 2.5 × %g", mode, b, got, mw)
			}
		}
		_, sd, _, _ := Moments(target.Data)
		if h := loss.Pixel[0].(*HistogramTerm); math.Abs(h.Scale-4*mw/(sd*sd)) > 1e-12*h.Scale {
			t.Errorf("%v: histogram scale %g, want 4 × %g / σ² = %g", mode, h.Scale, mw, 4*mw/(sd*sd))
		}
	}
}
