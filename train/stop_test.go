package train

import (
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// Stop ends a run cleanly after the current epoch, with a checkpoint of that epoch even when the
// checkpoint cadence would skip it, and the run resumes from there.
func TestStopWritesCheckpoint(t *testing.T) {
	b := gomlxtest.Backend(t)
	data, _ := blobs(2, 30, 6, 6, 2)
	mgr, _ := checkpoints.Open(t.TempDir(), 2)
	m, _ := vae.New(b, smallRunConfig(), 1)
	epochs := 0
	opt := Options{Epochs: 5, BatchSize: 16, Seed: 1, Checkpoints: mgr,
		OnEpoch: func(EpochMetrics) error { epochs++; return nil },
		Stop:    func() bool { return epochs == 2 }}
	res, err := Run(m, data, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || len(res.History) != 2 || res.Checkpoint == "" {
		t.Fatalf("stopped %v after %d epochs, checkpoint %q", res.Stopped, len(res.History), res.Checkpoint)
	}
	c, _, err := mgr.Latest()
	if err != nil || c.State.Epoch != 2 {
		t.Fatalf("latest checkpoint: %v, epoch %d", err, c.State.Epoch)
	}
	m2, _ := vae.New(b, smallRunConfig(), 1)
	opt.Resume, opt.Stop = true, nil
	res2, err := Run(m2, data, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Stopped || res2.StartEpoch != 2 || len(res2.History) != 3 {
		t.Fatalf("resume: start %d, %d epochs, stopped %v", res2.StartEpoch, len(res2.History), res2.Stopped)
	}
}
