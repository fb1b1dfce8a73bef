package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// A patch-prior fit stopped by Ctrl-C (or an error) after 4 of 40 EM
// iterations left its export bar drawn as complete ("40/40"): the bar now
// ends at the count reached, and a fit that ran to its end still fills it.
func TestLead23StoppedPriorBar(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want string
		not  string
	}{
		{"stopped", errors.New("context canceled"), "4/40", "40/40"},
		{"finished", nil, "40/40", ""},
	} {
		var buf bytes.Buffer
		g := &globals{stdout: &buf, stderr: &buf}
		prog := patchPriorProgress(g)
		iter := 4
		if c.err == nil {
			iter = 40
		}
		prog(infer.PatchPriorStep{Component: 0, Index: 0, Count: 1, Iter: iter, Iters: 40})
		prog(infer.PatchPriorStep{Component: 0, Index: 0, Count: 1, Iter: iter, Iters: 40, Done: true, Err: c.err})
		out := buf.String()
		if !strings.Contains(out, c.want) || (c.not != "" && strings.Contains(out, c.not)) {
			t.Errorf("%s: bar output %q: want %q and not %q", c.name, out, c.want, c.not)
		}
	}
}
