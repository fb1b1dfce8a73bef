package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestFixy24StoppedFilterBar: Ctrl-C during stkit export's feature-filter
// fit (here: the run context cancelled after the first training estimate)
// stops the fit; its bar is then ended as stopped, as the patch-prior bar
// is (TestLead23StoppedPriorBar), not left open nor drawn complete: the
// bar is cleared and "export: feature filter 0,1: training estimates
// stopped at k of 16" (0 < k < 16) precedes the interrupt's error. A
// stage left before its total is ended the same way. Fails on the old
// code (the bar was never ended: on a log no line of the stopped stage,
// on a terminal the next line ran on after the bar; a stage change drew
// the bar complete).
func TestFixy24StoppedFilterBar(t *testing.T) {
	run := filepath.Join(modelsFixture(t), "run")
	out := filepath.Join(t.TempDir(), "m")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := runContext
	runContext = func(io.Writer, string) (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { runContext = old }()
	stubExport(t, func(run, dataset, dir string, opt infer.ExportOptions) (*infer.ModelSet, error) {
		prog := opt.FeatureFilterOptions.Progress
		opt.FeatureFilterOptions.Progress = func(s infer.FeatureFilterStep) {
			prog(s)
			if s.Stage == "training estimates" && s.Done == 1 {
				cancel() // the interrupt
			}
		}
		return infer.ExportModels(run, dataset, dir, opt)
	})
	code, _, errs := runCLI(t, "export", run, "-o", out, "--samples", "10", "--patch-prior", "--patch-prior-k", "3", "--patch-prior-rows", "1500",
		"--feature-filter", "0,1", "--feature-filter-mixtures", "8")
	stopped := regexp.MustCompile(`(?m)^export: feature filter 0,1: training estimates stopped at ([0-9]+) of 16\nstkit: interrupted: `).FindStringSubmatch(errs)
	if code != 1 || stopped == nil || stopped[1] == "16" || stopped[1] == "0" || strings.Contains(errs, "/16)") ||
		!strings.Contains(errs, "feature filter 0,1: half priors (4/4)") {
		t.Errorf("exit %d (want 1), stderr\n%s\nwant 'export: feature filter 0,1: training estimates stopped at k of 16', 0 < k < 16, then the interrupt's error", code, tail(errs, 2500))
	}
	// the closure alone: a stage left before its total, and end
	var buf bytes.Buffer
	progress, end := featureFilterProgress(&globals{stdout: &buf, stderr: &buf})
	for _, s := range []infer.FeatureFilterStep{{Stage: "half priors", Done: 0, Total: 4, Pair: [2]int{2, 1}}, {Stage: "half priors", Done: 3, Total: 4, Pair: [2]int{2, 1}},
		{Stage: "filter", Done: 1, Total: 5, Pair: [2]int{2, 1}}} {
		progress(s)
	}
	end()
	end() // nothing more
	want := "export: feature filter 2,1: half priors stopped at 3 of 4\n"
	want2 := "export: feature filter 2,1: filter stopped at 1 of 5\n"
	if got := buf.String(); strings.Count(got, want) != 1 || !strings.HasSuffix(got, want2) || strings.Contains(got, "(4/4)") || strings.Contains(got, "(5/5)") {
		t.Errorf("closure output %q\nwant %q, then %q at the end", got, want, want2)
	}
}
