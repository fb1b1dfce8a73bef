package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/infer"
)

// TestExpx24ConvergedPriorBar: a patch-prior fit whose EM converged after
// 12 of at most 40 iterations (the Done step's Iter 12) ends its export bar
// at 12, described as converged, and its line says so; a fit that ran all
// 40 fills its bar and its line says nothing of convergence. Fails on the
// old code (the bar was finished at 40/40, the line said nothing).
func TestExpx24ConvergedPriorBar(t *testing.T) {
	for _, c := range []struct {
		ran        int
		want, line string
		not        []string
	}{
		{12, "(12/12)", "export: patch prior of component 1 (2 of 2): 500 sub-patch rows, EM converged after 12 of at most 40 iterations, 0.5 s\n", []string{"40/40"}},
		{40, "(40/40)", "export: patch prior of component 1 (2 of 2): 500 sub-patch rows, 0.5 s\n", []string{"converged"}},
	} {
		var buf bytes.Buffer
		g := &globals{stdout: &buf, stderr: &buf}
		prog := patchPriorProgress(g)
		for it := 1; it <= c.ran; it++ {
			prog(infer.PatchPriorStep{Component: 1, Index: 1, Count: 2, Iter: it, Iters: 40, Rows: 500})
		}
		prog(infer.PatchPriorStep{Component: 1, Index: 1, Count: 2, Iter: c.ran, Iters: 40, Rows: 500, Done: true, Elapsed: 500 * time.Millisecond})
		out := buf.String()
		if !strings.Contains(out, c.want) || !strings.HasSuffix(out, c.line) {
			t.Errorf("%d iterations: output %q\nwant %q in it, ending %q", c.ran, out, c.want, c.line)
		}
		if c.ran < 40 && !strings.Contains(out, "patch prior 2/2: EM converged at iteration 12 of at most 40") {
			t.Errorf("%d iterations: the bar does not say it converged: %q", c.ran, out)
		}
		for _, n := range c.not {
			if strings.Contains(out, n) {
				t.Errorf("%d iterations: %q in %q", c.ran, n, out)
			}
		}
	}
}
