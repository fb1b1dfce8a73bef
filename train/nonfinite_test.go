package train

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/vae"
)

// setRunningMeans sets every batch-norm running mean of m to v. Training mode never reads them, so
// the training loss stays finite while evaluation mode (BNBatches < 0: no recomputation) does not.
func setRunningMeans(t *testing.T, m *vae.Model, v float32) {
	t.Helper()
	n := 0
	for vr := range m.Ctx.In(vae.Scope).IterVariablesInScope() {
		if vr.Name() != "running_mean" {
			continue
		}
		vals := make([]float32, vr.Shape().Size())
		for i := range vals {
			vals[i] = v
		}
		if err := vr.SetValue(tensors.FromFlatDataAndDimensions(vals, vr.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no running_mean variables")
	}
}

// A non-finite validation loss is an error naming the epoch, the value and BNBatches; it was
// counted as "no improvement" (NaN < best is false), so a run went on, or stopped early as if the
// model had converged, with a NaN in its history.
func TestNonFiniteValidationLossIsError(t *testing.T) {
	data, _ := blobs(2, 16, 3, 4, 1)
	for _, c := range []struct {
		name string
		mean float32
		want string
	}{{"NaN", float32(math.NaN()), "loss is NaN"}, {"huge", 1e30, "loss is +Inf"}} {
		t.Run(c.name, func(t *testing.T) {
			model := tinyModel(t, 3)
			setRunningMeans(t, model, c.mean)
			var epochs []EpochMetrics
			res, err := Run(model, data, Options{Epochs: 3, BatchSize: 8, Seed: 1, ValFraction: 0.25, BNBatches: -1,
				Patience: 5, OnEpoch: func(em EpochMetrics) error { epochs = append(epochs, em); return nil }})
			if err == nil {
				t.Fatalf("no error; history %+v", res.History)
			}
			for _, w := range []string{"validation at epoch 0", c.want, "Options.BNBatches"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if len(epochs) != 0 || res.BestEpoch != -1 || !math.IsInf(res.BestValLoss, 1) {
				t.Errorf("after the error: %d epochs reported, best epoch %d loss %g; want none, -1, +Inf", len(epochs), res.BestEpoch, res.BestValLoss)
			}
		})
	}
	// The same run with the batch-norm statistics recomputed (the default) validates normally.
	model := tinyModel(t, 3)
	setRunningMeans(t, model, 1e30)
	res, err := Run(model, data, Options{Epochs: 1, BatchSize: 8, Seed: 1, ValFraction: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if res.BestEpoch != 0 || math.IsNaN(res.BestValLoss) || math.IsInf(res.BestValLoss, 0) {
		t.Errorf("recomputed statistics: best epoch %d loss %g, want 0 and finite", res.BestEpoch, res.BestValLoss)
	}
}
