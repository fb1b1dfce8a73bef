package main

import (
	"bytes"
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
