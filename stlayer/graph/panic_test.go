package graph

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

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

// A runtime panic in a statistic's own Go code while its graph was built
// used to come back as GoMLX's "runtime panic: : runtime error: index out
// of range [3] with length 0", with no stack and nothing saying it was the
// statistic's code. Forward and LossGrad now return an *InternalError of
// Phase "statistic" naming the statistic, the maps, the panic value and the
// stack of the panic, as the cpu engine does; an error value the statistic
// panics with is returned as it is, and the engine stays usable.
func TestStatisticPanicIsError(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	x := testutil.RandMaps(rand.New(rand.NewPCG(3, 1)), 2, 16, 16)
	var idx []int
	bad := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := p.Modulus(p.FFT2(x))
		_ = idx[3]
		return p.Mean(y)
	}
	check := func(name string, err error) {
		t.Helper()
		var ie *InternalError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: error %v, want *InternalError", name, err)
		}
		if ie.Phase != "statistic" || ie.Op != "" || ie.Key != "defect" || ie.Maps != [3]int{2, 16, 16} {
			t.Errorf("%s: phase %q op %q key %q maps %v, want the statistic's own code, key defect, [2 16 16]", name, ie.Phase, ie.Op, ie.Key, ie.Maps)
		}
		var re runtime.Error
		if !errors.As(err, &re) {
			t.Errorf("%s: %v does not unwrap to the runtime.Error", name, err)
		}
		msg := err.Error()
		for _, f := range []string{"graph engine: internal error (a defect; please report it with this message) in the statistic's own code (statistic \"defect\", while its graph was built) on maps [2, 16, 16]: panic: runtime error: index out of range [3] with length 0\n",
			"goroutine ", "panic_test.go", "TestStatisticPanicIsError.func1"} {
			if !strings.Contains(msg, f) {
				t.Errorf("%s: error does not mention %q:\n%s", name, f, msg)
			}
		}
		if strings.Contains(msg, "runtime panic:") {
			t.Errorf("%s: error is still GoMLX's wrapping:\n%s", name, msg)
		}
	}
	_, err := e.Forward("defect", bad, x)
	check("Forward", err)
	_, err = e.Forward("defect", bad, x) // not kept as a broken graph
	check("Forward again", err)
	_, _, err = e.LossGrad("defect", bad, x, stlayer.SumAbs2)
	check("LossGrad", err)
	if n := e.NumExecs(); n != 0 {
		t.Errorf("%d compiled graphs kept after the failed builds, want 0", n)
	}

	own := &stlayer.ErrShape{Msg: "teststat: map 16×16 too small"}
	_, err = e.Forward("own", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { panic(own) }, x)
	if err != own {
		t.Errorf("statistic panicking with its own error: got %v (%T), want that error", err, err)
	}
	_, err = e.Forward("str", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { panic("no channel") }, x)
	var ie *InternalError
	if !errors.As(err, &ie) || ie.Value != "no channel" || ie.Phase != "statistic" || !strings.Contains(err.Error(), "panic: no channel") {
		t.Errorf("statistic panicking with a string: got %v, want an *InternalError with the value", err)
	}

	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Modulus(p.FFT2(x))) }
	a, err := e.Forward("mean", mean, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(gomlxtest.Backend(t)).Forward("mean", mean, x)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Data, b.Data) {
		t.Errorf("coefficients after the panics differ from a fresh engine's")
	}
}

// LossGrad held the engine's lock while the loss function ran, so a loss
// that called back into the same engine (Forward of another statistic,
// e.g. a reference term, or a nested LossGrad) deadlocked. The loss now
// runs without the lock: the result is the outer loss plus what the inner
// calls returned, and the gradient is the one of the outer loss alone.
func TestLossCallsBackIntoEngine(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	x := testutil.RandMaps(rand.New(rand.NewPCG(5, 1)), 2, 16, 16)
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Modulus(p.FFT2(x))) }
	pow := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(p.Modulus(x), 2)) }
	l0, g0, err := New(gomlxtest.Backend(t)).LossGrad("mean", mean, x, stlayer.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := New(gomlxtest.Backend(t)).Forward("pow", pow, x)
	if err != nil {
		t.Fatal(err)
	}
	lref, _, err := New(gomlxtest.Backend(t)).LossGrad("pow", pow, x, stlayer.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}

	type result struct {
		l   float64
		g   []float64
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, g, err := e.LossGrad("mean", mean, x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
			r, err := e.Forward("pow", pow, x) // another statistic on the same engine
			if err != nil {
				return 0, nil, err
			}
			li, _, err := e.LossGrad("pow", pow, x, stlayer.SumAbs2) // and a nested LossGrad
			if err != nil {
				return 0, nil, err
			}
			l, g, err := stlayer.SumAbs2(c)
			return l + real(r.Data[0]) + li, g, err
		})
		done <- result{l, g, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if want := l0 + real(ref.Data[0]) + lref; r.l != want {
			t.Errorf("loss %g, want %g (outer %g + Forward %g + nested LossGrad %g)", r.l, want, l0, real(ref.Data[0]), lref)
		}
		if !slices.Equal(r.g, g0) {
			t.Errorf("gradient differs from the outer loss's alone")
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("LossGrad whose loss calls Forward on the same engine did not return in 2 minutes (deadlock on the engine's lock)")
	}
}
