package main

import (
	"fmt"
)

// surrStreamNote passes on err, the error of surrogate writing the outputs
// -o OUT1,OUT2,… (surrWriteParts: all or nothing for the regular files),
// after a note on stderr naming the streams among them (isStreamOutput:
// /dev/stdout, /dev/fd/N, a named pipe): what went into a stream before
// the failure cannot be taken back, unlike the files, which are left as
// they were. A single -o (one stream, no other file) gets no note: its
// error says it.
func surrStreamNote(g *globals, out string, err error) error {
	if err == nil {
		return nil
	}
	outs := splitList(out)
	if len(outs) < 2 {
		return err
	}
	for _, o := range outs {
		if isStreamOutput(o) {
			fmt.Fprintf(g.stderr, "surrogate: note: -o %s is a stream: what was written to it before the failure stays there (a stream cannot be taken back)\n", o)
		}
	}
	return err
}
