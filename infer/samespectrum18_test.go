package infer

import (
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSynthSetSharingOneSpectrum: a set of phase-randomised surrogates of one
// map (`stkit surrogate`) shares its power spectrum exactly, so the PS term
// has no spread to whiten by under std weights. Since 02ba58b whitened it,
// NewSynthLoss refused such a set ("no coefficient varies … identical
// maps?", exit 2 from synth; it ran before): the PS bins now keep the mean
// weights there, and the loss is finite and positive at a white-noise start.
func TestSynthSetSharingOneSpectrum(t *testing.T) {
	eng := cpu.New()
	ref := logNormalTarget(t, 32, 5)
	target := stlayer.NewMaps(4, 32, 32)
	for b := 0; b < 4; b++ {
		x, err := datasets.GRFMatchingSpectrum(ref.Data, 32, 32, uint64(100+b))
		if err != nil {
			t.Fatal(err)
		}
		copy(target.Map(b), x)
	}
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 3, L: 4}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := Preset(PresetQuality, 1, 3)
	cfg.Weights = WeightStd
	loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
	if err != nil {
		t.Fatalf("a set sharing one spectrum: %v", err)
	}
	if len(loss.Terms) < 2 {
		t.Fatalf("no power-spectrum term: %d terms", len(loss.Terms))
	}
	ps := loss.Terms[1]
	for i, w := range ps.Weight {
		if !(w > 0) {
			t.Fatalf("PS bin %d has weight %g: the common spectrum must stay constrained", i, w)
		}
	}
	x0, err := InitialMaps(cfg.Init, target, 1, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	v, _, _, err := loss.Eval(x0)
	if err != nil || !(v > 0) {
		t.Fatalf("loss at the start %g, %v", v, err)
	}
}
