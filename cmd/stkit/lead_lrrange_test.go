package main

import (
	"path/filepath"
	"testing"
)

// A learning rate outside float32's normal range (stored as a float32 in
// the graph: 1e-50 trained at rate 0, 1e39 at +Inf) is refused with exit 2
// before the dataset is read, naming the flag (train.Options.Validate
// refuses it too, but only once the run has started).
func TestTrainLRFloat32Range(t *testing.T) {
	dir := t.TempDir()
	ds := filepath.Join(dir, "nods")
	run := filepath.Join(dir, "run")
	base := []string{"train", ds, "-o", run, "--clusters", "2"}
	for _, c := range []struct{ flag, v, frag string }{
		{"--lr", "1e-50", "--lr 1e-50: a learning rate must lie in [1.175e-38, 3.403e+38]"},
		{"--lr", "1e39", "--lr 1e+39: a learning rate must lie in"},
		{"--lr-final", "1e-45", "--lr-final 1e-45: a learning rate must lie in"},
	} {
		wantBadInput(t, append(append([]string{}, base...), c.flag, c.v), c.frag, run)
	}
}
