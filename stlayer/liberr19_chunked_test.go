package stlayer_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// ForwardChunked passed each chunk to the engine, which refuses NaN maps
// (stlayer.ErrNonFinite) but names the map by its place in the chunk: a
// NaN in map 2 of 3, one map per chunk, read "map 0". ForwardChunked now
// checks the whole batch first and names map 2, without calling the engine.
func TestLiberr19ChunkedNonFinite(t *testing.T) {
	op, err := wph.New(wph.Config{J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	x := testutil.RandMaps(rand.New(rand.NewPCG(19, 3)), 3, 16, 16)
	x.Data[2*256+5*16+7] = math.NaN()
	calls := 0
	_, err = stlayer.ForwardChunked(cpu.New(), op.Key(), op.Stat(), x, 1, func(int) { calls++ })
	if err == nil || err.Error() != "stlayer: non-finite value NaN in map 2 at row 5, column 7" || !errors.Is(err, stlayer.ErrNonFinite) {
		t.Errorf("ForwardChunked: %v, want map 2 at row 5, column 7 (ErrNonFinite)", err)
	}
	if calls != 0 {
		t.Errorf("%d chunks evaluated before the refusal", calls)
	}
}
