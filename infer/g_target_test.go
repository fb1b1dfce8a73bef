package infer

import (
	"errors"
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
