// Package primstack finds which stlayer.Prim method an engine was running
// when it panicked, for the engines' internal-error reports.
package primstack

import (
	"reflect"
	"runtime"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// primNames is the set of stlayer.Prim's method names.
var primNames = func() map[string]bool {
	t := reflect.TypeFor[stlayer.Prim]()
	m := make(map[string]bool, t.NumMethod())
	for i := range t.NumMethod() {
		m[t.Method(i).Name] = true
	}
	return m
}()

// Outermost returns the outermost stlayer.Prim method on the calling
// goroutine's stack whose function name contains recv (an engine's receiver
// prefix, e.g. "stlayer/cpu.(*run)."), a closure of one (its adjoint, a
// kernel) counting as the method; "" if there is none.
func Outermost(recv string) string {
	pc := make([]uintptr, 256)
	n := runtime.Callers(2, pc)
	frames := runtime.CallersFrames(pc[:n])
	op := ""
	for {
		fr, more := frames.Next()
		if i := strings.Index(fr.Function, recv); i >= 0 {
			name, _, _ := strings.Cut(fr.Function[i+len(recv):], ".")
			if primNames[name] {
				op = name
			}
		}
		if !more {
			return op
		}
	}
}
