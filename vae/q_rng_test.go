package vae

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestInferenceLeavesTrainingRNG pins "independent of the training RNG" (Evaluate) and "the training
// RNG untouched" (RecomputeBNStats): the context's RNG state, which ContextNoise and training draw
// from, is bit-identical after Evaluate, EvaluateTerms, Encode, Assign, Decode, SamplePrior and
// RecomputeBNStats; and two Evaluate calls with one seed agree bit for bit.
func TestInferenceLeavesTrainingRNG(t *testing.T) {
	cfg := tinyCfg()
	m, err := New(gomlxtest.Backend(t), cfg, 8)
	if err != nil {
		t.Fatal(err)
	}
	state := func() []uint64 {
		v := m.Ctx.GetVariableByScopeAndName(context.RootScope, context.RNGStateVariableName)
		if v == nil {
			t.Fatal("no RNG state variable in the model's context")
		}
		return tensors.MustCopyFlatData[uint64](v.MustValue())
	}
	before := state()
	d := cfg.InputDim()
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float32, 12*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	if _, err := m.Evaluate(x, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := m.EvaluateTerms(x, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Encode(x); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := m.Assign(x); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.SamplePrior(1, 3, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RecomputeBNStats(x, 4, 3); err != nil {
		t.Fatal(err)
	}
	after := state()
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("RNG state word %d changed: %#x → %#x", i, before[i], after[i])
		}
	}
	ev2, err := m.Evaluate(x, 4)
	if err != nil {
		t.Fatal(err)
	}
	ev3, err := m.Evaluate(x, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ev2.Gauss {
		if ev2.Gauss[i] != ev3.Gauss[i] || ev2.Rec[i] != ev3.Rec[i] {
			t.Fatalf("row %d: two Evaluate calls with seed 4 differ", i)
		}
	}
}
