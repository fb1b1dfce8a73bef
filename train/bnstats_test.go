package train

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// TestValidationUsesCurrentBNStats is the regression test of validation losses ~1e7 times the
// training loss after one epoch of the default preset: the batch-norm running averages lag far
// behind weights trained at lr 1e-2 for a few steps. A toy run (3 blobs, H=256, 3 layers, 3 steps
// per epoch) reproduces it with BNBatches < 0 (evaluation-mode loss of the training rows themselves
// ~50× the training loss); with the default recomputation the evaluation-mode loss of the training
// rows and the validation loss stay within a small factor of the training loss, and the training
// trajectory (every trainable variable, every training loss) is unchanged.
func TestValidationUsesCurrentBNStats(t *testing.T) {
	b := gomlxtest.Backend(t)
	data, _ := blobs(3, 100, 20, 6, 7)
	cfg := vae.SmallConfig(3, 20)
	cfg.H, cfg.Layers = 256, 3
	cfg.WCat, cfg.WBalance = 0.3, 0.3
	run := func(bnBatches int) (*vae.Model, *Result, float64) {
		m, err := vae.New(b, cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(m, data, Options{Epochs: 2, BatchSize: 64, LearningRate: 1e-2, Seed: 1, ValFraction: 0.2, BNBatches: bnBatches})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := data.Rows(res.TrainIdx)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := Evaluate(m, rows, 3)
		if err != nil {
			t.Fatal(err)
		}
		return m, res, ev.Loss
	}
	mOff, off, trainRowsOff := run(-1)
	mOn, on, trainRowsOn := run(0)

	last := on.History[len(on.History)-1].Train.Loss
	if trainRowsOff < 10*last {
		t.Errorf("control: without recomputation the training rows' evaluation loss is %.4g, training loss %.4g: the toy no longer shows the lag", trainRowsOff, last)
	}
	if trainRowsOn > 1.5*last || trainRowsOn < last/3 {
		t.Errorf("evaluation-mode loss of the training rows %.4g, training loss %.4g (want within ×1.5)", trainRowsOn, last)
	}
	for i, em := range on.History {
		if em.Val == nil {
			t.Fatalf("epoch %d not validated", i)
		}
		if em.Val.Loss > 2*em.Train.Loss {
			t.Errorf("epoch %d: validation loss %.4g, training loss %.4g (without recomputation %.4g)", i, em.Val.Loss, em.Train.Loss, off.History[i].Val.Loss)
		}
		if em.Train.Loss != off.History[i].Train.Loss {
			t.Errorf("epoch %d: training loss %.9g with recomputation, %.9g without", i, em.Train.Loss, off.History[i].Train.Loss)
		}
	}
	// Trainable variables identical; running statistics differ.
	sOn, sOff := snapshot(mOn), snapshot(mOff)
	stats := 0
	for k, v := range sOn {
		isStat := strings.HasSuffix(k, "/running_mean") || strings.HasSuffix(k, "/running_var")
		if isStat {
			if string(v) != string(sOff[k]) {
				stats++
			}
		} else if string(v) != string(sOff[k]) {
			t.Errorf("variable %s differs with and without recomputation", k)
		}
	}
	if stats == 0 {
		t.Error("recomputation changed no running statistic")
	}
	if math.IsNaN(trainRowsOn) {
		t.Fatal("NaN loss")
	}
	t.Logf("training loss %.4g; training rows in evaluation mode %.4g (running averages: %.4g); validation %.4g (running averages: %.4g)",
		last, trainRowsOn, trainRowsOff, on.History[1].Val.Loss, off.History[1].Val.Loss)
}
