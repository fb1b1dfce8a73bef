package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSynthLossOtherSizeSaysSizes: a statistic built for 32² maps given a
// 48×64 target (NewSynthLoss, NewTarget) or 48×64 maps (Loss.Eval) is an
// input error naming both sizes and how to build it, before any engine call.
// A 64²-built scov operator given a 256² target answered with the engine's
// internals ('filter bank "morlet-cheng j0 L4 64x64" is K=4 64x64 (16384
// dense values, 0 run lists), field is 256x256').
func TestSynthLossOtherSizeSaysSizes(t *testing.T) {
	eng := cpu.New()
	small, big := biMaps(1, 32, 32, 1), biMaps(2, 48, 64, 2)
	for _, sp := range []stats.Spec{
		{Kind: stats.SCov, J: 3, Iso: true},
		{Kind: stats.WPH, J: 3},
		{Kind: stats.WST, J: 3, Synthesis: true, Iso: true},
	} {
		op, err := stats.BuildWithRef(sp, eng, small)
		if err != nil {
			t.Fatal(err)
		}
		want := "statistic s was built for maps of 32×32, the target maps are 48×64: build it for their size (stats.BuildWithRef(spec, eng, maps) does"
		_, err = NewSynthLoss(eng, "s", op, big, GenerateConfig{})
		if err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: NewSynthLoss: %v, want an input error containing %q", sp, err, want)
		}
		_, err = NewTarget("s", eng, op, big, WeightStd)
		if err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: NewTarget: %v, want an input error containing %q", sp, err, want)
		}
		l, err := NewSynthLoss(eng, "s", op, small, GenerateConfig{})
		if err != nil {
			t.Fatal(err)
		}
		want = "statistic s was built for maps of 32×32, the maps are 48×64"
		if _, _, _, err := l.Eval(big); err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: Loss.Eval: %v, want an input error containing %q", sp, err, want)
		}
		if v, _, _, err := l.Eval(small); err != nil || v != 0 {
			t.Errorf("%v: Loss.Eval on the target: %v, %v; want 0, nil", sp, v, err)
		}
	}
}
