package train

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
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

// Validation never advances the training RNG (package doc): the training losses and the trainable
// variables of a run validated after every epoch equal those of a run validated only after the last.
func TestValidationLeavesTrainingRNG(t *testing.T) {
	data, _ := blobs(2, 24, 3, 4, 1)
	run := func(every int) (*Result, map[string][]byte) {
		m := tinyModel(t, 3)
		res, err := Run(m, data, Options{Epochs: 3, BatchSize: 8, Seed: 2, ValFraction: 0.25, EvalEvery: every})
		if err != nil {
			t.Fatal(err)
		}
		return res, snapshot(m)
	}
	each, sEach := run(1)
	once, sOnce := run(3)
	for e := range each.History {
		if each.History[e].Val == nil || (e < 2) != (once.History[e].Val == nil) {
			t.Fatalf("epoch %d: validated %v / %v", e, each.History[e].Val != nil, once.History[e].Val != nil)
		}
		if each.History[e].Train.Loss != once.History[e].Train.Loss {
			t.Errorf("epoch %d: training loss %.9g validated every epoch, %.9g validated once", e, each.History[e].Train.Loss, once.History[e].Train.Loss)
		}
	}
	if each.History[2].Val.Loss != once.History[2].Val.Loss {
		t.Errorf("last validation loss %.9g vs %.9g", each.History[2].Val.Loss, once.History[2].Val.Loss)
	}
	n := 0
	for k, v := range sEach {
		if string(v) != string(sOnce[k]) {
			t.Errorf("variable %s differs", k)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no variables compared")
	}
}

// Run refuses, before any step, Patience > 0 without a validation split (ValFraction < 0).
func TestRunRefusesPatienceWithoutValidation(t *testing.T) {
	data, _ := blobs(2, 16, 3, 4, 1)
	_, err := Run(tinyModel(t, 3), data, Options{Epochs: 1, BatchSize: 8, Patience: 2, ValFraction: -1})
	if err == nil || err.Error() != "train: early stopping (Patience > 0) needs a validation split" {
		t.Errorf("error %v", err)
	}
}

// LearningRate: the facvae decay lr(t) = a·(b+t)^(−1/3) with lr(0) = lr0 and lr(T) = lrFinal; it
// was NaN at every epoch (0/0 at t = 0) once (lr0/lrFinal)³ overflowed float64.
func TestLearningRateExtremeRatio(t *testing.T) {
	old := func(e, T int, lr0, lrF float64) float64 { // the a, b form, for ordinary ratios
		r := lr0 / lrF
		b := float64(T) / (r*r*r - 1)
		return lr0 * math.Cbrt(b) / math.Cbrt(b+float64(e))
	}
	for _, c := range [][2]float64{{1e-2, 1e-3}, {1e-3, 1e-4}, {1e-3, 3e-3}, {5e-4, 4.9e-4}} {
		for e := 0; e <= 60; e++ {
			got, want := LearningRate(e, 60, c[0], c[1]), old(e, 60, c[0], c[1])
			if math.Abs(got-want) > 1e-13*want {
				t.Errorf("lr(%d; %g → %g) = %.17g, a·(b+t)^(−1/3) = %.17g", e, c[0], c[1], got, want)
			}
		}
	}
	prev := math.Inf(1)
	for e := 0; e <= 10; e++ {
		lr := LearningRate(e, 10, 1e-3, 1e-200)
		if math.IsNaN(lr) || !(lr < prev) || lr <= 0 {
			t.Errorf("1e-3 → 1e-200 over 10 epochs: lr(%d) = %g after %g", e, lr, prev)
		}
		prev = lr
	}
	if lr := LearningRate(5, 10, 1e-3, 1e-200); math.Abs(lr/(1e-200/math.Cbrt(0.5))-1) > 1e-12 {
		t.Errorf("lr(5) = %g, want lrFinal/∛(1/2) = %g", lr, 1e-200/math.Cbrt(0.5))
	}
	if lr0, lrT := LearningRate(0, 10, 1e-3, 1e-200), LearningRate(10, 10, 1e-3, 1e-200); lr0 != 1e-3 || lrT != 1e-200 {
		t.Errorf("ends %g, %g; want 1e-3, 1e-200", lr0, lrT)
	}
	// A rise to a rate 1e110 times higher: finite and increasing through the run.
	prev = 0
	for e := 0; e <= 10; e++ {
		lr := LearningRate(e, 10, 1e-120, 1e-10)
		if math.IsNaN(lr) || math.IsInf(lr, 0) || !(lr > prev) {
			t.Errorf("1e-120 → 1e-10: lr(%d) = %g after %g", e, lr, prev)
		}
		prev = lr
	}
}

// TermMeans: Loss = WRec·Rec + WGauss·Gauss + WCat·Cat + WBalance·Balance for the training averages
// and the validation terms, with and without the balance penalty; occupancies sum to 1.
func TestTermMeansLossIsWeightedSum(t *testing.T) {
	data, _ := blobs(2, 24, 3, 4, 1)
	for _, wb := range []float64{0, 0.7} {
		cfg := vae.SmallConfig(2, 3)
		cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
		cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance = 1.5, 0.8, 0.3, wb
		m, err := vae.New(gomlxtest.Backend(t), cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(m, data, Options{Epochs: 2, BatchSize: 8, Seed: 1, ValFraction: 0.25})
		if err != nil {
			t.Fatal(err)
		}
		for _, em := range res.History {
			for name, tm := range map[string]*TermMeans{"train": &em.Train, "val": em.Val} {
				want := cfg.WRec*tm.Rec + cfg.WGauss*tm.Gauss + cfg.WCat*tm.Cat + cfg.WBalance*tm.Balance
				if math.Abs(tm.Loss-want) > 1e-5*math.Abs(want) {
					t.Errorf("WBalance %g, epoch %d %s: Loss %.8g, weighted sum of the terms %.8g", wb, em.Epoch, name, tm.Loss, want)
				}
				s := 0.0
				for _, o := range tm.Occupancy {
					s += o
				}
				if math.Abs(s-1) > 1e-6 || tm.Balance < 0 || tm.Balance > math.Log(2)+1e-6 {
					t.Errorf("WBalance %g, epoch %d %s: occupancy %v (sum %g), balance %g (want in [0, ln 2])", wb, em.Epoch, name, tm.Occupancy, s, tm.Balance)
				}
			}
		}
	}
}

// Options.OnEpoch runs before the epoch's checkpoint, so Metadata it updates is saved with that
// epoch; its error stops the run, is returned, and that epoch is not checkpointed.
func TestOnEpochBeforeCheckpointAndError(t *testing.T) {
	data, _ := blobs(2, 16, 3, 4, 1)
	mgr, err := checkpoints.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	meta := &struct {
		Epochs []int `json:"epochs"`
	}{}
	stop := errors.New("enough")
	res, err := Run(tinyModel(t, 3), data, Options{Epochs: 5, BatchSize: 8, Seed: 1, Checkpoints: mgr, CheckpointEvery: 1, Metadata: meta,
		OnEpoch: func(em EpochMetrics) error {
			meta.Epochs = append(meta.Epochs, em.Epoch)
			if em.Epoch == 2 {
				return stop
			}
			return nil
		}})
	if !errors.Is(err, stop) || res == nil || len(res.History) != 3 {
		t.Fatalf("error %v, result %+v; want the OnEpoch error after 3 epochs", err, res)
	}
	c, _, err := mgr.Latest()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Epochs []int `json:"epochs"`
	}
	if err := c.DecodeMetadata(&got); err != nil {
		t.Fatal(err)
	}
	if c.State.Epoch != 2 || len(got.Epochs) != 2 || got.Epochs[1] != 1 || res.Checkpoint != c.Path {
		t.Errorf("latest checkpoint: epoch %d, metadata epochs %v, path %s (Result.Checkpoint %s); want epoch 2 with [0 1]", c.State.Epoch, got.Epochs, c.Path, res.Checkpoint)
	}
}

// Fingerprint is the hex SHA-256 of N and D (uint64 little-endian) followed by the IEEE-754 bits of
// X (uint32 little-endian), so the shape counts: the same values as 2×3 and 3×2 differ.
func TestFingerprintFormat(t *testing.T) {
	x := []float32{1.5, -2, 0, float32(math.Copysign(0, -1)), 3.25e-39, 1e30}
	buf := []byte{2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0}
	for _, v := range x {
		b := math.Float32bits(v)
		buf = append(buf, byte(b), byte(b>>8), byte(b>>16), byte(b>>24))
	}
	sum := sha256.Sum256(buf)
	if got, want := Fingerprint(Data{X: x, N: 2, D: 3}), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Fingerprint %s, want %s", got, want)
	}
	if Fingerprint(Data{X: x, N: 2, D: 3}) == Fingerprint(Data{X: x, N: 3, D: 2}) {
		t.Error("2×3 and 3×2 of the same values have the same fingerprint")
	}
	big := make([]float32, 3*4096+5) // more than one 4096-value chunk
	for i := range big {
		big[i] = float32(i) * 0.25
	}
	buf = []byte{byte(len(big)), byte(len(big) >> 8), 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	for _, v := range big {
		b := math.Float32bits(v)
		buf = append(buf, byte(b), byte(b>>8), byte(b>>16), byte(b>>24))
	}
	sum = sha256.Sum256(buf)
	if got, want := Fingerprint(Data{X: big, N: len(big), D: 1}), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Fingerprint of %d values %s, want %s", len(big), got, want)
	}
}
