package graph

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// A value that a compiled graph's Exec panicked with (recovered in runStat,
// after GoMLX's own recovery) was formatted with %v, so errors.As and
// errors.Is on an error value under it failed: a *stlayer.ErrShape came back
// as a bare string error. execPanicError now wraps error values with %w and
// returns a primitive's primError as its error.
func TestExecPanicErrorWraps(t *testing.T) {
	shape := &stlayer.ErrShape{Msg: "map 8×8 below the filters' support"}
	err := execPanicError(shape)
	var se *stlayer.ErrShape
	if !errors.As(err, &se) || se != shape || err.Error() != "graph: map 8×8 below the filters' support" {
		t.Errorf("*stlayer.ErrShape: %q (errors.As %v), want it wrapped", err, errors.As(err, &se))
	}
	if !IsShapeError(err) {
		t.Errorf("IsShapeError(%v) = false", err)
	}
	own := &stlayer.ErrShape{Msg: "graph: upstream gradient [2] for output [3]"}
	if err := execPanicError(own); err != own {
		t.Errorf("error already prefixed \"graph: \": %q (%T), want it as it is", err, err)
	}
	inner := errors.New("backend: buffer donated twice")
	if err := execPanicError(fmt.Errorf("exec: %w", inner)); !errors.Is(err, inner) || err.Error() != "graph: exec: backend: buffer donated twice" {
		t.Errorf("wrapped error: %q, errors.Is %v", err, errors.Is(err, inner))
	}
	var re runtime.Error
	func() {
		defer func() { re, _ = recover().(runtime.Error) }()
		var s []int
		_ = s[1]
	}()
	if err := execPanicError(re); !errors.As(err, new(runtime.Error)) || err.Error() != "graph: "+re.Error() {
		t.Errorf("runtime.Error: %q, want it wrapped", err)
	}
	if err := execPanicError(primError{shape}); err != shape {
		t.Errorf("primError: %v (%T), want its error as it is", err, err)
	}
	if err := execPanicError("no buffer"); err.Error() != "graph: no buffer" || errors.Unwrap(err) != nil {
		t.Errorf("string: %q, want \"graph: no buffer\" and nothing to unwrap", err)
	}
}
