package train

import (
	"bytes"
	"math"
	"math/rand/v2"
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
