//go:build linux

package main

import (
	"os"
	"testing"
)

// TestPipefix19NullIsNoTerminal: /dev/null, a character device, is no
// terminal for the progress bar (with 2>/dev/null it redrew every 100 ms
// into it, pipe's report), and newBar on it is the log bar (lineWriter);
// a pseudo-terminal's master (/dev/ptmx), where it can be opened, is one.
func TestPipefix19NullIsNoTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if st, _ := null.Stat(); st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is not a character device here", os.DevNull)
	}
	if isTerminal(null) {
		t.Error("/dev/null taken for a terminal")
	}
	if pt, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0); err == nil {
		defer pt.Close()
		if !isTerminal(pt) {
			t.Error("/dev/ptmx not taken for a terminal")
		}
	}
}
