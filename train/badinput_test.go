package train

import (
	"math"
	"os"
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// tinyModel is a 2-cluster VAE small enough that building it costs little.
func tinyModel(t *testing.T, d int) *vae.Model {
	t.Helper()
	cfg := vae.SmallConfig(2, d)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	m, err := vae.New(gomlxtest.Backend(t), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Run refuses bad models, data and options before any training step or
// checkpoint: nothing is written and the model keeps its variables.
func TestRunRefusesBadInput(t *testing.T) {
	data, _ := blobs(2, 16, 3, 4, 1)
	model := tinyModel(t, 3)
	dir := t.TempDir()
	mgr, err := checkpoints.Open(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	ok := Options{Epochs: 1, BatchSize: 8, Checkpoints: mgr}
	with := func(f func(o *Options)) Options { o := ok; f(&o); return o }
	nanData := Data{X: append([]float32(nil), data.X...), N: data.N, D: data.D}
	nanData.X[7] = float32(nan)
	cases := []struct {
		name  string
		model *vae.Model
		data  Data
		opt   Options
		want  string
	}{
		{"nil model", nil, data, ok, "nil model"},
		{"model without context", &vae.Model{Cfg: model.Cfg, Backend: model.Backend}, data, ok, "context"},
		{"model without backend", &vae.Model{Cfg: model.Cfg, Ctx: model.Ctx}, data, ok, "backend"},
		{"model with an invalid config", &vae.Model{Cfg: vae.Config{K: 1, Channels: 1, Features: 3}, Ctx: model.Ctx, Backend: model.Backend}, data, ok, "K"},
		{"no rows", model, Data{D: 3}, ok, "N ≥ 1"},
		{"length not N·D", model, Data{X: data.X[:10], N: data.N, D: data.D}, ok, "N·D"},
		{"wrong width", model, Data{X: make([]float32, 40), N: 10, D: 4}, ok, "4 columns"},
		{"NaN value", model, nanData, ok, "row 2 column 1"},
		{"zero epochs", model, data, with(func(o *Options) { o.Epochs = 0 }), "Epochs"},
		{"NaN learning rate", model, data, with(func(o *Options) { o.LearningRate = nan }), "LearningRate"},
		{"Inf learning rate", model, data, with(func(o *Options) { o.LearningRate = math.Inf(1) }), "LearningRate"},
		{"NaN final learning rate", model, data, with(func(o *Options) { o.LearningRateFinal = nan }), "LearningRateFinal"},
		{"negative final learning rate", model, data, with(func(o *Options) { o.LearningRateFinal = -1e-4 }), "LearningRateFinal"},
		{"NaN clip", model, data, with(func(o *Options) { o.ClipValue = nan }), "ClipValue"},
		{"NaN Tau0", model, data, with(func(o *Options) { o.Tau0 = nan }), "Tau0"},
		{"Inf TauMin", model, data, with(func(o *Options) { o.TauMin = math.Inf(1) }), "TauMin"},
		{"NaN TauRate", model, data, with(func(o *Options) { o.TauRate = nan }), "TauRate"},
		{"NaN ValFraction", model, data, with(func(o *Options) { o.ValFraction = nan }), "ValFraction"},
		{"ValFraction 1", model, data, with(func(o *Options) { o.ValFraction = 1 }), "ValFraction"},
		{"NaN MinDelta", model, data, with(func(o *Options) { o.MinDelta = nan }), "MinDelta"},
		{"Resume without Checkpoints", model, data, with(func(o *Options) { o.Resume, o.Checkpoints = true, nil }), "Checkpoints"},
		// Negative values of fields whose 0 selects a default were taken as 0 without a word;
		// BatchSize 1 was refused as "need at least 2 training rows per batch (batch norm), have 32".
		{"one training row", model, Data{X: data.X[:6], N: 2, D: 3}, ok,
			"need at least 2 training rows (batch normalisation), have 1 of the 2 rows after holding out 1 for validation (Options.ValFraction)"},
		{"negative BatchSize", model, data, with(func(o *Options) { o.BatchSize = -8 }),
			"Options.BatchSize must be ≥ 2 (batch normalisation needs two rows) or 0 for the default 512, got -8"},
		{"BatchSize 1", model, data, with(func(o *Options) { o.BatchSize = 1 }), "Options.BatchSize must be ≥ 2 (batch normalisation needs two rows) or 0 for the default 512, got 1"},
		{"negative learning rate", model, data, with(func(o *Options) { o.LearningRate = -1e-3 }), "Options.LearningRate must be ≥ 0 (0: the default 1e-3), got -0.001"},
		{"negative Tau0", model, data, with(func(o *Options) { o.Tau0 = -1 }), "Options.Tau0 must be ≥ 0 (0: the default 1), got -1"},
		{"negative TauMin", model, data, with(func(o *Options) { o.TauMin = -0.5 }), "Options.TauMin must be ≥ 0 (0: the default 0.5), got -0.5"},
		{"negative TauRate", model, data, with(func(o *Options) { o.TauRate = -0.01 }), "Options.TauRate must be ≥ 0 (0: the default ln2/50; a negative rate would raise τ every epoch), got -0.01"},
		{"negative EvalEvery", model, data, with(func(o *Options) { o.EvalEvery = -2 }), "Options.EvalEvery must be ≥ 0 (0: the default 1), got -2"},
		{"negative CheckpointEvery", model, data, with(func(o *Options) { o.CheckpointEvery = -1 }), "Options.CheckpointEvery must be ≥ 0 (0: only at the end), got -1"},
		{"negative MinDelta", model, data, with(func(o *Options) { o.MinDelta = -0.1 }), "Options.MinDelta must be ≥ 0 (0: any decrease is an improvement), got -0.1"},
	}
	before, _, _, err := model.Assign(data.X)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		testutil.Refused(t, c.name, func() error { _, err := Run(c.model, c.data, c.opt); return err }, c.want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused runs left %d files in the checkpoint folder", len(ents))
	}
	after, _, _, err := model.Assign(data.X)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("refused runs changed the model (row %d: cluster %d → %d)", i, before[i], after[i])
		}
	}
}

// Evaluate refuses what would give NaN means (no rows) or garbage, instead of
// returning it.
func TestEvaluateRefusesBadInput(t *testing.T) {
	model := tinyModel(t, 3)
	testutil.Refused(t, "nil model", func() error { _, err := Evaluate(nil, make([]float32, 6), 1); return err }, "nil model")
	testutil.Refused(t, "no rows", func() error { _, err := Evaluate(model, nil, 1); return err }, "no rows")
	testutil.Refused(t, "ragged", func() error { _, err := Evaluate(model, make([]float32, 7), 1); return err }, "multiple")
	testutil.Refused(t, "NaN", func() error {
		_, err := Evaluate(model, []float32{0, 1, float32(math.NaN()), 0, 0, 0}, 1)
		return err
	}, "row 0")
}

// The host helpers refuse what they cannot answer: SolveAssignment (behind
// Hungarian) a ragged cost (Hungarian panicked) or a non-finite one (an
// arbitrary assignment for a NaN), Data.Rows an index out of range; Split
// with n < 0 (panicked) gives empty lists.
func TestHostHelpersRefuseBadInput(t *testing.T) {
	for name, cost := range map[string][][]float64{
		"ragged":   {{1, 2}, {3}},
		"NaN":      {{1, math.NaN()}, {3, 4}},
		"+Inf":     {{math.Inf(1), 2}, {3, 4}},
		"-Inf":     {{1, 2}, {math.Inf(-1), 4}},
		"nil rows": {nil, nil},
	} {
		testutil.Refused(t, "SolveAssignment "+name, func() error { _, err := SolveAssignment(cost); return err }, "cost")
		if a := Hungarian(cost); a != nil {
			t.Errorf("Hungarian(%s) = %v, want nil", name, a)
		}
	}
	if a, err := SolveAssignment(nil); err != nil || len(a) != 0 {
		t.Errorf("SolveAssignment(empty) = %v, %v", a, err)
	}
	d := Data{X: make([]float32, 6), N: 3, D: 2}
	testutil.Refused(t, "Rows out of range", func() error { _, err := d.Rows([]int{0, 3}); return err }, "index 3")
	testutil.Refused(t, "Rows negative", func() error { _, err := d.Rows([]int{-1}); return err }, "index -1")
	testutil.Refused(t, "Rows of invalid data", func() error { _, err := (Data{X: make([]float32, 5), N: 3, D: 2}).Rows([]int{0}); return err }, "N·D")
	if tr, va := Split(-4, 0.5, 1); len(tr) != 0 || len(va) != 0 {
		t.Errorf("Split(-4) = %v, %v; want two empty lists", tr, va)
	}
	if tr, va := Split(10, math.NaN(), 1); len(tr) != 10 || len(va) != 0 {
		t.Errorf("Split(10, NaN) = %d, %d rows; want 10, 0", len(tr), len(va))
	}
}
