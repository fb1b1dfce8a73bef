package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestReview20SpoolBlockMembers: familyDictSpooled took a later block with
// no dict arrays for "no dict at all" and returned none (exit 0, an .npz
// without the dict, the spool's temporary file never closed), and a block
// with fewer members wrote those members short. Every block must now have
// the first block's members: otherwise an internal error and no output.
func TestReview20SpoolBlockMembers(t *testing.T) {
	oldSpool, oldOf := familySpoolBytes, familyDictOf
	defer func() { familySpoolBytes, familyDictOf = oldSpool, oldOf }()
	familySpoolBytes = 1                // blocks of one map
	for _, drop := range []int{-1, 1} { // all members, or the second one, missing from block 2
		calls := 0
		familyDictOf = func(spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps) ([]datasets.NamedArray, error) {
			named, err := familyDict(spec, op, c, eng, maps)
			if calls++; calls == 2 && err == nil {
				if drop < 0 {
					return nil, nil
				}
				named = append(named[:drop:drop], named[drop+1:]...)
			}
			return named, err
		}
		dir := t.TempDir()
		in := streamstats20MapsN(t, dir, 3, 16)
		out := filepath.Join(dir, "c.npz")
		var so, se bytes.Buffer
		rc := run([]string{"stats", in, "-o", out, "--kind", "wst"}, &so, &se)
		if rc == 0 || !strings.Contains(se.String(), "internal: the wst dict of maps 1–1: members") {
			t.Errorf("drop %d: exit %d, %s; want an internal error naming the block", drop, rc, se.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("drop %d: %s written", drop, out)
		}
		if calls < 2 {
			t.Fatalf("familyDict called %d times: no second block", calls)
		}
	}
}

// TestReview20SynthStopNamesPartial: synth's stop message said "stopping,
// the maps reached are written" without where, while they go to OUT's
// partial file, not to OUT (synthout20); separate's names the file.
func TestReview20SynthStopNamesPartial(t *testing.T) {
	old := runContext
	defer func() { runContext = old }()
	var saving string
	runContext = func(w io.Writer, s string) (context.Context, context.CancelFunc) {
		saving = s
		return old(w, s)
	}
	dir := t.TempDir()
	in := streamstats20MapsN(t, dir, 1, 16)
	out := filepath.Join(dir, "s.npy")
	if code, _, errs := runCLI(t, "synth", in, "-n", "1", "--steps", "1", "-J", "2", "-o", out); code != 0 {
		t.Fatalf("synth: exit %d\n%s", code, errs)
	}
	if want := "the maps reached are written to " + filepath.Join(dir, "s.partial.npy"); saving != want {
		t.Errorf("stop message %q, want %q", saving, want)
	}
}

// TestReview20SampleStopNamesPartial: sample's stop message, as synth's,
// named no file while the maps go to OUT's partial file, not to OUT.
func TestReview20SampleStopNamesPartial(t *testing.T) {
	fx := modelsFixture(t)
	old := runContext
	defer func() { runContext = old }()
	var saving string
	runContext = func(w io.Writer, s string) (context.Context, context.CancelFunc) {
		saving = s
		return old(w, s)
	}
	out := filepath.Join(t.TempDir(), "s.npy")
	if code, _, errs := runCLI(t, "sample", filepath.Join(fx, "models"), "--component", "0", "-n", "1", "--steps", "1", "-o", out); code != 0 {
		t.Fatalf("sample: exit %d\n%s", code, errs)
	}
	if want := "the maps reached are written to " + filepath.Join(filepath.Dir(out), "s.partial.npy"); saving != want {
		t.Errorf("stop message %q, want %q", saving, want)
	}
}
