package infer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestLibdoc19NegativeK: GenerateConfig.K = −2 made one map; it is now an
// input error from NewSynthLoss, Generate and Synthesize, while K = 0 still
// makes one map.
func TestLibdoc19NegativeK(t *testing.T) {
	eng := cpu.New()
	g, err := datasets.GaussianRandomField(16, 16, -2, 5)
	if err != nil {
		t.Fatal(err)
	}
	target := &stlayer.Maps{B: 1, M: 16, N: 16, Data: g}
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WST, J: 2, L: 2}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Preset(PresetCheng, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps = 2
	loss, err := NewSynthLoss(eng, "wst", op, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(context.Background(), loss, target, cfg)
	if err != nil || res.Maps.B != 1 {
		t.Fatalf("K = 0: %v, want one map", err)
	}
	cfg.K = -2
	bad := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "K = -2") {
			t.Errorf("%s with K = -2: %v, want an input error naming K", what, err)
		}
	}
	_, err = NewSynthLoss(eng, "wst", op, target, cfg)
	bad("NewSynthLoss", err)
	res, err = Generate(context.Background(), loss, target, cfg)
	bad("Generate", err)
	if res != nil {
		t.Errorf("Generate with K = -2 returned maps")
	}
	_, _, err = Synthesize(context.Background(), eng, op, target, cfg)
	bad("Synthesize", err)
}
