package graph

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// Pow is defined for a finite q > 0 only (stlayer.Prim); other exponents are
// refused with an ErrShape naming the exponent.
func TestPowExponentRefused(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	x := stlayer.NewMaps(1, 4, 4)
	for i := range x.Data {
		x.Data[i] = float64(i%5) - 2 // includes zeros
	}
	var es *stlayer.ErrShape
	for i, q := range []float64{0, -1, -0.5, math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := e.Forward("pow"+string(rune('a'+i)), func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(x, q)) }, x)
		if !errors.As(err, &es) || !strings.Contains(err.Error(), "Pow: exponent q = ") ||
			!strings.Contains(err.Error(), "finite q > 0") {
			t.Errorf("Pow(x, %g): Forward error %v, want an ErrShape naming the exponent", q, err)
		}
	}
	c, err := e.Forward("pow.5", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(x, 0.5)) }, x)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for _, v := range x.Data {
		want += math.Sqrt(math.Abs(v))
	}
	want /= 16
	if got := real(c.Data[0]); math.Abs(got-want) > 1e-5 {
		t.Errorf("mean |x|^0.5 = %g, want %g", got, want)
	}
}
