package infer

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestPSOpTooSmall pins NewPSOp's doc: maps with min(M, N) < 3 have no
// half-octave bin, the operator no coefficient, and evaluating it is an
// engine error (not a panic).
func TestPSOpTooSmall(t *testing.T) {
	for _, sz := range [][2]int{{2, 2}, {2, 8}, {1, 5}} {
		op := NewPSOp(sz[0], sz[1])
		if n := op.Labels().Len(); n != 0 {
			t.Errorf("%d×%d: %d coefficients, want 0", sz[0], sz[1], n)
		}
		x := stlayer.NewMaps(1, sz[0], sz[1])
		for i := range x.Data {
			x.Data[i] = float64(i)
		}
		if _, err := cpu.New().Forward(op.Key(), op.Stat(), x); err == nil {
			t.Errorf("%d×%d: evaluating the operator gave no error", sz[0], sz[1])
		}
	}
	// 3×3: min(M, N)/2 = 1.5, bins [1, √2) and [√2, 1.5)
	if n := NewPSOp(3, 3).Labels().Len(); n != 2 {
		t.Errorf("3×3: %d coefficients, want 2", n)
	}
}
