package cpu

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// TestPartialChunkReusesBuffers: a batch that is not a whole number of
// chunks (6 maps by 4) leaves the engine holding about the buffer memory of a
// batch of whole chunks (8 maps by 4): the last, smaller chunk works in the
// full chunks' buffers (it used to allocate a second set beside them: 1.3×
// the memory; now 2–5 % more, scratch buffers of the smaller chunk's FFTs
// and reductions). One worker, so that the number of scratch buffers held
// at once does not depend on scheduling. The rows are bit for bit those of
// each chunk evaluated on a fresh engine.
func TestPartialChunkReusesBuffers(t *testing.T) {
	const M, chunk = 64, 4
	wcfg := wph.DefaultConfig()
	wcfg.J = 4
	wop, err := wph.New(wcfg, M, M)
	if err != nil {
		t.Fatal(err)
	}
	sop, err := scov.New(scov.Config{J: 4, L: 4}, M, M)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(91, 92))
	for _, c := range []struct {
		name string
		key  string
		stat stlayer.Stat
	}{{"wph", wop.Key(), wop.Stat()}, {"scov", sop.Key(), sop.Stat()}} {
		whole := New(WithWorkers(1))
		if _, err := stlayer.ForwardChunked(whole, c.key, c.stat, testutil.RandMaps(rng, 2*chunk, M, M), chunk, nil); err != nil {
			t.Fatal(err)
		}
		full := whole.PoolBytes()
		x := testutil.RandMaps(rng, chunk+2, M, M)
		e := New(WithWorkers(1))
		got, err := stlayer.ForwardChunked(e, c.key, c.stat, x, chunk, nil)
		if err != nil {
			t.Fatal(err)
		}
		part := e.PoolBytes()
		t.Logf("%s: buffers held after 8 maps by 4: %d KiB, after 6 maps by 4: %d KiB", c.name, full>>10, part>>10)
		if float64(part) > 1.1*float64(full) {
			t.Errorf("%s: the engine holds %d KiB of buffers after 6 maps by chunks of 4, over 1.1× the %d KiB after 8 maps: the partial chunk allocated its own set", c.name, part>>10, full>>10)
		}
		mn := M * M
		var want []complex128
		for _, r := range [][2]int{{0, chunk}, {chunk, chunk + 2}} {
			sub := &stlayer.Maps{B: r[1] - r[0], M: M, N: M, Data: x.Data[r[0]*mn : r[1]*mn]}
			co, err := New().Forward(c.key, c.stat, sub)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, co.Data...)
		}
		if !reflect.DeepEqual(got.Data, want) {
			t.Errorf("%s: chunked rows differ from the chunks evaluated on fresh engines (max |Δ| %.3g)", c.name, cabsDiff(got.Data, want))
		}
	}
}
