package main

import (
	"bytes"
	"errors"
	"regexp"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestFixz24StoppedBarCountReached: a stopped bar (endBar with stopped)
// ends on the count actually reached, not on the last one drawn. On a log
// the bar redraws at most every 10 s, so after a first Set (drawn at once)
// a second one within 10 s is not drawn: here the patch-prior fit reaches
// EM iteration 4 of 40 and is stopped, after iteration 1 was drawn. Fails on
// the old code, whose log line read "patch prior 1/1: EM (1/40) [0s:…]"
// (TestLead23StoppedPriorBar passed there only because its one Set was the
// first, drawn at once).
func TestFixz24StoppedBarCountReached(t *testing.T) {
	var buf bytes.Buffer
	prog := patchPriorProgress(&globals{stdout: &buf, stderr: &buf})
	for _, it := range []int{1, 2, 3, 4} {
		prog(infer.PatchPriorStep{Index: 0, Count: 1, Iter: it, Iters: 40})
	}
	prog(infer.PatchPriorStep{Index: 0, Count: 1, Iter: 4, Iters: 40, Done: true, Err: errors.New("context canceled")})
	if !regexp.MustCompile(`^patch prior 1/1: EM \(4/40\) \[[0-9]+s(:[0-9hms.]+)?\]\n$`).MatchString(buf.String()) {
		t.Errorf("stopped bar on a log: %q, want the one line \"patch prior 1/1: EM (4/40) [0s:…]\"", buf.String())
	}
}
