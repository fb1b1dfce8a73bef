package train

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// With every loss weight 0 the training graph's total (vae.Loss, which now leaves out terms of
// weight 0) is the constant 0: Run trains without error, reports a training and validation Loss of
// exactly 0, and Adam's zero gradients leave every trainable variable as it was.
func TestRunAllWeightsZero(t *testing.T) {
	data, _ := blobs(2, 12, 3, 4, 1)
	cfg := vae.SmallConfig(2, 3)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance = 0, 0, 0, 0
	m, err := vae.New(gomlxtest.Backend(t), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(m)
	res, err := Run(m, data, Options{Epochs: 1, BatchSize: 8, Seed: 1, ValFraction: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	em := res.History[0]
	if em.Train.Loss != 0 || em.Val == nil || em.Val.Loss != 0 {
		t.Errorf("all weights 0: training Loss %g, validation %+v; want 0 and 0", em.Train.Loss, em.Val)
	}
	n, after := 0, snapshot(m)
	for v := range m.Ctx.IterVariables() {
		if b, ok := before[v.ScopeAndName()]; ok && v.Trainable {
			n++
			if !bytes.Equal(b, after[v.ScopeAndName()]) {
				t.Errorf("all weights 0: trainable %s changed", v.ScopeAndName())
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d trainable variables compared", n)
	}
}

// LearningRate beyond the schedule's ends: a rise (lr end > lr start) gave a negative rate after
// the last epoch (1e-3 → 3e-3 over 10 epochs: −2.6e-3 at epoch 11) and a decay one before epoch 0
// (1e-2 → 1e-3: −2.2e-3 at epoch −1). The rate is now held at lrFinal after epochs and at lr0
// before 0, and stays monotone and within [min, max](lr0, lrFinal) inside.
func TestLearningRateClampedOutsideSchedule(t *testing.T) {
	for _, c := range [][2]float64{{1e-3, 3e-3}, {1e-2, 1e-3}, {1e-120, 1e-10}, {1e-3, 1e-200}} {
		lr0, lrF := c[0], c[1]
		const T = 10
		for _, e := range []int{-1000, -20, -1} {
			if got := LearningRate(e, T, lr0, lrF); got != lr0 {
				t.Errorf("%g → %g: lr(%d) = %g, want lr0 = %g", lr0, lrF, e, got, lr0)
			}
		}
		for _, e := range []int{T, T + 1, T + 2, 2 * T, 100 * T, 1 << 40} {
			if got := LearningRate(e, T, lr0, lrF); got != lrF {
				t.Errorf("%g → %g: lr(%d) = %g, want lrFinal = %g", lr0, lrF, e, got, lrF)
			}
		}
		lo, hi := min(lr0, lrF), max(lr0, lrF)
		prev := lr0
		for e := 0; e <= T; e++ {
			lr := LearningRate(e, T, lr0, lrF)
			if !(lr >= lo && lr <= hi) || (lrF > lr0 && lr < prev) || (lrF < lr0 && lr > prev) {
				t.Errorf("%g → %g: lr(%d) = %g after %g (want monotone within [%g, %g])", lr0, lrF, e, lr, prev, lo, hi)
			}
			prev = lr
		}
	}
}

// Hungarian (SolveAssignment) took any finite costs, but costs near the float64 limit overflowed
// its potentials (cost − u − v = ±Inf, then NaN): with costs uniform in ±MaxFloat64 it returned
// non-optimal assignments (n = 4: total −1.396·MaxFloat64 where −1.489 was possible) or never
// returned. Costs of magnitude ≥ 2⁵¹² are now scaled by a power of two first: the assignment is
// optimal (against brute force on the scaled sums) at every scale, and always returned.
func TestHungarianHugeCosts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 600; trial++ {
		n := 2 + rng.IntN(4)
		scale := []float64{1, 1e300, math.MaxFloat64, 0x1p512}[trial%4]
		cost := make([][]float64, n)
		for i := range cost {
			cost[i] = make([]float64, n)
			for j := range cost[i] {
				cost[i][j] = (rng.Float64()*2 - 1) * scale
			}
		}
		var a []int
		done := make(chan struct{})
		go func() { a = Hungarian(cost); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("trial %d (scale %g, n %d): Hungarian did not return after 10 s", trial, scale, n)
		}
		sum := func(p []int) float64 { // in units of scale, so that it cannot overflow
			s := 0.0
			for i, j := range p {
				s += cost[i][j] / scale
			}
			return s
		}
		best := math.Inf(1)
		var rec func(p []int, used []bool)
		rec = func(p []int, used []bool) {
			if len(p) == n {
				best = math.Min(best, sum(p))
				return
			}
			for j := 0; j < n; j++ {
				if !used[j] {
					used[j] = true
					rec(append(p, j), used)
					used[j] = false
				}
			}
		}
		rec(nil, make([]bool, n))
		seen := make([]bool, n)
		for _, j := range a {
			if j < 0 || j >= n || seen[j] {
				t.Fatalf("trial %d: not a permutation: %v", trial, a)
			}
			seen[j] = true
		}
		if len(a) != n || sum(a) > best+1e-12 {
			t.Errorf("trial %d (scale %g, n %d): assignment %v totals %.15g·scale, optimum %.15g·scale", trial, scale, n, a, sum(a), best)
		}
	}
}

// The learning rate is stored as a float32 (optimizers.LearningRateVar), but Validate accepted any
// positive finite rate: LearningRate 1e-50 trained at rate 0 with no error (the weights stayed as
// they were) and 1e39 at +Inf. Validate now refuses a positive LearningRate or LearningRateFinal
// outside [MinLearningRate, MaxLearningRate], naming the field (the CLI maps it to --lr or
// --lr-final); the ends of the range and 0 (the defaults) are accepted.
func TestValidateRefusesLearningRateOutsideFloat32(t *testing.T) {
	if float32(MinLearningRate) != math.SmallestNonzeroFloat32*(1<<23) || float32(MaxLearningRate) != math.MaxFloat32 || float32(1e-50) != 0 {
		t.Fatalf("constants: %g %g", float64(MinLearningRate), float64(MaxLearningRate))
	}
	for _, c := range []struct {
		name     string
		lr, lrF  float64
		refused  bool
		mentions string
	}{
		{"tiny rate", 1e-50, 0, true, "Options.LearningRate = 1e-50"},
		{"subnormal rate", 1e-40, 0, true, "Options.LearningRate = 1e-40"},
		{"huge rate", 1e39, 0, true, "Options.LearningRate = 1e+39"},
		{"tiny final rate", 1e-3, 1e-200, true, "Options.LearningRateFinal = 1e-200"},
		{"huge final rate", 1e-3, 4e38, true, "Options.LearningRateFinal = 4e+38"},
		{"smallest", MinLearningRate, MinLearningRate, false, ""},
		{"largest", MaxLearningRate, 1e-3, false, ""},
		{"defaults", 0, 0, false, ""},
	} {
		o := Options{Epochs: 1, LearningRate: c.lr, LearningRateFinal: c.lrF}
		err := o.Validate()
		if !c.refused {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.mentions) || !strings.Contains(err.Error(), "float32") {
			t.Errorf("%s: error %v; want one naming %q and float32", c.name, err, c.mentions)
		}
	}
	// Run refuses before any step: the model is untouched.
	m := tinyModel(t, 3)
	before := snapshot(m)
	data, _ := blobs(2, 8, 3, 4, 1)
	if _, err := Run(m, data, Options{Epochs: 1, BatchSize: 4, LearningRate: 1e-50}); err == nil || !strings.Contains(err.Error(), "Options.LearningRate") {
		t.Errorf("Run with LearningRate 1e-50: %v", err)
	}
	compareSnapshots(t, "after a refused Run", before, snapshot(m))
}

// scaleCosts' documented rounding: with the largest |cost| 2^e·m (m in [½, 1), e ≥ 513), costs of
// magnitude at least 2^(e−1022) are scaled exactly, smaller ones are rounded to subnormals and those
// below 2^(e−1075) become 0; costs below 2⁵¹² are left as they are.
func TestScaleCostsRounding(t *testing.T) {
	small := [][]float64{{0x1p511, -3}, {1e-300, 0}}
	if got := scaleCosts(small); &got[0][0] != &small[0][0] {
		t.Errorf("costs below 2⁵¹² were copied: %v", got)
	}
	const e = 600 // largest cost 2^599·1.5 = 2^600·0.75
	big := 0x1p599 * 1.5
	cost := [][]float64{{big, math.Ldexp(1.25, e-1022)}, {math.Ldexp(1+0x1p-40, e-1060), math.Ldexp(1, e-1076)}}
	got := scaleCosts(cost)
	if got[0][0] != 0.75 || got[0][1] != math.Ldexp(1.25, -1022) {
		t.Errorf("exact part: %v", got[0])
	}
	if want := math.Ldexp(1, -1060); got[1][0] != want { // 1 + 2⁻⁴⁰ rounded to a subnormal's precision
		t.Errorf("subnormal: %g, want %g", got[1][0], want)
	}
	if got[1][1] != 0 {
		t.Errorf("below 2^(e−1075): %g, want 0", got[1][1])
	}
}
