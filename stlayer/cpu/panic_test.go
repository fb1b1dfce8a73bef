package cpu

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// wantInternal checks that err is an *InternalError whose panic value is a
// runtime error and whose message names the place, the value and the
// stack; it returns the InternalError.
func wantInternal(t *testing.T, name string, err error, frags ...string) *InternalError {
	t.Helper()
	var ie *InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("%s: error %v, want *InternalError", name, err)
	}
	var re runtime.Error
	if !errors.As(err, &re) {
		t.Errorf("%s: %v does not unwrap to the runtime.Error", name, err)
	}
	msg := err.Error()
	for _, f := range append(frags, "internal error", "index out of range", "goroutine ", "panic_test.go") {
		if !strings.Contains(msg, f) {
			t.Errorf("%s: error does not mention %q:\n%s", name, f, msg)
		}
	}
	return ie
}

// A runtime error in the statistic's own code used to crash the caller
// (asError re-panicked runtime errors); Forward and LossGrad now return an
// *InternalError with the value and the stack, and the engine stays usable
// (same coefficients as a fresh engine afterwards).
func TestInternalErrorInStatistic(t *testing.T) {
	e := New()
	x := testutil.RandMaps(rand.New(rand.NewPCG(3, 1)), 2, 16, 16)
	var idx []int
	bad := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := p.Modulus(p.FFT2(x))
		_ = idx[3]
		return p.Mean(y)
	}
	_, err := e.Forward("defect", bad, x)
	ie := wantInternal(t, "Forward", err, "statistic's own code", "forward pass", "after 2 primitive calls", "maps [2, 16, 16]")
	if ie.Op != "" || ie.Phase != "forward" {
		t.Errorf("Forward: op %q phase %q, want the statistic's own code in the forward pass", ie.Op, ie.Phase)
	}
	_, _, err = e.LossGrad("defect", bad, x, testutil.SumAbs2)
	wantInternal(t, "LossGrad", err, "statistic's own code")

	var nilSlice []complex128
	_, _, err = e.LossGrad("lossdefect", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }, x,
		func(c *stlayer.Coeffs) (float64, []complex128, error) {
			return 0, []complex128{nilSlice[len(c.Data)]}, nil
		})
	if ie := wantInternal(t, "loss", err, "in the loss function"); ie.Phase != "loss" {
		t.Errorf("loss: phase %q", ie.Phase)
	}

	good := s1Like(randBanks(rand.New(rand.NewPCG(4, 1)), 2, 2, 16, 16))
	a, err := e.Forward("good", good, x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New().Forward("good", good, x)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CompareScaled(t, "after the internal errors", a.Data, b.Data, 0, 0)
}

// A panic in a primitive's kernel on one of the worker goroutines used to
// end the process (no recover can reach another goroutine); it now comes
// back as an *InternalError naming the primitive and the shapes it read,
// with the worker's stack. Simulated by a broken 64-point FFT plan (the
// row transforms run on 4 goroutines).
func TestInternalErrorInWorker(t *testing.T) {
	x := testutil.RandMaps(rand.New(rand.NewPCG(5, 1)), 8, 64, 64)
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Modulus(p.FFT2(x))) }
	e := New(WithWorkers(4))
	e.radix[64] = brokenPlan()
	_, err := e.Forward("fft", stat, x)
	ie := wantInternal(t, "Forward", err, "in FFT2 (primitive call 1, reading [8,1,64,64])")
	if ie.Op != "FFT2" || len(ie.Shapes) != 1 || ie.Shapes[0] != [4]int{8, 1, 64, 64} {
		t.Errorf("Forward: op %q shapes %v", ie.Op, ie.Shapes)
	}

	// The backward pass: the plan breaks between forward and backward.
	e = New(WithWorkers(4))
	_, _, err = e.LossGrad("fft", stat, x, func(c *stlayer.Coeffs) (float64, []complex128, error) {
		e.radix[64] = brokenPlan()
		return testutil.SumAbs2(c)
	})
	ie = wantInternal(t, "LossGrad", err, "in the adjoint of FFT2 (backward pass, output [8,1,64,64])")
	if ie.Phase != "backward" || ie.Op != "FFT2" {
		t.Errorf("LossGrad: op %q phase %q", ie.Op, ie.Phase)
	}
}

// brokenPlan is a 64-point FFT plan whose bit reversal swaps an index far
// out of range.
func brokenPlan() *radixPlan {
	p := newRadixPlan(64)
	p.swaps = append(slices.Clone(p.swaps), [2]int32{0, 1 << 20})
	return p
}

// parFor hands a worker's panic to its caller only once every goroutine
// has returned (none still writes into the buffers when the caller
// unwinds), with the worker's stack; the engine's own panics keep their
// value.
func TestParForPanic(t *testing.T) {
	e := New(WithWorkers(4))
	var active atomic.Int32
	var p any
	func() {
		defer func() { p = recover() }()
		e.parFor(64, 1<<12, func(lo, hi int) {
			active.Add(1)
			defer active.Add(-1)
			if lo == 0 {
				panic("chunk 0 failed")
			}
			time.Sleep(5 * time.Millisecond)
		})
	}()
	if n := active.Load(); n != 0 {
		t.Errorf("parFor returned with %d chunks still running", n)
	}
	wp, ok := p.(workerPanic)
	if !ok || wp.value != "chunk 0 failed" || !strings.Contains(string(wp.stack), "TestParForPanic") {
		t.Fatalf("panic value %#v, want a workerPanic of the chunk's value with its stack", p)
	}
	func() {
		defer func() { p = recover() }()
		e.parFor(64, 1<<12, func(lo, hi int) { shapePanic("bad") })
	}()
	if _, ok := p.(primError); !ok {
		t.Errorf("primError through parFor: panic value %#v", p)
	}
}
