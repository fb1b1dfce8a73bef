package train

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

func TestTemperatureAndLearningRate(t *testing.T) {
	if got := Temperature(0, 1, 0.5, DefaultTauRate); got != 1 {
		t.Errorf("τ(0) = %g", got)
	}
	if got := Temperature(25, 1, 0.3, DefaultTauRate); math.Abs(got-math.Sqrt(0.5)) > 1e-12 {
		t.Errorf("τ(25) = %g, want 1/√2", got)
	}
	if got := Temperature(50, 2, 0.5, DefaultTauRate); math.Abs(got-1) > 1e-12 {
		t.Errorf("τ halves in 50 epochs: %g", got)
	}
	if got := Temperature(1000, 1, 0.5, DefaultTauRate); got != 0.5 {
		t.Errorf("floor: %g", got)
	}
	if LearningRate(7, 10, 1e-3, 0) != 1e-3 || LearningRate(7, 10, 1e-3, 1e-3) != 1e-3 {
		t.Error("constant learning rate changed")
	}
	lr0, lr5, lr10 := LearningRate(0, 10, 1e-3, 5e-4), LearningRate(5, 10, 1e-3, 5e-4), LearningRate(10, 10, 1e-3, 5e-4)
	if math.Abs(lr0-1e-3) > 1e-15 || math.Abs(lr10-5e-4) > 1e-15 || !(lr5 < lr0 && lr5 > lr10) {
		t.Errorf("decay: %g %g %g", lr0, lr5, lr10)
	}
}

func TestHungarianMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(6)
		cost := make([][]float64, n)
		for i := range cost {
			cost[i] = make([]float64, n)
			for j := range cost[i] {
				cost[i][j] = float64(rng.IntN(20)) - 5
			}
		}
		a := Hungarian(cost)
		got := 0.0
		seen := make([]bool, n)
		for i, j := range a {
			if seen[j] {
				t.Fatalf("not a permutation: %v", a)
			}
			seen[j] = true
			got += cost[i][j]
		}
		best := math.Inf(1)
		perm := make([]int, n)
		for i := range perm {
			perm[i] = i
		}
		var rec func(k int)
		rec = func(k int) {
			if k == n {
				s := 0.0
				for i, j := range perm {
					s += cost[i][j]
				}
				best = math.Min(best, s)
				return
			}
			for i := k; i < n; i++ {
				perm[k], perm[i] = perm[i], perm[k]
				rec(k + 1)
				perm[k], perm[i] = perm[i], perm[k]
			}
		}
		rec(0)
		if got != best {
			t.Fatalf("trial %d: Hungarian cost %g, optimum %g (cost %v)", trial, got, best, cost)
		}
	}
}

func TestBestMatchAccuracy(t *testing.T) {
	truth := []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 2}
	pred := []int{2, 2, 1, 0, 0, 0, 1, 1, 1, 2} // relabelled: 2→0, 0→1, 1→2; two mistakes
	acc, perm, conf, err := BestMatchAccuracy(truth, pred, 3)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(acc-0.8) > 1e-15 || !slices.Equal(perm, []int{1, 2, 0}) {
		t.Errorf("acc %g perm %v", acc, perm)
	}
	if conf[0][2] != 2 || conf[0][1] != 1 || conf[2][1] != 3 || conf[2][2] != 1 {
		t.Errorf("confusion %v", conf)
	}
	if _, _, _, err := BestMatchAccuracy(truth, pred[:3], 3); err == nil {
		t.Error("length mismatch accepted")
	}
	if _, _, _, err := BestMatchAccuracy([]int{3}, []int{0}, 3); err == nil {
		t.Error("out-of-range label accepted")
	}
}

func TestSplitAndOrder(t *testing.T) {
	tr, va := Split(100, 0.1, 5)
	tr2, va2 := Split(100, 0.1, 5)
	if len(va) != 10 || len(tr) != 90 || !slices.Equal(tr, tr2) || !slices.Equal(va, va2) {
		t.Fatalf("split %d/%d not reproducible", len(tr), len(va))
	}
	all := append(append([]int(nil), tr...), va...)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatal("split is not a partition")
		}
	}
	_, va3 := Split(100, 0.1, 6)
	if slices.Equal(va, va3) {
		t.Error("different seeds gave the same split")
	}
	o1, o2, o3 := EpochOrder(tr, 5, 3), EpochOrder(tr, 5, 3), EpochOrder(tr, 5, 4)
	if !slices.Equal(o1, o2) || slices.Equal(o1, o3) {
		t.Error("epoch order not a function of (seed, epoch)")
	}
	d := Data{X: []float32{1, 2, 3, 4}, N: 2, D: 2}
	d2 := Data{X: []float32{1, 2, 3, 5}, N: 2, D: 2}
	if Fingerprint(d) == Fingerprint(d2) || Fingerprint(d) != Fingerprint(Data{X: []float32{1, 2, 3, 4}, N: 2, D: 2}) {
		t.Error("fingerprint")
	}
}

func smallRunConfig() vae.Config {
	c := vae.SmallConfig(2, 6)
	c.Z, c.H, c.Layers = 2, 8, 1
	return c
}

func snapshot(m *vae.Model) map[string][]byte {
	out := map[string][]byte{}
	for v := range m.Ctx.IterVariables() {
		if strings.HasPrefix(v.Scope(), "/metrics") || strings.HasPrefix(v.Scope(), "/trainer") {
			continue
		}
		var b []byte
		_ = v.MustValue().ConstBytes(func(x []byte) { b = append(b, x...) })
		out[v.ScopeAndName()] = b
	}
	return out
}

func compareSnapshots(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d vs %d variables", what, len(a), len(b))
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok {
			t.Errorf("%s: variable %s missing", what, k)
			continue
		}
		if string(va) != string(vb) {
			t.Errorf("%s: variable %s differs", what, k)
		}
	}
}

func TestResumeContinuesIdentically(t *testing.T) {
	b := gomlxtest.Backend(t)
	data, _ := blobs(2, 40, 6, 6, 3)
	cfg := smallRunConfig()
	opt := Options{BatchSize: 16, Seed: 4, Config: map[string]any{"st": "wst J=6 L=8"},
		Metadata: map[string]any{"mean": []float64{0.1}, "std": []float64{2}}}

	// Reference: three epochs in one go.
	ref, _ := vae.New(b, cfg, 11)
	o := opt
	o.Epochs = 3
	refRes, err := Run(ref, data, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(refRes.History) != 3 || refRes.History[2].Step != 3*int64(len(refRes.TrainIdx)/16) {
		t.Fatalf("reference history %d epochs, step %d", len(refRes.History), refRes.History[2].Step)
	}

	// Interrupted run: two epochs with a checkpoint after each, then everything is dropped.
	dir := t.TempDir()
	mgr, _ := checkpoints.Open(dir, 3)
	first, _ := vae.New(b, cfg, 11)
	o = opt
	o.Epochs, o.Checkpoints, o.CheckpointEvery = 2, mgr, 1
	if _, err := Run(first, data, o); err != nil {
		t.Fatal(err)
	}
	saved := snapshot(first)
	first = nil

	// Resume in a fresh model object (same seed; the checkpoint overrides every value).
	mgr2, _ := checkpoints.Open(dir, 3)
	second, _ := vae.New(b, cfg, 11)
	o = opt
	o.Epochs, o.Checkpoints, o.Resume = 3, mgr2, true
	var restored map[string][]byte
	o.OnEpoch = func(em EpochMetrics) error { return nil }
	c, _, err := mgr2.Latest()
	if err != nil || c.State.Epoch != 2 {
		t.Fatalf("latest checkpoint: %v epoch %d", err, c.State.Epoch)
	}
	var meta struct {
		Std []float64 `json:"std"`
	}
	if err := c.DecodeMetadata(&meta); err != nil || meta.Std[0] != 2 {
		t.Fatalf("metadata %v %v", meta, err)
	}
	// Check the restore alone first (identical variables at the saved step).
	probe, _ := vae.New(b, cfg, 99)
	if err := c.Restore(probe.Ctx); err != nil {
		t.Fatal(err)
	}
	restored = snapshot(probe)
	compareSnapshots(t, "restored vs saved", saved, restored)

	res, err := Run(second, data, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.StartEpoch != 2 || len(res.History) != 1 || res.History[0].Epoch != 2 {
		t.Fatalf("resumed run started at %d with %d epochs", res.StartEpoch, len(res.History))
	}
	if res.History[0].Step != refRes.History[2].Step {
		t.Errorf("resumed step %d, reference %d", res.History[0].Step, refRes.History[2].Step)
	}
	if res.History[0].Train.Loss != refRes.History[2].Train.Loss {
		t.Errorf("epoch-3 loss %.9g resumed vs %.9g uninterrupted", res.History[0].Train.Loss, refRes.History[2].Train.Loss)
	}
	compareSnapshots(t, "resumed vs uninterrupted", snapshot(ref), snapshot(second))

	// A truncated newest checkpoint: resume falls back to the previous one and still ends identical.
	list, _ := mgr2.List()
	if len(list) != 3 {
		t.Fatalf("expected 3 checkpoints (epochs 1, 2, 3), got %v", list)
	}
	for _, p := range list[1:] {
		st, _ := os.Stat(p)
		if err := os.Truncate(p, st.Size()-100); err != nil {
			t.Fatal(err)
		}
	}
	third, _ := vae.New(b, cfg, 11)
	res3, err := Run(third, data, o)
	if err != nil {
		t.Fatal(err)
	}
	if res3.StartEpoch != 1 || len(res3.SkippedCheckpoints) != 2 || !errors.Is(res3.SkippedCheckpoints[0], checkpoints.ErrCorrupt) {
		t.Fatalf("fallback: start %d skipped %v", res3.StartEpoch, res3.SkippedCheckpoints)
	}
	compareSnapshots(t, "resumed from the older checkpoint vs uninterrupted", snapshot(ref), snapshot(third))

	// A different configuration is refused with a clear error.
	fourth, _ := vae.New(b, cfg, 11)
	o.Config = map[string]any{"st": "wst J=5 L=8"}
	if _, err := Run(fourth, data, o); !errors.Is(err, checkpoints.ErrConfigMismatch) || !strings.Contains(err.Error(), `"user.st": saved "wst J=6 L=8", requested "wst J=5 L=8"`) {
		t.Fatalf("other ST configuration: %v", err)
	}
	o.Config = opt.Config
	o.BatchSize = 8
	if _, err := Run(fourth, data, o); !errors.Is(err, checkpoints.ErrConfigMismatch) || !strings.Contains(err.Error(), "batch_size") {
		t.Fatalf("other batch size: %v", err)
	}
}

func TestEarlyStoppingAndValidation(t *testing.T) {
	b := gomlxtest.Backend(t)
	data, _ := blobs(2, 30, 6, 6, 5)
	m, _ := vae.New(b, smallRunConfig(), 1)
	// MinDelta is huge: only the first evaluation counts as an improvement.
	var bar bytes.Buffer
	var lines []string
	res, err := Run(m, data, Options{Epochs: 10, BatchSize: 16, Seed: 1, Patience: 2, MinDelta: 1e9, ValFraction: 0.2,
		Progress: true, ProgressOut: &bar, Logf: func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.EarlyStopped || len(res.History) != 3 || res.BestEpoch != 0 {
		t.Fatalf("early stop: stopped %v after %d epochs, best %d", res.EarlyStopped, len(res.History), res.BestEpoch)
	}
	if bar.Len() == 0 || !strings.Contains(bar.String(), "epoch") {
		t.Errorf("progress bar wrote %q", bar.String())
	}
	if len(lines) != 3 || !strings.Contains(lines[0], "val loss") {
		t.Errorf("log lines %q", lines)
	}
	if len(res.ValIdx) != 12 {
		t.Errorf("validation rows %d, want 12", len(res.ValIdx))
	}
	for _, em := range res.History {
		v := em.Val
		if v == nil {
			t.Fatal("missing validation metrics")
		}
		K := float64(len(v.Occupancy))
		if !(v.Cat > 0 && v.Cat < math.Log(K)) || math.IsNaN(v.Gauss) || math.IsInf(v.Gauss, 0) {
			t.Errorf("epoch %d: categorical KL %g outside (0, log K) or Gaussian term %g not finite", em.Epoch, v.Cat, v.Gauss)
		}
		s := 0.0
		for _, o := range em.Train.Occupancy {
			s += o
		}
		if math.Abs(s-1) > 1e-6 {
			t.Errorf("occupancy sums to %g", s)
		}
		cfg := m.Cfg
		if math.Abs(v.Loss-(cfg.WRec*v.Rec+cfg.WGauss*v.Gauss+cfg.WCat*v.Cat+cfg.WBalance*v.Balance)) > 1e-9 {
			t.Errorf("validation loss is not the weighted sum of its terms")
		}
	}
	// Validation never advances the training RNG: the same run without evaluations ends identical.
	m1, _ := vae.New(b, smallRunConfig(), 1)
	m2, _ := vae.New(b, smallRunConfig(), 1)
	if _, err := Run(m1, data, Options{Epochs: 3, BatchSize: 16, Seed: 1, ValFraction: 0.2, EvalEvery: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(m2, data, Options{Epochs: 3, BatchSize: 16, Seed: 1, ValFraction: 0.2, EvalEvery: 100}); err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, "with vs without validation", snapshot(m1), snapshot(m2))
	// The temperature follows the schedule.
	if got := m1.Temperature(); math.Abs(got-Temperature(2, 1, 0.5, DefaultTauRate)) > 1e-6 {
		t.Errorf("final temperature %g", got)
	}
}
