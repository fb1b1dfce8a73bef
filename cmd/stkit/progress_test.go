package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// A progress bar written to something that is not a terminal (a log file, a
// pipe, a buffer) comes out as plain lines: no carriage returns, no blanking
// runs, no repeated line, the final count on the last line.
func TestBarOnLogIsLines(t *testing.T) {
	var buf bytes.Buffer
	bar := newBar(&buf, 5, "work")
	for i := 0; i < 5; i++ {
		_ = bar.Add(1)
	}
	endBar(bar, false)
	out := buf.String()
	if strings.ContainsRune(out, '\r') {
		t.Errorf("carriage returns in %q", out)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" || strings.HasSuffix(l, " ") {
			t.Errorf("line %d %q: blank or padded", i, l)
		}
		if i > 0 && l == lines[i-1] {
			t.Errorf("line %d repeats the previous one", i)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "work") || !strings.Contains(last, "(5/5)") {
		t.Errorf("last line %q, want the description and (5/5)", last)
	}
	// A regular file is not a terminal either.
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&buf) {
		t.Error("a file or a buffer taken for a terminal")
	}
}

// A step bar on a log writes one line for the first step, at most one per
// 10 s after it, and one for the step it ends on, each with its own step's
// description and count (train's epochs: no line twice, none stale).
func TestStepBarOnLog(t *testing.T) {
	var buf bytes.Buffer
	bar := newStepBar(&buf, 5, "train")
	for i := 1; i <= 5; i++ {
		bar.Step(fmt.Sprintf("epoch %d/5", i))
	}
	endBar(bar, false)
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "epoch 1/5 (1/5) [") || !strings.HasPrefix(lines[1], "epoch 5/5 (5/5) [") {
		t.Errorf("lines %q, want the first and the last step", lines)
	}
	// Stopped after step 3: the line of step 3 closes the log.
	buf.Reset()
	bar = newStepBar(&buf, 5, "train")
	for i := 1; i <= 3; i++ {
		bar.Step(fmt.Sprintf("epoch %d/5", i))
	}
	endBar(bar, true)
	endBar(bar, true) // a second close writes nothing more
	lines = strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "epoch 3/5 (3/5) [") {
		t.Errorf("lines %q, want steps 1 and 3", lines)
	}
	// With no throttle every step has its line, once.
	buf.Reset()
	bar = newStepBar(&buf, 3, "train")
	bar.every = 0
	for i := 1; i <= 3; i++ {
		bar.Step(fmt.Sprintf("epoch %d/3", i))
	}
	endBar(bar, false)
	if n := strings.Count(buf.String(), "\n"); n != 3 {
		t.Errorf("%d lines, want 3: %q", n, buf.String())
	}
}

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
