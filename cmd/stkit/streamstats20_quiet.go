package main

import (
	"bytes"
	"io"
)

// quietWriter is the commands' stderr under the global -q: a write (one
// message: the commands print each with one Fprintf) goes through to w when
// it is a warning or a note ("stats: warning: …", warnf; "synth: note: …")
// or stkit's own line ("stkit: …": an interruption), and is dropped
// otherwise (information lines such as "stats: wrote …", or the graph
// engine's compilation line, graphCompileLine). newBar and newStepBar draw
// nothing on it. Errors do not pass through it: exitCode prints them on the
// process's stderr; nor does the demo's line on a Ctrl-C (demoInterrupts
// writes it on unquiet's writer). Standard output (tables, summaries such as
// train's) is not filtered.
type quietWriter struct{ w io.Writer }

func (q quietWriter) Write(p []byte) (int, error) {
	if !quietKeeps(p) {
		return len(p), nil
	}
	return q.w.Write(p)
}

// quietKeeps tells whether -q lets the message p through (quietWriter).
func quietKeeps(p []byte) bool {
	t := bytes.TrimLeft(p, " \t\r\n")
	return bytes.Contains(p, []byte(": warning: ")) || bytes.HasPrefix(t, []byte("warning: ")) ||
		bytes.Contains(p, []byte(": note: ")) || bytes.HasPrefix(t, []byte("stkit: "))
}

// isQuiet reports whether w is stderr under -q (quietWriter).
func isQuiet(w io.Writer) bool {
	_, ok := w.(quietWriter)
	return ok
}

// unquiet is the process's stderr behind w under -q (quietWriter), w
// otherwise: for stkit's own lines that must show whatever their wording,
// as the demo's on a Ctrl-C ("stkit demo: interrupt in step …").
func unquiet(w io.Writer) io.Writer {
	if q, ok := w.(quietWriter); ok {
		return q.w
	}
	return w
}
