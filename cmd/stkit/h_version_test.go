package main

import (
	"strings"
	"testing"
)

// TestVersionUnknownEngine: `stkit --engine foo version` failed with exit 1
// (a failure) where every other command gives exit 2 (bad input) for the
// same flag; it is exit 2 now, the known lines still printed. Control:
// --engine cpu prints the engine line, exit 0.
func TestVersionUnknownEngine(t *testing.T) {
	code, out, errs := runCLI(t, "--engine", "foo", "version")
	if code != 2 || !strings.Contains(errs, `stkit: unknown engine "foo" (want auto, cpu or graph)`) || !strings.Contains(out, "go:      ") {
		t.Errorf("--engine foo: exit %d (want 2)\nstdout %s\nstderr %s", code, out, errs)
	}
	code, out, errs = runCLI(t, "--engine", "cpu", "version")
	if code != 0 || !strings.Contains(out, "engine:  cpu (plain Go") {
		t.Errorf("--engine cpu: exit %d\nstdout %s\nstderr %s", code, out, errs)
	}
}
