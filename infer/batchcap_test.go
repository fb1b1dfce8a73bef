package infer

import (
	"context"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestBatchLargerThanPool: a SeparationOptions.Batch larger than the pool of
// distinct residual samples is reduced to the pool and reported in
// RequestedBatch (setup and result); a batch within the pool and the
// automatic batch report 0.
func TestBatchLargerThanPool(t *testing.T) {
	eng := cpu.New()
	p, _, _ := toyProblem(t, 32, true)
	p.Contaminant = mapsOf(32, field(t, 32, -1, 0.2, 3, 0.5, 0), field(t, 32, -1, 0.2, 4, 0.5, 0), field(t, 32, -1, 0.2, 5, 0.5, 0))
	for _, c := range []struct{ batch, want, requested int }{{50, 3, 50}, {3, 3, 0}, {2, 2, 0}, {0, 3, 0}} {
		setup, err := BuildSeparation(eng, p, SeparationOptions{Batch: c.batch})
		if err != nil {
			t.Fatalf("batch %d: %v", c.batch, err)
		}
		if setup.Batch != c.want || setup.Pool != 3 || setup.RequestedBatch != c.requested {
			t.Errorf("batch %d of a pool of 3: setup batch %d, pool %d, requested %d; want %d, 3, %d", c.batch, setup.Batch, setup.Pool, setup.RequestedBatch, c.want, c.requested)
		}
	}
	res, err := RunSeparation(context.Background(), eng, p, SeparationOptions{Batch: 50, Stages: DefaultSepStages(1, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Batch != 3 || res.Pool != 3 || res.RequestedBatch != 50 {
		t.Errorf("result: batch %d, pool %d, requested %d; want 3, 3, 50", res.Batch, res.Pool, res.RequestedBatch)
	}
}
