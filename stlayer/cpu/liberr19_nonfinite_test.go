package cpu

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// A NaN map passed silently through eng.Forward (the README's first
// snippet): the cpu engine gave all-NaN coefficients, no error. Forward
// and LossGrad now refuse a NaN or ±Inf in the map-scale scan, before the
// statistic runs (the loss is not called), naming the first bad pixel as
// stats.Forward does, with an error matching stlayer.ErrNonFinite (and not
// ErrSize or ErrFloat64Range, even with a tiny map before it).
func TestLiberr19CPUNonFinite(t *testing.T) {
	e := New()
	op, err := scov.New(scov.Config{J: 3, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	base := testutil.RandMaps(rand.New(rand.NewPCG(19, 1)), 2, 16, 16)
	for _, tc := range []struct {
		v         float64
		b, i, j   int
		tinyFirst bool
		want      string
	}{
		{math.NaN(), 1, 2, 3, false, "cpu: non-finite value NaN in map 1 at row 2, column 3"},
		{math.Inf(1), 0, 0, 0, false, "cpu: non-finite value +Inf in map 0 at row 0, column 0"},
		{math.Inf(-1), 1, 15, 15, true, "cpu: non-finite value -Inf in map 1 at row 15, column 15"},
	} {
		x := stlayer.NewMaps(2, 16, 16)
		copy(x.Data, base.Data)
		if tc.tinyFirst {
			for i := range x.Map(0) {
				x.Data[i] *= 1e-200 // below MinMapScale: refused too, but the non-finite value is named
			}
		}
		x.Data[(tc.b*16+tc.i)*16+tc.j] = tc.v
		_, err := e.Forward(op.Key(), op.Stat(), x)
		checkNonFinite(t, "Forward", err, tc.want)
		calls := 0
		_, _, err = e.LossGrad(op.Key(), op.Stat(), x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
			calls++
			return stlayer.SumAbs2(c)
		})
		checkNonFinite(t, "LossGrad", err, tc.want)
		if calls != 0 {
			t.Errorf("LossGrad called the loss %d times on a refused batch", calls)
		}
	}
	// Finite maps still evaluate.
	if _, err := e.Forward(op.Key(), op.Stat(), base); err != nil {
		t.Fatalf("finite maps: %v", err)
	}
}

func checkNonFinite(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("%s: error %v, want %q", what, err, want)
	}
	if !errors.Is(err, stlayer.ErrNonFinite) {
		t.Errorf("%s: %v does not match stlayer.ErrNonFinite", what, err)
	}
	var es *stlayer.ErrShape
	if errors.Is(err, stlayer.ErrSize) || errors.Is(err, stlayer.ErrScales) || errors.Is(err, ErrFloat64Range) || errors.As(err, &es) {
		t.Errorf("%s: %v matches another kind", what, err)
	}
}

// The engine's own shape refusals (nil maps, a Data length other than
// B·M·N) were *stlayer.ErrShape with no kind; they now match
// stlayer.ErrSize, still as *stlayer.ErrShape, messages unchanged.
func TestLiberr19CPUSize(t *testing.T) {
	e := New()
	op, err := scov.New(scov.Config{J: 3, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		x    *stlayer.Maps
		want string
	}{
		{nil, "cpu: nil maps"},
		{&stlayer.Maps{B: 1, M: 16, N: 16, Data: make([]float64, 100)}, "cpu: maps [1,16,16] with 100 values (want 256 = B·M·N)"},
		{&stlayer.Maps{B: 0, M: 16, N: 16}, "cpu: maps [0,16,16] with 0 values (want B, M, N ≥ 1)"},
	} {
		for what, err := range map[string]error{
			"Forward": func() error { _, err := e.Forward(op.Key(), op.Stat(), tc.x); return err }(),
			"LossGrad": func() error {
				_, _, err := e.LossGrad(op.Key(), op.Stat(), tc.x, stlayer.SumAbs2)
				return err
			}(),
		} {
			var es *stlayer.ErrShape
			if err == nil || err.Error() != tc.want || !errors.Is(err, stlayer.ErrSize) || !errors.As(err, &es) || es.Kind != stlayer.ErrSize || errors.Is(err, stlayer.ErrNonFinite) {
				t.Errorf("%s: error %v, want %q as an *ErrShape matching ErrSize only", what, err, tc.want)
			}
		}
	}
}
