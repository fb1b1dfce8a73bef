package train

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// With WBalance = 0 (the default) the balance term is not part of the objective, but the validation
// Loss was WRec·Rec + … + 0·Balance, so a NaN Balance (logits that give no posterior) made it NaN
// (0·NaN) and Run refused the epoch. Terms of weight 0 are now left out of the sum, as the
// training graph leaves out a zero-weighted Balance.
func TestValidationLossSkipsZeroWeightTerms(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cfg := vae.SmallConfig(2, 3)
	cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance = 1.5, 0.8, 0.3, 0
	tm := &TermMeans{Rec: 2, Gauss: -1, Cat: 0.25, Balance: nan}
	if got, want := weightedLoss(cfg, tm), 1.5*2+0.8*-1+0.3*0.25; math.Abs(got-want) > 1e-15 {
		t.Errorf("WBalance 0, Balance NaN: Loss %g, want %g", got, want)
	}
	// Each zero-weighted term is skipped, whatever its value; want is the sum of the other three.
	for i, c := range []struct {
		bad  float64
		want float64
	}{{nan, 0.8*-1 + 0.3*0.25 + 0.7*0.5}, {inf, 1.5*2 + 0.3*0.25 + 0.7*0.5}, {-inf, 1.5*2 + 0.8*-1 + 0.7*0.5}} {
		w := cfg
		w.WBalance = 0.7
		tm := &TermMeans{Rec: 2, Gauss: -1, Cat: 0.25, Balance: 0.5}
		switch i {
		case 0:
			w.WRec, tm.Rec = 0, c.bad
		case 1:
			w.WGauss, tm.Gauss = 0, c.bad
		case 2:
			w.WCat, tm.Cat = 0, c.bad
		}
		if got := weightedLoss(w, tm); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("term %d zero-weighted and %g: Loss %g, want %g", i, c.bad, got, c.want)
		}
	}
	// A weighted non-finite term still makes the Loss non-finite (Run refuses it).
	c := cfg
	c.WBalance = 0.5
	if got := weightedLoss(c, &TermMeans{Rec: 2, Balance: nan}); !math.IsNaN(got) {
		t.Errorf("WBalance 0.5, Balance NaN: Loss %g, want NaN", got)
	}
	// Through Evaluate on a real model: Loss equals the weighted sum of its terms.
	model := tinyModel(t, 3)
	v, err := Evaluate(model, []float32{0, 1, 2, -1, 0, 1, 0.5, 0.5, -2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	mc := model.Cfg
	if want := mc.WRec*v.Rec + mc.WGauss*v.Gauss + mc.WCat*v.Cat + mc.WBalance*v.Balance; math.IsNaN(v.Loss) || math.Abs(v.Loss-want) > 1e-12*math.Abs(want) {
		t.Errorf("Evaluate: Loss %g, weighted terms %g", v.Loss, want)
	}
}

// When Stop returns true after the same epoch in which Patience ends the run, Result.Stopped stayed
// false (the early-stop break came first) though Stop had asked to stop: both flags are now set,
// the checkpoint of that epoch is written once, and a resume sees the early stop.
func TestStopAndPatienceSameEpochSetBothFlags(t *testing.T) {
	b := gomlxtest.Backend(t)
	data, _ := blobs(2, 30, 6, 6, 2)
	for _, c := range []struct {
		name              string
		stopAt            int // Stop returns true once this many epochs ran
		wantEpochs        int
		wantEarly, wantSt bool
	}{
		// MinDelta 1e30: the first evaluation improves on +Inf, the second cannot, so Patience 1
		// ends the run after epoch 2.
		{"same epoch", 2, 2, true, true},
		{"stop first", 1, 1, false, true},
		{"patience only", 0, 2, true, false},
	} {
		mgr, _ := checkpoints.Open(t.TempDir(), 2)
		m, _ := vae.New(b, smallRunConfig(), 1)
		epochs, polls := 0, 0
		opt := Options{Epochs: 5, BatchSize: 16, Seed: 1, Checkpoints: mgr, Patience: 1, MinDelta: 1e30,
			OnEpoch: func(EpochMetrics) error { epochs++; return nil },
			Stop:    func() bool { polls++; return epochs == c.stopAt }}
		res, err := Run(m, data, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.History) != c.wantEpochs || res.EarlyStopped != c.wantEarly || res.Stopped != c.wantSt || polls != c.wantEpochs {
			t.Errorf("%s: %d epochs (Stop polled %d times), EarlyStopped %v, Stopped %v; want %d epochs, %v, %v",
				c.name, len(res.History), polls, res.EarlyStopped, res.Stopped, c.wantEpochs, c.wantEarly, c.wantSt)
		}
		ck, _, err := mgr.Latest()
		if err != nil || ck.State.Epoch != c.wantEpochs || (ck.State.Extra["early_stopped"] == 1) != c.wantEarly {
			t.Errorf("%s: latest checkpoint %v: epoch %d, extra %v", c.name, err, ck.State.Epoch, ck.State.Extra)
		}
		list, _ := mgr.List()
		if len(list) != 1 {
			t.Errorf("%s: %d checkpoints written, want 1 (at the end)", c.name, len(list))
		}
		if c.wantEarly {
			m2, _ := vae.New(b, smallRunConfig(), 1)
			opt.Resume, opt.Stop = true, nil
			res2, err := Run(m2, data, opt)
			if err != nil || !res2.EarlyStopped || res2.Stopped || len(res2.History) != 0 || res2.StartEpoch != c.wantEpochs {
				t.Errorf("%s: resume: err %v, early %v, stopped %v, %d epochs from %d", c.name, err, res2.EarlyStopped, res2.Stopped, len(res2.History), res2.StartEpoch)
			}
		}
	}
}
