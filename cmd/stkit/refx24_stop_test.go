package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefx24RefineStopLine: the interrupt handler's line (runContext's
// saving, the first line a Ctrl-C prints) of separate --patch-refine says
// that a stop during the refinement writes the finished separation's maps,
// not refined (before, it said only "the maps reached are written to …",
// and the last line and settings.ended alone said they are not refined).
// Without --patch-refine the line is as it was.
func TestRefx24RefineStopLine(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out, rep := filepath.Join(dir, "out.npy"), filepath.Join(dir, "rep")
	for _, refine := range []bool{true, false} {
		ctx, cancel := context.WithCancel(context.Background())
		var saving string
		old := runContext
		runContext = func(_ io.Writer, s string) (context.Context, context.CancelFunc) {
			saving = s
			return ctx, cancel
		}
		at := "refining s̃ with patch priors"
		args := []string{"separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "-o", out, "--report", rep}
		if refine {
			args = append(args, "--patch-refine")
		} else {
			at = "stage 1/2"
		}
		w := &cancelOnWriter{at: at, cancel: cancel}
		var so bytes.Buffer
		code := run(args, &so, w)
		runContext = old
		cancel()
		want := "the maps reached are written to " + filepath.Join(dir, "out.partial.npy") + " and reported to " + filepath.Join(dir, "rep.partial")
		if refine {
			want += "; during the patch-prior refinement (--patch-refine) they are the finished separation's, not refined"
		}
		if saving != want {
			t.Errorf("--patch-refine %v: interrupt line: stopping, %s\nwant: stopping, %s", refine, saving, want)
		}
		if refine && (code != 1 || !strings.Contains(w.buf.String(), "separate: interrupted during the patch-prior refinement (--patch-refine), before its first stage: the maps are the finished separation's, not refined")) {
			t.Errorf("exit %d, want 1 and the refinement's stop:\n%s", code, tail(w.buf.String(), 1500))
		}
	}
}
