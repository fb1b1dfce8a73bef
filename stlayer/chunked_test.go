package stlayer_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// TestForwardChunked: chunked evaluation gives the rows of one Forward of the
// whole batch (to round-off), in order, for chunk sizes that divide the batch,
// leave a short last chunk, exceed it, or are chosen by default; progress sees
// the maps done after each chunk.
func TestForwardChunked(t *testing.T) {
	x := testutil.RandMaps(rand.New(rand.NewPCG(1, 2)), 5, 32, 32)
	op, err := wph.New(wph.Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	e := cpu.New()
	whole, err := e.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		chunk int
		done  []int
	}{{1, []int{1, 2, 3, 4, 5}}, {2, []int{2, 4, 5}}, {5, []int{5}}, {9, []int{5}}, {0, []int{5}}} {
		var done []int
		got, err := stlayer.ForwardChunked(e, op.Key(), op.Stat(), x, c.chunk, func(n int) { done = append(done, n) })
		if err != nil {
			t.Fatalf("chunk %d: %v", c.chunk, err)
		}
		if got.B != whole.B || got.K != whole.K || got.H != whole.H || got.W != whole.W {
			t.Fatalf("chunk %d: shape [%d %d %d %d], want [%d %d %d %d]", c.chunk, got.B, got.K, got.H, got.W, whole.B, whole.K, whole.H, whole.W)
		}
		testutil.CompareScaled(t, "chunked rows", got.Data, whole.Data, 1e-12, 1e-14)
		if !slices.Equal(done, c.done) {
			t.Errorf("chunk %d: progress %v, want %v", c.chunk, done, c.done)
		}
	}
	if _, err := stlayer.ForwardChunked(e, op.Key(), op.Stat(), &stlayer.Maps{B: 2, M: 32, N: 32}, 1, nil); err == nil {
		t.Error("maps without data accepted")
	}
}

func TestLog2Floor(t *testing.T) {
	for _, c := range [][2]int{{-5, 0}, {0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 2}, {255, 7}, {256, 8}, {1<<62 + 1, 62}} {
		if got := stlayer.Log2Floor(c[0]); got != c[1] {
			t.Errorf("Log2Floor(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}
