package vae

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

func runningStats(m *Model) map[string][]float32 {
	out := map[string][]float32{}
	for name, v := range variableValues(m) {
		if strings.HasSuffix(name, "/running_mean") || strings.HasSuffix(name, "/running_var") {
			out[name] = v
		}
	}
	return out
}

// TestRecomputeBNStatsManyBatchSizes: RecomputeBNStats with 39 different batch sizes (2…40 on 40
// rows) used to fail from the 33rd on ("maximum cache size of 32 reached": its executor compiled
// one graph per batch size). Every call now succeeds, returns ⌊n/batch⌋, and leaves exactly the
// statistics a fresh model computes with that batch size alone.
func TestRecomputeBNStatsManyBatchSizes(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := tinyCfg()
	m, err := New(b, cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.InputDim()
	const n = 40
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for batch := 2; batch <= n; batch++ {
		nb, err := m.RecomputeBNStats(x, batch, 1)
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		if nb != n/batch {
			t.Fatalf("batch %d: %d batches used, want %d", batch, nb, n/batch)
		}
	}
	for _, batch := range []int{7, 40} {
		if _, err := m.RecomputeBNStats(x, batch, 1); err != nil {
			t.Fatal(err)
		}
		fresh, _ := New(b, cfg, 5)
		if _, err := fresh.RecomputeBNStats(x, batch, 1); err != nil {
			t.Fatal(err)
		}
		got, want := runningStats(m), runningStats(fresh)
		if len(want) < 10 {
			t.Fatalf("only %d running statistics found", len(want))
		}
		for name, w := range want {
			for i := range w {
				if got[name][i] != w[i] {
					t.Fatalf("batch %d: %s[%d] = %v after many batch sizes, %v on a fresh model", batch, name, i, got[name][i], w[i])
				}
			}
		}
	}
}
