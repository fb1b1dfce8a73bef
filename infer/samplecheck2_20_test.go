package infer

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The verdict's false alarms: n real patches held out of the reference set
// and checked as if sampled. At each check's 90th percentile (081e6f2)
// this synthetic case was called "outside" in 14 of 40 draws (136 of 400:
// 34 %); with the limits calibrated together at 5 % on draws of the
// patches and tiles pooled, 3 of 40 (17 of 400: 4.3 %). The bound: with a
// true rate of 5 %, 40 draws give ≥ 7 outside with probability 0.003
// (binomial); the draws are seeded, so the figure is fixed, and the old
// rule's 14 is far beyond it.
func TestSamplecheck2_20FalseAlarmSynthetic(t *testing.T) {
	patches := samplecheck20Maps(40, 16, 11, false, 0)
	fa, err := MeasureSampleChecksFalseAlarm(patches, 4, 40, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("outside %d of %d (%.3f); fails %v", fa.Outside, fa.Reps, fa.Rate, fa.Fails)
	if fa.Reps != 40 || fa.Patches != 40 || fa.Outside > 6 {
		t.Errorf("held-out real patches called outside in %d of %d draws, want ≤ 6 (5 %% calibrated)", fa.Outside, fa.Reps)
	}
	if _, err := MeasureSampleChecksFalseAlarm(patches, 37, 1, 0, 1); err == nil {
		t.Error("37 of 40 held out: want an error")
	}
}

// The threshold rule: one common tail count for every check, the largest
// at which at most alpha of the draws fail any check. Identical checks
// share their failures (each at the 5 % point: 50 of 1000 draws beyond);
// independent ones split the rate (≈ 1.7 % each for three).
func TestSamplecheck2_20CalibrateJointLimits(t *testing.T) {
	const D = 1000
	rng := rand.New(rand.NewPCG(5, 6))
	a := make([]float64, D)
	for i := range a {
		a[i] = float64(i) // 0 … 999, shuffled
	}
	rng.Shuffle(D, func(i, j int) { a[i], a[j] = a[j], a[i] })
	same := []*jointCheck{{draws: a}, {draws: append([]float64(nil), a...)}, {draws: append([]float64(nil), a...)}}
	lim, rate := calibrateJointLimits(same, 0.05)
	for _, l := range lim {
		if l != 949 { // 950 … 999 exceed it: 50 draws
			t.Errorf("identical checks: limit %v, want 949", l)
		}
	}
	if rate != 0.05 {
		t.Errorf("identical checks: rate %v, want 0.05", rate)
	}
	var ind []*jointCheck
	for c := 0; c < 3; c++ {
		d := make([]float64, D)
		for i := range d {
			d[i] = rng.Float64()
		}
		ind = append(ind, &jointCheck{draws: d})
	}
	lim, rate = calibrateJointLimits(ind, 0.05)
	if rate > 0.05 || rate < 0.045 {
		t.Errorf("independent checks: rate %v, want ≤ 0.05 and near it", rate)
	}
	for c, l := range lim {
		beyond := 0
		for _, v := range ind[c].draws {
			if v > l {
				beyond++
			}
		}
		// 1 − (1 − q)³ = 0.05: q = 1.7 %
		if beyond < 14 || beyond > 19 {
			t.Errorf("independent check %d: %d of 1000 beyond its limit %v, want ≈ 17", c, beyond, l)
		}
	}
	// a discrete figure (counts 0, 1, 2, 3): the limit is a count, ties stay in
	cnt := make([]float64, D)
	for i := range cnt {
		switch {
		case i < 2:
			cnt[i] = 3
		case i < 30:
			cnt[i] = 2
		case i < 200:
			cnt[i] = 1
		}
	}
	// alone, it takes all the rate its ties allow: 30 draws above 1 (3 %),
	// 200 above 0 (20 %, too many)
	lim, rate = calibrateJointLimits([]*jointCheck{{draws: cnt}}, 0.05)
	if lim[0] != 1 || math.Abs(rate-0.03) > 1e-12 {
		t.Errorf("counts alone: limit %v rate %v, want 1 (2 of 4 fails) and 0.03", lim[0], rate)
	}
	// beside the three independent checks: the common tail count leaves
	// it at 2 (3 of 4 fails: 2 draws beyond)
	lim, rate = calibrateJointLimits(append(ind, &jointCheck{draws: cnt}), 0.05)
	if lim[3] != 2 || rate > 0.05 {
		t.Errorf("counts with three others: limit %v rate %v, want 2", lim[3], rate)
	}
}
