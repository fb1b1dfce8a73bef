package stlayer_test

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// rowsEngine is a fake engine whose Forward returns rows rows of K = 2
// coefficients whatever the number of maps it is given (rows < 0: one per
// map), with the values given (nil: 2·rows zeros, so that Coeffs.Check
// passes).
type rowsEngine struct {
	rows  int
	data  func(rows int) []complex128
	calls int
}

func (e *rowsEngine) Name() string { return "fake" }

func (e *rowsEngine) Forward(key string, s stlayer.Stat, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	e.calls++
	r := e.rows
	if r < 0 {
		r = x.B
	}
	d := make([]complex128, 2*r)
	if e.data != nil {
		d = e.data(r)
	}
	return &stlayer.Coeffs{B: r, K: 2, H: 1, W: 1, Data: d}, nil
}

func (e *rowsEngine) LossGrad(string, stlayer.Stat, *stlayer.Maps, stlayer.LossFunc) (float64, []float64, error) {
	panic("not used")
}

// TestForwardChunkedChecksWholeBatch: when one call covered the whole batch
// (chunk ≥ B, or the default chunk on small maps), ForwardChunked returned
// the engine's result unchecked: 3 rows for 5 maps came back as they were,
// with progress(5) called, while the chunked path refused them. Both paths
// now check Coeffs.Check and the row count alike.
func TestForwardChunkedChecksWholeBatch(t *testing.T) {
	x := stlayer.NewMaps(5, 4, 4)
	for _, chunk := range []int{0, 5, 9, 2} {
		var done []int
		progress := func(n int) { done = append(done, n) }
		e := &rowsEngine{rows: 3}
		c, err := stlayer.ForwardChunked(e, "k", nil, x, chunk, progress)
		if err == nil || c != nil || !strings.Contains(err.Error(), "fake returned 3 rows for") {
			t.Errorf("chunk %d, 3 rows: (%v, %v), want the error 'fake returned 3 rows for … maps' and no coefficients", chunk, c, err)
		}
		if len(done) != 0 {
			t.Errorf("chunk %d, 3 rows: progress called with %v, want never", chunk, done)
		}
		// right row count, but too few values: Coeffs.Check fails
		e = &rowsEngine{rows: -1, data: func(int) []complex128 { return make([]complex128, 1) }}
		c, err = stlayer.ForwardChunked(e, "k", nil, x, chunk, progress)
		if err == nil || c != nil || !strings.Contains(err.Error(), "fake returned unusable coefficients") {
			t.Errorf("chunk %d, 1 value: (%v, %v), want 'fake returned unusable coefficients'", chunk, c, err)
		}
		// a correct engine still passes, with progress as before
		e = &rowsEngine{rows: -1}
		c, err = stlayer.ForwardChunked(e, "k", nil, x, chunk, progress)
		if err != nil || c.B != 5 || c.K != 2 || len(c.Data) != 10 {
			t.Errorf("chunk %d, one row per map: (%+v, %v), want 5 rows of 2", chunk, c, err)
		}
		if want := map[int]int{0: 1, 5: 1, 9: 1, 2: 3}[chunk]; e.calls != want || len(done) != want || done[len(done)-1] != 5 {
			t.Errorf("chunk %d: %d calls, progress %v; want %d calls ending at 5", chunk, e.calls, done, want)
		}
	}
}
