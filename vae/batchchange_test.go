package vae

import (
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestBatchChangeAfterUse: Model.Batch may change between calls. The evaluation graph drew its
// noise at the Batch of the first call, so a larger Batch later failed (slicing more rows than the
// noise had) and a smaller one gave other numbers than a model used with that Batch from the start;
// and every Batch added up to PadBuckets shapes to the executors' 32-entry caches, so a few changes
// ended in a cache-full error. Each call now matches a fresh model with the same Batch.
func TestBatchChangeAfterUse(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	d := cfg.InputDim()
	const n = 23
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	m, err := New(b, cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	const seed = 5
	for _, bs := range []int{4, 16, 2, 64, 0, 3, 5, 6, 7, 9, 10, 11, 12, 13, 4} {
		m.Batch = bs
		ev, err := m.Evaluate(x, seed)
		if err != nil {
			t.Fatalf("Batch %d: Evaluate: %v", bs, err)
		}
		mu, err := m.Encode(x)
		if err != nil {
			t.Fatalf("Batch %d: Encode: %v", bs, err)
		}
		_, _, probs, err := m.Assign(x)
		if err != nil {
			t.Fatalf("Batch %d: Assign: %v", bs, err)
		}
		xr, err := m.Decode(mu)
		if err != nil {
			t.Fatalf("Batch %d: Decode: %v", bs, err)
		}
		fresh, err := New(b, cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		fresh.Batch = bs
		want, err := fresh.Evaluate(x, seed)
		if err != nil {
			t.Fatal(err)
		}
		_, _, wantProbs, _ := fresh.Assign(x)
		wantXr, _ := fresh.Decode(want.Mu)
		assertSame(t, "logits", ev.Logits, want.Logits)
		assertSame(t, "mu", ev.Mu, want.Mu)
		assertSame(t, "Encode", mu, want.Mu)
		assertSame(t, "rec", ev.Rec, want.Rec)
		assertSame(t, "gauss", ev.Gauss, want.Gauss)
		assertSame(t, "cat", ev.Cat, want.Cat)
		assertSame(t, "Assign", probs, wantProbs)
		assertSame(t, "Decode", xr, wantXr)
		if t.Failed() {
			t.Fatalf("after changing Batch to %d", bs)
		}
	}
	// Many changes: each Batch adds its shapes to no cache but its own.
	z := make([]float32, 100*cfg.Z)
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	for bs := 1; bs <= 60; bs++ {
		m.Batch = bs
		if _, err := m.Decode(z); err != nil {
			t.Fatalf("Decode after changing Batch to %d: %v", bs, err)
		}
	}
}
