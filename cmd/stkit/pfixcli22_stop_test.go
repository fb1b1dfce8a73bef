package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// checkCancelCtx is a run context cancelled at its at-th Err check (or by
// its cancel): separate --models' patch-prior estimate checks it before
// each batch of 2048 data patches, and nothing else checks it before the
// estimate, so at 2 it stops the estimate after its first batch. With
// late, the at-th check still answers nil (cancelled just after it: at 1
// on a one-batch map, a Ctrl-C once the estimate has passed its checks).
type checkCancelCtx struct {
	context.Context
	mu     sync.Mutex
	checks int
	at     int
	late   bool
	done   chan struct{}
	closed bool
}

func newCheckCancelCtx(at int) *checkCancelCtx {
	return &checkCancelCtx{Context: context.Background(), at: at, done: make(chan struct{})}
}

func (c *checkCancelCtx) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}

func (c *checkCancelCtx) Done() <-chan struct{} { return c.done }

func (c *checkCancelCtx) Err() error {
	c.mu.Lock()
	c.checks++
	hit := c.checks >= c.at
	c.mu.Unlock()
	if hit {
		c.cancel()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed && !(c.late && c.checks == c.at) {
		return context.Canceled
	}
	return nil
}

// runStoppedAt runs stkit in-process with a run context cancelled at its
// at-th Err check; it returns the exit code, stderr and the line the
// interrupt handler would print (runContext's saving).
func runStoppedAt(t *testing.T, at int, late bool, args ...string) (int, string, string) {
	t.Helper()
	ctx := newCheckCancelCtx(at)
	ctx.late = late
	var saving string
	old := runContext
	runContext = func(_ io.Writer, s string) (context.Context, context.CancelFunc) {
		saving = s
		return ctx, ctx.cancel
	}
	defer func() { runContext = old }()
	var out, errs bytes.Buffer
	code := run(args, &out, &errs)
	return code, errs.String(), saving
}

// pfixcli22: Ctrl-C during separate --models' patch-prior estimate: the
// interrupt handler's line said "the maps reached are written to
// a.partial.npy and reported to rep.partial", while nothing is written then
// (the estimate is all or nothing; the final error said so), and the
// estimate's progress bar was left unfinished (on a log its line, held
// back in the first seconds, never came). The line is now true for that
// phase (and after it: with the patch prior alone, a stop after the
// estimate lets the run finish), and the bar is closed at the count
// reached.
func TestPfixcli22PriorStopLineAndBar(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	big := pfixcliBigMix(t, dir, work)
	out := filepath.Join(work, "a.npy")
	code, errs, saving := runStoppedAt(t, 2, false, "separate", big, "--models", pp, "--components", "0,1", "-o", out, "--report", filepath.Join(work, "rep"))
	if code != 1 || !strings.Contains(errs, "stopped during the patch-prior estimate: no map written") || !strings.Contains(errs, "stopped after 2048 of 3481 data patches") {
		t.Fatalf("exit %d, want 1 and the stop after the first batch\n%s", code, tail(errs, 2000))
	}
	if want := "the patch-prior estimate, the whole of this run, is all or nothing: stopped during it, nothing is written (no partial file, no report); once it has ended, the run finishes and writes " + out + " and " + filepath.Join(work, "rep"); saving != want {
		t.Errorf("interrupt line: stopping, %s\nwant: stopping, %s", saving, want)
	}
	if !regexp.MustCompile(`\npatch prior: patches \(2048/3481\)[^\n]*\nstkit: stopped during the patch-prior estimate`).MatchString(errs) {
		t.Errorf("the estimate's bar is not closed at 2048/3481 before the error\n%s", tail(errs, 2000))
	}
	// --patch-prior start: the stages after the estimate write the maps reached
	code, errs, saving = runStoppedAt(t, 2, false, "separate", big, "--models", pp, "--components", "0,1", "-o", out, "--patch-prior", "start")
	want := "the maps reached are written to " + filepath.Join(work, "a.partial.npy") + " once the patch-prior estimate has ended (stopped during it, nothing is written: it is all or nothing)"
	if code != 1 || saving != want || !strings.Contains(errs, "stopped during the patch-prior estimate: no map written") {
		t.Errorf("--patch-prior start: exit %d, interrupt line: stopping, %s\nwant: stopping, %s\n%s", code, saving, want, tail(errs, 2000))
	}
	// patch prior alone, stopped once the estimate has passed its checks
	// (a 32² map: one batch): the run finishes and writes OUT, as the line says
	rep := filepath.Join(work, "rep3")
	code, errs, _ = runStoppedAt(t, 1, true, "separate", filepath.Join(dir, "mix.npy"), "--models", pp, "--components", "0,1", "-o", filepath.Join(work, "c.npy"), "--report", rep)
	if _, err := os.Stat(filepath.Join(rep, "metrics.json")); code != 0 || err != nil || !strings.Contains(errs, "wrote "+filepath.Join(work, "c.npy")) {
		t.Errorf("stopped after the estimate: exit %d (%v), want 0 and OUT, DIR written\n%s", code, err, tail(errs, 2000))
	}
	// the help says so
	_, hout, herrs := runCLI(t, "separate", "--models", "m", "--help")
	if !strings.Contains(strings.Join(strings.Fields(hout+herrs), " "), "A stop during the patch-prior estimate (--patch-prior) writes no map and no report: the estimate is all or nothing (with the patch prior alone, a stop after it lets the run finish).") {
		t.Errorf("separate --models --help does not say what a stop during the patch-prior estimate writes")
	}
}
