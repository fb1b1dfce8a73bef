package infer

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// logNormalTarget returns one n×n log-normal field (slope −3, σ = 0.8): a
// skewed, non-Gaussian stand-in for a log-density or dust map.
func logNormalTarget(t *testing.T, n int, seed uint64) *stlayer.Maps {
	t.Helper()
	x, err := datasets.LogNormalField(n, n, -3, 0.8, seed)
	if err != nil {
		t.Fatal(err)
	}
	return &stlayer.Maps{B: 1, M: n, N: n, Data: x}
}

// scovSynthesis runs a small scattering-covariance (iso synthesis vector, J=5,
// L=4, target P00 reference) synthesis of a 64² log-normal field.
func scovSynthesis(t *testing.T, cfg GenerateConfig) (*stlayer.Maps, *Result) {
	t.Helper()
	target := logNormalTarget(t, 64, 5)
	eng := cpu.New()
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 5, L: 4, Iso: true, Synthesis: true}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(context.Background(), loss, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return target, res
}

// TestGenerateScovWhiteNoise is the scaled-down convergence criterion of
// methods.md §2.3: from white noise, 30 L-BFGS iterations on the scattering
// covariance of a 64² log-normal field cut the loss by more than two orders of
// magnitude, and the half-octave power spectrum follows the target's.
func TestGenerateScovWhiteNoise(t *testing.T) {
	cfg := GenerateConfig{K: 1, Seed: 3, Init: InitWhiteNoise, SynthConfig: SynthConfig{Steps: 30}}
	target, res := scovSynthesis(t, cfg)
	if res.Iters != 30 {
		t.Errorf("%d iterations, want 30", res.Iters)
	}
	if r := res.Loss / res.InitialLoss; r > 1e-2 {
		t.Errorf("loss %g → %g: reduced by %.3g, want < 1e-2", res.InitialLoss, res.Loss, r)
	}
	x0, err := InitialMaps(InitWhiteNoise, target, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	v0, err := Validate(target, x0)
	if err != nil {
		t.Fatal(err)
	}
	vm, err := Validate(target, res.Maps)
	if err != nil {
		t.Fatal(err)
	}
	// White noise has a flat spectrum: against the slope −3 target the ratio
	// spans 0.05–20 (max |r − 1| ≈ 23). After 30 iterations it follows the
	// target's to tens of per cent (measured 0.30 max, 0.17 mean; one map, and
	// the low-k bins hold few modes).
	if vm.PSMaxDev > 0.5 || vm.PSMeanDev > 0.3 || vm.PSMaxDev > v0.PSMaxDev/20 {
		t.Errorf("PS deviation max %.3f mean %.3f after 30 iterations (start: %.3f, %.3f)", vm.PSMaxDev, vm.PSMeanDev, v0.PSMaxDev, v0.PSMeanDev)
	}
	t.Logf("loss %.3g → %.3g, PS max %.3f mean %.3f, W1 %.3f σ", res.InitialLoss, res.Loss, vm.PSMaxDev, vm.PSMeanDev, vm.W1Mean)
}

// TestGenerateQualityPreset checks the tuned settings in small (64², 2 maps,
// 25 iterations each): every half-octave bin with k ≥ 2 within 5 %, the
// pixel distribution closer to the target's than another realisation of the
// same process is, and the loss down by more than two orders of magnitude.
func TestGenerateQualityPreset(t *testing.T) {
	cfg, err := Preset(PresetQuality, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps = 25
	target, res := scovSynthesis(t, cfg)
	if res.Maps.B != 2 || res.Iters != 50 {
		t.Fatalf("%d maps, %d iterations; want 2 maps, 2×25 iterations", res.Maps.B, res.Iters)
	}
	if res.Loss > 1e-2*res.InitialLoss {
		t.Errorf("loss %g → %g", res.InitialLoss, res.Loss)
	}
	other := logNormalTarget(t, 64, 6)
	vm, err := ValidateWith(target, res.Maps, ValidateOptions{Reference: &stlayer.Maps{B: 2, M: 64, N: 64, Data: append(append([]float64(nil), target.Data...), other.Data...)}})
	if err != nil {
		t.Fatal(err)
	}
	if vm.PSMaxDev > 0.05 {
		t.Errorf("PS max deviation %.4f > 5 %%", vm.PSMaxDev)
	}
	if vm.W1Mean > vm.W1Ref {
		t.Errorf("W1 %.4f σ, between two realisations %.4f σ", vm.W1Mean, vm.W1Ref)
	}
	t.Logf("loss %.3g → %.3g, PS max %.4f mean %.4f, W1 %.3f σ (between realisations %.3f σ)", res.InitialLoss, res.Loss, vm.PSMaxDev, vm.PSMeanDev, vm.W1Mean, vm.W1Ref)
}

// TestGenerateIndependent checks the wiring of independent optimisers: map b
// of a K-map run is the map of a 1-map run started from stream (seed, b), the
// totals add up, and a second run gives the same bytes.
func TestGenerateIndependent(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	loss := &Loss{Engine: eng, Terms: []*Term{term}}
	cfg := GenerateConfig{K: 3, Seed: 11, Independent: true, SynthConfig: SynthConfig{Steps: 40}}
	runs := map[int]bool{}
	cfg.Progress = func(p Progress) { runs[p.Run] = true }
	res, err := Generate(context.Background(), loss, ref, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Errorf("progress reported runs %v, want 0, 1, 2", runs)
	}
	x0, _ := InitialMaps(InitWhiteNoise, ref, 3, 11)
	sumIters, sumLoss := 0, 0.0
	for b := 0; b < 3; b++ {
		xb := &stlayer.Maps{B: 1, M: ref.M, N: ref.N, Data: x0.Map(b)}
		rb, err := Minimize(context.Background(), loss, xb, SynthConfig{Steps: 40})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range rb.Maps.Data {
			if res.Maps.Map(b)[i] != v {
				t.Fatalf("map %d differs from its single-map run at pixel %d", b, i)
			}
		}
		sumIters += rb.Iters
		sumLoss += rb.Loss
	}
	if res.Iters != sumIters || math.Abs(res.Loss-sumLoss) > 1e-15*sumLoss {
		t.Errorf("totals: %d iterations, loss %g; runs sum to %d, %g", res.Iters, res.Loss, sumIters, sumLoss)
	}
	if len(res.History) == 0 || math.Abs(res.History[len(res.History)-1]-res.Loss) > 1e-12*res.InitialLoss {
		t.Errorf("history ends at %v, loss %g", res.History[len(res.History)-1:], res.Loss)
	}
	res2, _ := Generate(context.Background(), loss, ref, GenerateConfig{K: 3, Seed: 11, Independent: true, SynthConfig: SynthConfig{Steps: 40}})
	for i := range res.Maps.Data {
		if res.Maps.Data[i] != res2.Maps.Data[i] {
			t.Fatal("same seed gave different maps")
		}
	}
}

func TestMinimizeCountsIterations(t *testing.T) {
	eng := &momentEngine{}
	term, ref := momentTarget(t, eng)
	x0, _ := InitialMaps(InitWhiteNoise, ref, 1, 2)
	// A loss that cannot reach zero quickly: many coefficients, few steps.
	res, err := Minimize(context.Background(), &Loss{Engine: eng, Terms: []*Term{term}}, x0, SynthConfig{Steps: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Iters != 3 || len(res.History) != 3 {
		t.Errorf("Steps 3: %d iterations, %d history entries", res.Iters, len(res.History))
	}
	if res.History[0] >= res.InitialLoss {
		t.Errorf("first history entry %g is not after a step from %g", res.History[0], res.InitialLoss)
	}
	if res.LoopOverhead() < 0 {
		t.Errorf("loop overhead %g < 0", res.LoopOverhead())
	}
}

func TestPresets(t *testing.T) {
	q, err := Preset(PresetQuality, 4, 1)
	if err != nil || q.Init != InitGRF || q.PSWeight <= 0 || q.HistWeight <= 0 || !q.Independent || q.K != 4 || q.Steps != 300 {
		t.Errorf("quality preset %+v, %v", q, err)
	}
	c, err := Preset(PresetCheng, 4, 1)
	if err != nil || c.Init != InitWhiteNoise || c.PSWeight != 0 || c.HistWeight != 0 || c.Independent {
		t.Errorf("cheng preset %+v, %v", c, err)
	}
	if _, err := Preset("fast", 1, 1); err == nil {
		t.Error("unknown preset accepted")
	}
}

// BenchmarkGenerateScov128 runs 20 iterations of a quality-preset synthesis
// of a 128² log-normal field (scov iso J=6) and reports seconds per
// evaluation in the engine and with the optimiser loop, and the loop
// overhead Elapsed/EvalTime − 1.
func BenchmarkGenerateScov128(b *testing.B) {
	x, err := datasets.LogNormalField(128, 128, -3, 0.8, 5)
	if err != nil {
		b.Fatal(err)
	}
	target := &stlayer.Maps{B: 1, M: 128, N: 128, Data: x}
	eng := cpu.New()
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 6, L: 4, Iso: true, Synthesis: true}, eng, target)
	if err != nil {
		b.Fatal(err)
	}
	cfg, _ := Preset(PresetQuality, 1, 1)
	cfg.Steps = 20
	loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
	if err != nil {
		b.Fatal(err)
	}
	var evals int
	var evalT, wall float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Generate(context.Background(), loss, target, cfg)
		if err != nil {
			b.Fatal(err)
		}
		evals += res.Evals
		evalT += res.EvalTime.Seconds()
		wall += res.Elapsed.Seconds()
	}
	b.ReportMetric(evalT/float64(evals), "s/eval")
	b.ReportMetric(wall/float64(evals), "s/eval-with-loop")
	b.ReportMetric(100*(wall/evalT-1), "%overhead")
}
