package graph

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// A panic in the loss function (host Go code) used to propagate out of
// LossGrad and crash the caller; it is now an *InternalError naming the loss
// function, with the panic value and the stack, as on the cpu engine. An
// error value the loss panics with is returned as it is, a nil loss is
// refused, and the engine stays usable afterwards.
func TestLossPanicIsError(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	x := testutil.RandMaps(rand.New(rand.NewPCG(3, 1)), 2, 16, 16)
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Modulus(p.FFT2(x))) }

	var nilSlice []complex128
	_, _, err := e.LossGrad("mean", mean, x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
		return 0, []complex128{nilSlice[len(c.Data)]}, nil
	})
	var ie *InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("runtime error in the loss: error %v, want *InternalError", err)
	}
	if ie.Phase != "loss" || ie.Maps != [3]int{2, 16, 16} {
		t.Errorf("phase %q maps %v, want loss [2 16 16]", ie.Phase, ie.Maps)
	}
	var re runtime.Error
	if !errors.As(err, &re) {
		t.Errorf("%v does not unwrap to the runtime.Error", err)
	}
	msg := err.Error()
	for _, f := range []string{"graph engine: internal error", "in the loss function", "on maps [2, 16, 16]", "index out of range [2] with length 0", "goroutine ", "panic_test.go"} {
		if !strings.Contains(msg, f) {
			t.Errorf("error does not mention %q:\n%s", f, msg)
		}
	}

	own := errors.New("loss: bad target")
	_, _, err = e.LossGrad("mean", mean, x, func(*stlayer.Coeffs) (float64, []complex128, error) { panic(own) })
	if err != own {
		t.Errorf("loss panicking with an error: got %v, want that error", err)
	}
	_, _, err = e.LossGrad("mean", mean, x, func(*stlayer.Coeffs) (float64, []complex128, error) { panic("no target") })
	if !errors.As(err, &ie) || ie.Value != "no target" || !strings.Contains(err.Error(), "panic: no target") {
		t.Errorf("loss panicking with a string: got %v, want an *InternalError with the value", err)
	}
	if _, _, err = e.LossGrad("mean", mean, x, nil); err == nil || !strings.Contains(err.Error(), "nil loss function") {
		t.Errorf("nil loss: got %v", err)
	}

	l, g, err := e.LossGrad("mean", mean, x, stlayer.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	l0, g0, err := New(gomlxtest.Backend(t)).LossGrad("mean", mean, x, stlayer.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	if l != l0 {
		t.Errorf("loss after the panics %g, a fresh engine's %g", l, l0)
	}
	if !slices.Equal(g, g0) {
		t.Errorf("gradient after the panics differs from a fresh engine's")
	}
}
