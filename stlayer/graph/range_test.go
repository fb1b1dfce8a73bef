package graph

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// A map scaled by 1e20 overflows float32 (|z|² > 3.4e38) inside the
// statistic: the graph engine used to return Inf/NaN coefficients without
// a word (the float64 cpu engine gives finite ones). Forward and LossGrad
// now return an ErrFloat32Range error naming the map's largest |value| and
// the remedies; the same map at 1e3 is fine, and a statistic that is
// non-finite at any scale (x/0) still returns its Inf coefficients, as the
// cpu engine does.
func TestFloat32RangeError(t *testing.T) {
	const n = 16
	op, err := wph.New(wph.Config{J: 3, L: 4}, n, n)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 10))
	base := testutil.RandMaps(r, 2, n, n)
	scaled := func(s float64) *stlayer.Maps {
		x := &stlayer.Maps{B: base.B, M: n, N: n, Data: make([]float64, len(base.Data))}
		for i, v := range base.Data {
			x.Data[i] = s * v
		}
		return x
	}
	amax := 0.0
	for _, v := range base.Data {
		amax = max(amax, math.Abs(v))
	}
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()

	if c, err := cpu.New().Forward(op.Key(), op.Stat(), scaled(1e20)); err != nil {
		t.Fatal(err)
	} else {
		for i, v := range c.Data {
			if cmplx.IsNaN(v) || cmplx.IsInf(v) {
				t.Fatalf("cpu engine: coefficient %d = %v at 1e20", i, v)
			}
		}
	}
	if _, bad, err := e.forwardRaw(op.Key(), op.Stat(), scaled(1e20)); err != nil || bad < 0 {
		t.Fatalf("premise: the float32 graph at 1e20 gives finite coefficients (err %v)", err)
	}
	_, err = e.Forward(op.Key(), op.Stat(), scaled(1e20))
	if !errors.Is(err, ErrFloat32Range) {
		t.Fatalf("Forward at 1e20: error %v, want ErrFloat32Range", err)
	}
	testutil.Refused(t, "Forward at 1e20", func() error { return err },
		"float32", "largest |value| is "+fmtG(1e20*amax), "overflow", "rescale the maps", "--engine cpu")
	testutil.Refused(t, "LossGrad at 1e20", func() error {
		_, _, err := e.LossGrad(op.Key(), op.Stat(), scaled(1e20), testutil.SumAbs2)
		return err
	}, "float32", "overflow")
	if _, err := e.Forward(op.Key(), op.Stat(), scaled(1e3)); err != nil {
		t.Errorf("Forward at 1e3: %v", err)
	}

	div0 := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Div(p.Mean(x), p.Mean(p.Sub(x, x))) }
	c, err := e.Forward("div0", div0, scaled(1))
	if err != nil {
		t.Fatalf("x/0: error %v, want its Inf coefficients", err)
	}
	if !cmplx.IsInf(c.Data[0]) && !cmplx.IsNaN(c.Data[0]) {
		t.Errorf("x/0 = %v, want non-finite", c.Data[0])
	}
}

func fmtG(v float64) string { return fmt.Sprintf("%.3g", v) }
