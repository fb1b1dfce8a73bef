package train

import (
	"testing"
)

// The documented edge cases of Split and Options.Stop.
func TestDocumentedEdges(t *testing.T) {
	// A fraction that rounds to every row still leaves one training row.
	for _, c := range []struct {
		n        int
		f        float64
		tr, vals int
	}{{10, 0.96, 1, 9}, {10, 1, 1, 9}, {10, 0.01, 9, 1}, {1, 0.5, 1, 0}} {
		if tr, va := Split(c.n, c.f, 3); len(tr) != c.tr || len(va) != c.vals {
			t.Errorf("Split(%d, %g) = %d training, %d validation rows; want %d, %d", c.n, c.f, len(tr), len(va), c.tr, c.vals)
		}
	}
	// Stop is polled after every epoch but the last.
	data, _ := blobs(2, 16, 3, 4, 1)
	model := tinyModel(t, 3)
	polls := 0
	res, err := Run(model, data, Options{Epochs: 3, BatchSize: 8, Seed: 1, Stop: func() bool { polls++; return false }})
	if err != nil {
		t.Fatal(err)
	}
	if polls != 2 || res.Stopped {
		t.Errorf("3 epochs: Stop polled %d times (want 2), Stopped %v", polls, res.Stopped)
	}
}
