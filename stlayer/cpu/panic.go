package cpu

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/stkit-org/stkit/internal/primstack"
	"github.com/stkit-org/stkit/stlayer"
)

// InternalError is the error Forward and LossGrad return when the
// computation panicked with something other than an argument error: a
// runtime error (index out of range, nil dereference) or another panic
// value, in the engine's own code or in the statistic or loss function.
// It is a defect (of stkit or of the statistic), not a problem with the
// maps: Error gives the panic value, where it happened and the stack of
// the panic, to be included in a bug report.
type InternalError struct {
	// Phase is "forward", "loss" (the LossFunc) or "backward".
	Phase string
	// Op is the primitive (stlayer.Prim method, or its adjoint in the
	// backward phase) that was running; "" when the panic came from the
	// statistic's or the loss function's own code.
	Op string
	// Call is, in the forward phase, the number of the primitive call being
	// made (1 for the statistic's first), or when Op is "" the number of
	// calls made; in the loss and backward phases, the number of primitive
	// calls the forward pass made.
	Call int
	// Shapes are the [B, C, H, W] of the fields the call read (forward) or
	// of the output whose adjoint was running (backward).
	Shapes [][4]int
	// Maps is the input batch's [B, M, N].
	Maps [3]int
	// Value is the value the code panicked with; Stack the stack of the
	// goroutine that panicked, at the panic.
	Value any
	Stack []byte
}

func (e *InternalError) Error() string {
	var b strings.Builder
	b.WriteString("cpu engine: internal error (a defect; please report it with this message) ")
	switch {
	case e.Op != "" && e.Phase == "backward":
		fmt.Fprintf(&b, "in the adjoint of %s (backward pass, output %s)", e.Op, shapesString(e.Shapes))
	case e.Op != "":
		fmt.Fprintf(&b, "in %s (primitive call %d, reading %s)", e.Op, e.Call, shapesString(e.Shapes))
	case e.Phase == "loss":
		b.WriteString("in the loss function")
	default:
		fmt.Fprintf(&b, "in the statistic's own code (%s pass, after %d primitive calls)", e.Phase, e.Call)
	}
	fmt.Fprintf(&b, " on maps [%d, %d, %d]: panic: %v\n%s", e.Maps[0], e.Maps[1], e.Maps[2], e.Value, e.Stack)
	return b.String()
}

// Unwrap returns the panic value when it is an error (e.g. a runtime.Error).
func (e *InternalError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

func shapesString(s [][4]int) string {
	if len(s) == 0 {
		return "no field"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprintf("[%d,%d,%d,%d]", d[0], d[1], d[2], d[3])
	}
	return strings.Join(parts, ", ")
}

// asError turns the panic value p of a Forward or LossGrad run r, in the
// given phase, into its error: a primitive's primError, an error value
// panicked by the statistic itself (e.g. a *stlayer.ErrShape for maps of
// another size than the operator's), else an *InternalError carrying the
// value, the stack and the primitive that was running. It must be called
// from the deferred function that recovered p (it reads the stack).
func asError(p any, r *run, phase string, x *stlayer.Maps) error {
	if wp, ok := p.(workerPanic); ok {
		// The worker's stack, then the caller's (which primitive, which
		// statistic) when the panic was on another goroutine.
		st := wp.stack
		if own := debug.Stack(); !bytes.Equal(goroutineLine(own), goroutineLine(st)) {
			st = append(append(st, "\nwhile the worker's caller was at:\n"...), own...)
		}
		return r.internalError(wp.value, st, phase, x)
	}
	if pe, ok := p.(primError); ok {
		return pe.err
	}
	if err, ok := p.(error); ok {
		if _, isRuntime := err.(runtime.Error); !isRuntime {
			return err
		}
	}
	return r.internalError(p, debug.Stack(), phase, x)
}

// goroutineLine returns the first line of a stack trace ("goroutine N
// [running]:").
func goroutineLine(st []byte) []byte {
	l, _, _ := bytes.Cut(st, []byte("\n"))
	return l
}

// internalError builds the InternalError of panic value v with stack st.
// The primitive is found on the calling goroutine's stack (the recovering
// deferred function runs on top of the panicking frames, and parFor
// re-panics a worker's panic on the goroutine that called it).
func (r *run) internalError(v any, st []byte, phase string, x *stlayer.Maps) *InternalError {
	e := &InternalError{Phase: phase, Value: v, Stack: st, Maps: [3]int{x.B, x.M, x.N}, Call: max(len(r.fields)-1, 0)}
	e.Op = primOnStack()
	switch {
	case e.Op == "":
	case phase == "backward" && r.backOut != nil:
		f := r.backOut
		e.Shapes = [][4]int{{f.b, f.c, f.h, f.w}}
	case phase == "forward":
		e.Call = r.readsFor
		for _, f := range r.reads {
			e.Shapes = append(e.Shapes, [4]int{f.b, f.c, f.h, f.w})
		}
	}
	return e
}

// primOnStack returns the outermost stlayer.Prim method of the engine on
// the calling goroutine's stack, "" if there is none.
func primOnStack() string { return primstack.Outermost("stlayer/cpu.(*run).") }
