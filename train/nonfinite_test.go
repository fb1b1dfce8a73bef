package train

import (
	"fmt"
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
	setVariables(t, m, "running_mean", v)
}

// setVariables sets every entry of every variable of m called name to v.
func setVariables(t *testing.T, m *vae.Model, name string, v float32) {
	t.Helper()
	n := 0
	var names []string
	for vr := range m.Ctx.In(vae.Scope).IterVariablesInScope() {
		names = append(names, vr.Name())
		if vr.Name() != name {
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
		t.Fatalf("no %s variables among %v", name, names)
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
			for _, w := range []string{"validation at epoch 1/3", c.want, "Options.BNBatches"} {
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

// epochOf returns the "epoch e/E" and the "step s" of a Logf line.
func epochOf(t *testing.T, line string) (epoch string, step int) {
	t.Helper()
	var e, total int
	if _, err := fmt.Sscanf(line, "epoch %d/%d step %d", &e, &total, &step); err != nil {
		t.Fatalf("log line %q: %v", line, err)
	}
	return fmt.Sprintf("epoch %d/%d", e, total), step
}

// The errors of a non-finite training or validation loss name the epoch as its Logf line (and the
// CLI's progress and metrics) does — "epoch e/E", 1-based — and the training one the same global
// step counter as the log's "step". They numbered epochs from 0, so a run that logged "epoch 2/3"
// and then failed in its third epoch reported "epoch 2".
func TestNonFiniteErrorsNameTheLoggedEpoch(t *testing.T) {
	data, _ := blobs(2, 16, 3, 4, 1)
	opts := func(logf func(string, ...any), onEpoch func(*vae.Model, EpochMetrics)) (*vae.Model, Options) {
		m := tinyModel(t, 3)
		return m, Options{Epochs: 3, BatchSize: 8, Seed: 1, ValFraction: 0.25, BNBatches: -1, Logf: logf,
			OnEpoch: func(em EpochMetrics) error {
				if onEpoch != nil {
					onEpoch(m, em)
				}
				return nil
			}}
	}
	// The clean run: what the log calls each epoch.
	var clean []string
	model, o := opts(func(f string, a ...any) { clean = append(clean, fmt.Sprintf(f, a...)) }, nil)
	if _, err := Run(model, data, o); err != nil {
		t.Fatal(err)
	}
	if len(clean) != 3 {
		t.Fatalf("clean run logged %d lines, want 3: %q", len(clean), clean)
	}
	first, firstStep := epochOf(t, clean[0])
	second, _ := epochOf(t, clean[1])
	if first != "epoch 1/3" || second != "epoch 2/3" {
		t.Fatalf("log lines name %q and %q, want epoch 1/3 and epoch 2/3", first, second)
	}

	for _, c := range []struct {
		name     string
		variable string
		want     []string
	}{
		// NaN biases after the first epoch: the second epoch's first training step gives NaN.
		{"training", "biases", []string{"train: " + second + ", batch 1 of ", fmt.Sprintf("(step %d)", firstStep+1),
			"training loss is NaN", "Options.LearningRate"}},
		// NaN running means: training mode never reads them, evaluation mode does (BNBatches < 0).
		{"validation", "running_mean", []string{"train: validation at " + second + ": loss is NaN", "Options.BNBatches"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logged []string
			model, o := opts(func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) },
				func(m *vae.Model, em EpochMetrics) {
					if em.Epoch == 0 {
						setVariables(t, m, c.variable, float32(math.NaN()))
					}
				})
			_, err := Run(model, data, o)
			if err == nil {
				t.Fatalf("no error; logged %q", logged)
			}
			if len(logged) != 1 || logged[0] != clean[0] {
				t.Fatalf("logged %q before the error, want the clean run's first line %q", logged, clean[0])
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// A row whose logits give no posterior q(y|x) makes Evaluate's Balance and Occupancy NaN. The NaN
// probabilities were skipped in KL(q̄‖U), so a diverged model reported Balance = log K ("perfectly
// balanced") and an occupancy of 1 in cluster 0.
func TestEvaluateNonFiniteLogitsBalance(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		name   string
		logits []float32
	}{
		{"NaN first", []float32{0, 1, nan, nan}},
		{"NaN second", []float32{0, 1, 2, nan}},
		{"+Inf", []float32{0, 1, inf, 0}},
		{"all -Inf", []float32{0, 1, -inf, -inf}},
	} {
		occ, bal := posteriorTerms(c.logits, 2)
		if !math.IsNaN(bal) || len(occ) != 2 || !math.IsNaN(occ[0]) || !math.IsNaN(occ[1]) {
			t.Errorf("%s: occupancy %v balance %g, want [NaN NaN] and NaN", c.name, occ, bal)
		}
	}
	// Finite logits, and a −Inf logit among finite ones (probability 0, as the training graph's
	// softmax gives): two rows with q = (e/(1+e), 1/(1+e)) and (1, 0).
	occ, bal := posteriorTerms([]float32{1, 0, 0, -inf}, 2)
	q0 := (math.E/(1+math.E) + 1) / 2
	want := math.Log(2) + q0*math.Log(q0) + (1-q0)*math.Log(1-q0)
	if occ[0] != 1 || occ[1] != 0 || math.Abs(bal-want) > 1e-6 {
		t.Errorf("finite: occupancy %v balance %.8g, want [1 0] and %.8g", occ, bal, want)
	}
	// Through Evaluate: a model with NaN weights.
	model := tinyModel(t, 3)
	setVariables(t, model, "biases", nan)
	v, err := Evaluate(model, []float32{0, 1, 2, -1, 0, 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(v.Balance) || !math.IsNaN(v.Loss) || !math.IsNaN(v.Occupancy[0]) || !math.IsNaN(v.Occupancy[1]) {
		t.Errorf("NaN model: balance %g occupancy %v loss %g, want NaN", v.Balance, v.Occupancy, v.Loss)
	}
}
