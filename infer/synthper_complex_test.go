package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSynthLossRefusesComplexWPH: a complex WPH operator (stats.Spec.Complex,
// a (Q, U) pair stacked by rows as one 2M×N input) with a stacked target
// was accepted by NewSynthLoss, so that Generate synthesised the stack as one
// real image. It is an input error; the real WPH of the same maps is not.
func TestSynthLossRefusesComplexWPH(t *testing.T) {
	eng := cpu.New()
	qu := biMaps(1, 64, 32, 3) // (Q, U) of 32×32 stacked by rows
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WPH, J: 3, Complex: true}, eng, qu)
	if err != nil {
		t.Fatal(err)
	}
	if r, c, ok := stats.InputSize(op); !ok || r != 64 || c != 32 {
		t.Fatalf("complex op input size %d×%d (%v), want 64×32", r, c, ok)
	}
	_, err = NewSynthLoss(eng, "wph", op, qu, GenerateConfig{})
	want := "synthesis takes real maps; the complex WPH of a (Q, U) pair is a statistic of stkit stats only"
	if err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), want) {
		t.Errorf("complex WPH: NewSynthLoss: %v; want an input error containing %q", err, want)
	}
	real, err := stats.BuildWithRef(stats.Spec{Kind: stats.WPH, J: 3}, eng, qu)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSynthLoss(eng, "wph", real, qu, GenerateConfig{}); err != nil {
		t.Errorf("real WPH of the 64×32 map: %v", err)
	}
}
