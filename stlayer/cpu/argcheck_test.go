package cpu

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// Pow is defined for a finite q > 0 only (stlayer.Prim); other exponents are
// refused with an ErrShape naming the exponent, in Forward and LossGrad.
func TestPowExponentRefused(t *testing.T) {
	e := New()
	x := stlayer.NewMaps(1, 4, 4)
	for i := range x.Data {
		x.Data[i] = float64(i%5) - 2 // includes zeros
	}
	var es *stlayer.ErrShape
	for _, q := range []float64{0, -1, -0.5, math.NaN(), math.Inf(1), math.Inf(-1)} {
		stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(x, q)) }
		_, err := e.Forward("pow", stat, x)
		if !errors.As(err, &es) || !strings.Contains(err.Error(), "Pow: exponent q = ") ||
			!strings.Contains(err.Error(), "finite q > 0") {
			t.Errorf("Pow(x, %g): Forward error %v, want an ErrShape naming the exponent", q, err)
		}
		if _, _, err := e.LossGrad("pow", stat, x, testutil.SumAbs2); !errors.As(err, &es) {
			t.Errorf("Pow(x, %g): LossGrad error %v, want an ErrShape", q, err)
		}
	}
	if _, err := e.Forward("pow0", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Pow(x, 0) }, x); err == nil ||
		!strings.Contains(err.Error(), "q = 0;") {
		t.Errorf("Pow(x, 0) unreduced: error %v", err)
	}
	// Valid exponents still work: mean |x|^0.5 over the 16 pixels.
	c, err := e.Forward("pow.5", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(x, 0.5)) }, x)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for _, v := range x.Data {
		want += math.Sqrt(math.Abs(v))
	}
	want /= 16
	if got := real(c.Data[0]); math.Abs(got-want) > 1e-12 {
		t.Errorf("mean |x|^0.5 = %g, want %g", got, want)
	}
}
