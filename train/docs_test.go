package train

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/vae"
)

// The documented edge cases of Split and Options.Stop.
func TestDocumentedEdges(t *testing.T) {
	// A fraction that rounds to every row still leaves one training row.
	for _, c := range []struct {
		n        int
		f        float64
		tr, vals int
	}{{10, 0.96, 1, 9}, {10, 1, 1, 9}, {10, 0.01, 9, 1}, {1, 0.5, 1, 0}} {
		if tr, va := Split(c.n, c.f, 3); len(tr) != c.tr || len(va) != c.vals {
			t.Errorf("Split(%d, %g) = %d training, %d validation rows; want %d, %d", c.n, c.f, len(tr), len(va), c.tr, c.vals)
		}
	}
	// Stop is polled after every epoch but the last.
	data, _ := blobs(2, 16, 3, 4, 1)
	model := tinyModel(t, 3)
	polls := 0
	res, err := Run(model, data, Options{Epochs: 3, BatchSize: 8, Seed: 1, Stop: func() bool { polls++; return false }})
	if err != nil {
		t.Fatal(err)
	}
	if polls != 2 || res.Stopped {
		t.Errorf("3 epochs: Stop polled %d times (want 2), Stopped %v", polls, res.Stopped)
	}
}

// The documented epoch numbering of the schedules: τ and the learning rate are functions of the
// 0-based epoch (EpochMetrics.Epoch); the first epoch runs at Tau0 and LearningRate, and
// LearningRateFinal is reached just after the last epoch, not at it.
func TestScheduleEpochNumbering(t *testing.T) {
	if got := LearningRate(59, 60, 1e-2, 1e-3); math.Abs(got-1.0056e-3) > 1e-7 {
		t.Errorf("last of 60 epochs, 1e-2 → 1e-3: lr %.6g, documented 1.0056e-3", got)
	}
	if got := LearningRate(60, 60, 1e-2, 1e-3); math.Abs(got-1e-3) > 1e-15 {
		t.Errorf("lr(Epochs) = %.6g, want LearningRateFinal 1e-3", got)
	}
	data, _ := blobs(2, 16, 3, 4, 1)
	model := tinyModel(t, 3)
	var ems []EpochMetrics
	_, err := Run(model, data, Options{Epochs: 3, BatchSize: 8, Seed: 1, LearningRate: 1e-2, LearningRateFinal: 1e-3,
		Tau0: 2, OnEpoch: func(em EpochMetrics) error { ems = append(ems, em); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(ems) != 3 || ems[0].Epoch != 0 || ems[0].LR != 1e-2 || ems[0].Tau != 2 {
		t.Fatalf("first epoch %+v, want Epoch 0, LR 1e-2, Tau 2", ems[0])
	}
	last := ems[2]
	if last.Epoch != 2 || last.LR != LearningRate(2, 3, 1e-2, 1e-3) || !(last.LR > 1e-3) {
		t.Errorf("last epoch: Epoch %d LR %.6g; want 2 and LearningRate(2, 3, …) > 1e-3", last.Epoch, last.LR)
	}
}

// The documented meanings of 0 and of negative values in Options: 0 selects a default; a negative
// ClipValue, ValFraction, BNBatches or Patience means none/off and passes Validate; a Tau0 below
// 0.5 with TauMin left 0 trains at τ = 0.5 from the first epoch.
func TestOptionsZeroAndNegative(t *testing.T) {
	o := Options{Epochs: 1, ClipValue: -1, ValFraction: -1, BNBatches: -1, Patience: -1}
	if err := o.Validate(); err != nil {
		t.Fatalf("documented negatives refused: %v", err)
	}
	d := Options{Epochs: 1}.withDefaults()
	if d.BatchSize != 512 || d.LearningRate != 1e-3 || d.ClipValue != 20 || d.Tau0 != 1 || d.TauMin != 0.5 ||
		d.TauRate != DefaultTauRate || d.ValFraction != 0.1 || d.EvalEvery != 1 || d.BNBatches != DefaultBNBatches {
		t.Errorf("defaults %+v differ from the documented ones", d)
	}
	n := o.withDefaults()
	if n.ClipValue != -1 || n.ValFraction != 0 || n.BNBatches != -1 {
		t.Errorf("negatives after defaults: clip %g, val %g, BN batches %d; want -1 (off), 0, -1 (off)", n.ClipValue, n.ValFraction, n.BNBatches)
	}
	lo := Options{Epochs: 1, Tau0: 0.3}.withDefaults()
	if tau := Temperature(0, lo.Tau0, lo.TauMin, lo.TauRate); tau != 0.5 {
		t.Errorf("Tau0 0.3 with TauMin left 0: first τ %g, documented 0.5", tau)
	}
}

// TestTemperatureRangeUpFront pins that a Gumbel temperature the model cannot store (float32) is
// refused by Validate, before any epoch, rather than at the epoch the schedule reaches it.
func TestTemperatureRangeUpFront(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Epochs: 1, TauMin: 1e-40}, "TauMin = 1e-40 is below"},
		{Options{Epochs: 1, Tau0: 1e39}, "must be at most"},
		{Options{Epochs: 1, TauMin: 1e39}, "must be at most"},
	} {
		err := c.o.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.o, err, c.want)
		}
	}
	for _, o := range []Options{{Epochs: 1}, {Epochs: 1, TauMin: 1e-3, Tau0: 5}, {Epochs: 1, TauMin: vae.MinTemperature}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v refused: %v", o, err)
		}
	}
}
