package cpu

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// InternalError.Call said "the number of the primitive call being made, or
// when Op is "" the number of calls made", which is what the forward pass
// records; in the backward pass (Op the primitive whose adjoint ran) and in
// the loss it is the number of primitive calls the forward pass made. The
// doc says so; pinned here with a 3-call statistic.
func TestInternalErrorCallCount(t *testing.T) {
	x := testutil.RandMaps(rand.New(rand.NewPCG(5, 1)), 2, 64, 64)
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Modulus(p.FFT2(x))) }
	e := New(WithWorkers(2))
	_, _, err := e.LossGrad("fft", stat, x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
		e.radix[64] = brokenPlan()
		return testutil.SumAbs2(c)
	})
	var ie *InternalError
	if !errors.As(err, &ie) || ie.Phase != "backward" || ie.Op != "FFT2" || ie.Call != 3 {
		t.Errorf("backward: %+v, want phase backward, op FFT2, call 3", ie)
	}
	var nilSlice []complex128
	_, _, err = New().LossGrad("loss", stat, x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
		return 0, []complex128{nilSlice[len(c.Data)]}, nil
	})
	if !errors.As(err, &ie) || ie.Phase != "loss" || ie.Op != "" || ie.Call != 3 {
		t.Errorf("loss: phase %q op %q call %d, want loss, \"\", 3", ie.Phase, ie.Op, ie.Call)
	}
	_, err = New().Forward("fwd", func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := p.Modulus(p.FFT2(x))
		_ = nilSlice[2]
		return y
	}, x)
	if !errors.As(err, &ie) || ie.Phase != "forward" || ie.Op != "" || ie.Call != 2 {
		t.Errorf("forward: phase %q op %q call %d, want forward, \"\", 2", ie.Phase, ie.Op, ie.Call)
	}
}
