package infer

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestSynthesisDocClaims checks the package doc's "Synthesis from a map":
// Preset leaves Weights at WeightMean (stkit synth sets WeightStd for ≥ 2
// target maps); with K = 2 independent runs the Result's Iters is the sum of
// MapIters and InitialLoss and Loss are the sums of the maps' losses (the
// loss of the 2-map batch at the start and at Result.Maps); a second
// statistic appended with NewTarget is matched too (its part falls).
func TestSynthesisDocClaims(t *testing.T) {
	eng := cpu.New()
	target := biMaps(1, 32, 32, 1)
	for i, v := range target.Data {
		target.Data[i] = math.Exp(v / 2)
	}
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 4, Synthesis: true, Iso: true}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Preset(PresetQuality, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Weights != WeightMean || !cfg.Independent {
		t.Errorf("Preset(quality): Weights %d, Independent %v; the doc says WeightMean, true", cfg.Weights, cfg.Independent)
	}
	cfg.Steps = 4
	// A white-noise start: the GRF start (a Gaussian draw from the
	// target's spectrum since session 19) already meets the wph term to
	// 9e-6, where 4 steps on the scov term move it by rounding-level
	// amounts (9.03e-6 → 9.08e-6).
	cfg.Init = InitWhiteNoise
	loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	wphOp, err := stats.BuildWithRef(stats.Spec{Kind: stats.WPH, J: 3}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	second, err := NewTarget("wph", eng, wphOp, target, WeightMean)
	if err != nil {
		t.Fatal(err)
	}
	loss.Terms = append(loss.Terms, second)
	x0, err := InitialMaps(cfg.Init, target, cfg.K, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	l0, parts0, _, err := loss.Eval(x0)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts0) != 4 { // scov, power spectrum, wph, histogram
		t.Fatalf("%d loss parts, want 4", len(parts0))
	}
	res, err := Generate(context.Background(), loss, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.MapIters) != 2 || res.Iters != res.MapIters[0]+res.MapIters[1] || res.MapIters[0] < 1 {
		t.Errorf("Iters %d, MapIters %v: want the sum of ≥ 1 per map", res.Iters, res.MapIters)
	}
	l1, parts1, _, err := loss.Eval(res.Maps)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.InitialLoss-l0) > 1e-9*l0 || math.Abs(res.Loss-l1) > 1e-9*l1 {
		t.Errorf("InitialLoss %.10g, Loss %.10g; the 2-map batch's losses %.10g, %.10g", res.InitialLoss, res.Loss, l0, l1)
	}
	if !(parts1[2] < parts0[2]) {
		t.Errorf("the appended wph term went %.4g → %.4g, want it to fall", parts0[2], parts1[2])
	}
}
