package infer

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPatchPrior21SepContext: a cancelled PatchSepOptions.Context stops
// SeparateWithPatchPriors between batches (50×50, 3×3 patches: 2304 data
// patches, batches of 2048): cancelled after the first batch, it returns
// no maps and an error wrapping context.Canceled that says where it
// stopped; cancelled before, no batch runs.
func TestPatchPrior21SepContext(t *testing.T) {
	const p = 3
	d := p * p
	rng := rand.New(rand.NewPCG(3, 4))
	mk := func(scale float64) *PatchPrior {
		return &PatchPrior{P: p, K: 1, Weights: []float64{1}, Means: make([]float64, d), Covs: randSPD(rng, d, scale)}
	}
	a, b := mk(1), mk(0.3)
	data := stlayer.NewMaps(1, 50, 50)
	for j := range data.Data {
		data.Data[j] = rng.NormFloat64()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	opt := PatchSepOptions{Context: ctx, Progress: func(done, total int) { calls++; cancel() }}
	out, err := SeparateWithPatchPriors(data, a, b, opt)
	if out != nil || !errors.Is(err, context.Canceled) || calls != 1 ||
		!strings.Contains(err.Error(), "patch-prior separation: stopped after 2048 of 2304 data patches: context canceled") {
		t.Fatalf("cancelled after the first batch: maps %v, %d progress calls, error %v", out != nil, calls, err)
	}
	calls = 0
	out, err = SeparateWithPatchPriors(data, a, b, opt)
	if out != nil || !errors.Is(err, context.Canceled) || calls != 0 || !strings.Contains(err.Error(), "stopped after 0 of 2304") {
		t.Fatalf("cancelled before: maps %v, %d progress calls, error %v", out != nil, calls, err)
	}
}
