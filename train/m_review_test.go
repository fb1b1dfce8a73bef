package train

import (
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
)

// A run resumed with another Epochs continues on the learning-rate schedule of the new Epochs
// (Options.Epochs): epoch e runs at LearningRate(e, new Epochs, …), not at the rate of the schedule
// it started on. The temperature schedule does not depend on Epochs.
func TestResumeWithOtherEpochsFollowsNewSchedule(t *testing.T) {
	data, _ := blobs(2, 16, 3, 4, 1)
	mgr, err := checkpoints.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{BatchSize: 8, Seed: 1, LearningRate: 1e-2, LearningRateFinal: 1e-3, Checkpoints: mgr}
	o := opt
	o.Epochs = 2
	if _, err := Run(tinyModel(t, 3), data, o); err != nil {
		t.Fatal(err)
	}
	o = opt
	o.Epochs, o.Resume = 4, true
	res, err := Run(tinyModel(t, 3), data, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.StartEpoch != 2 || len(res.History) != 2 {
		t.Fatalf("resumed at %d with %d epochs run, want 2 and 2", res.StartEpoch, len(res.History))
	}
	for _, em := range res.History {
		want := LearningRate(em.Epoch, 4, 1e-2, 1e-3)
		if em.LR != want || em.LR == LearningRate(em.Epoch, 2, 1e-2, 1e-3) {
			t.Errorf("epoch %d: LR %.6g, want %.6g (the 4-epoch schedule)", em.Epoch, em.LR, want)
		}
		if em.Tau != Temperature(em.Epoch, 1, 0.5, DefaultTauRate) {
			t.Errorf("epoch %d: tau %g, want %g", em.Epoch, em.Tau, Temperature(em.Epoch, 1, 0.5, DefaultTauRate))
		}
	}
}
