package main

import (
	"bytes"
	"strings"
	"testing"
)

// A bar that stopped early is finished at the count reached, with the note,
// not drawn as the planned count; one that ran its plan is finished as is.
func TestEndBarAt(t *testing.T) {
	var buf bytes.Buffer
	bar := newBar(&buf, 187, "L-BFGS")
	_ = bar.Set(7)
	endBarAt(bar, 7, 187, "stopped at iteration 7 of 187")
	out := buf.String()
	if !strings.Contains(out, "(7/7)") || !strings.Contains(out, "stopped at iteration 7 of 187") || strings.Contains(out, "187/187") {
		t.Errorf("early stop drawn as %q", out)
	}
	buf.Reset()
	bar = newBar(&buf, 20, "L-BFGS")
	_ = bar.Set(20)
	endBarAt(bar, 20, 20, "not shown")
	if out := buf.String(); !strings.Contains(out, "(20/20)") || strings.Contains(out, "not shown") {
		t.Errorf("complete run drawn as %q", out)
	}
}
