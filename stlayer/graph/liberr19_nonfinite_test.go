package graph

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// A NaN map passed silently through eng.Forward on the graph engine: a
// 64² WST J=4 gave 336 zero and 17 NaN coefficients, no error (zeros that
// look valid). Forward and LossGrad now refuse a NaN or ±Inf in the
// map-scale scan, before any graph is built or run (the loss is not
// called), naming the first bad pixel as stats.Forward does, with an error
// matching stlayer.ErrNonFinite (and not ErrSize or ErrFloat32Range, even
// with a tiny map before it). The size refusals match stlayer.ErrSize.
func TestLiberr19GraphNonFinite(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	op, err := scov.New(scov.Config{J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	base := testutil.RandMaps(rand.New(rand.NewPCG(19, 2)), 2, 16, 16)
	for _, tc := range []struct {
		v         float64
		b, i, j   int
		tinyFirst bool
		want      string
	}{
		{math.NaN(), 1, 2, 3, false, "graph: non-finite value NaN in map 1 at row 2, column 3"},
		{math.Inf(1), 0, 0, 0, false, "graph: non-finite value +Inf in map 0 at row 0, column 0"},
		{math.Inf(-1), 1, 15, 15, true, "graph: non-finite value -Inf in map 1 at row 15, column 15"},
	} {
		x := stlayer.NewMaps(2, 16, 16)
		copy(x.Data, base.Data)
		if tc.tinyFirst {
			for i := range x.Map(0) {
				x.Data[i] *= 1e-20 // below MinMapScale: refused too, but the non-finite value is named
			}
		}
		x.Data[(tc.b*16+tc.i)*16+tc.j] = tc.v
		_, err := e.Forward(op.Key(), op.Stat(), x)
		graphNonFinite(t, "Forward", err, tc.want)
		calls := 0
		_, _, err = e.LossGrad(op.Key(), op.Stat(), x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
			calls++
			return stlayer.SumAbs2(c)
		})
		graphNonFinite(t, "LossGrad", err, tc.want)
		if calls != 0 {
			t.Errorf("LossGrad called the loss %d times on a refused batch", calls)
		}
	}
	if n := e.lru.Len(); n != 0 {
		t.Errorf("%d graphs compiled for refused batches, want 0", n)
	}
	for _, tc := range []struct {
		x    *stlayer.Maps
		want string
	}{
		{nil, "graph: nil maps"},
		{&stlayer.Maps{B: 1, M: 16, N: 16, Data: make([]float64, 100)}, "graph: maps [1,16,16] with 100 values (want 256 = B·M·N)"},
	} {
		_, err := e.Forward(op.Key(), op.Stat(), tc.x)
		_, _, err2 := e.LossGrad(op.Key(), op.Stat(), tc.x, stlayer.SumAbs2)
		for _, err := range []error{err, err2} {
			var es *stlayer.ErrShape
			if err == nil || err.Error() != tc.want || !errors.Is(err, stlayer.ErrSize) || !errors.As(err, &es) || errors.Is(err, stlayer.ErrNonFinite) {
				t.Errorf("error %v, want %q as an *ErrShape matching ErrSize only", err, tc.want)
			}
		}
	}
}

func graphNonFinite(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("%s: error %v, want %q", what, err, want)
	}
	if !errors.Is(err, stlayer.ErrNonFinite) {
		t.Errorf("%s: %v does not match stlayer.ErrNonFinite", what, err)
	}
	if errors.Is(err, stlayer.ErrSize) || errors.Is(err, ErrFloat32Range) || IsShapeError(err) {
		t.Errorf("%s: %v matches another kind", what, err)
	}
}
