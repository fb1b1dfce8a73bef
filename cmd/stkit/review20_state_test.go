package main

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestReview20RunResetsInterruptState: a run after one that took a signal
// starts without its trace (resetInterruptState); before, interruptSeen
// stayed set and a demo run later in the process stopped before step 1.
func TestReview20RunResetsInterruptState(t *testing.T) {
	t.Cleanup(resetInterruptState)
	interruptSeen.Store(true)
	signalsClaimed.Store(2)
	if code, _, _ := runCLI(t, "help"); code != 0 {
		t.Fatalf("stkit help: exit %d", code)
	}
	if interruptSeen.Load() || signalsClaimed.Load() != 0 {
		t.Errorf("after run: interruptSeen %v, signalsClaimed %d; want false, 0", interruptSeen.Load(), signalsClaimed.Load())
	}
}

// TestReview20CompareRefEachNormNone: scov's --norm none is p00 (442e031),
// the synthesis vectors normalised by a reference, but --compare-ref each
// read it as unnormalised and refused: 'scov takes no reference (its
// coefficients are not normalised)'. Plain scov still takes none.
func TestReview20CompareRefEachNormNone(t *testing.T) {
	o := &compareOpts19{Ref: "each"}
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	for _, tc := range []struct {
		spec stats.Spec
		ok   bool
	}{
		{stats.Spec{Kind: stats.SCov, Iso: true, Norm: "none"}, true},
		{stats.Spec{Kind: stats.SCov, Synthesis: true, Norm: "none"}, true},
		{stats.Spec{Kind: stats.SCov, Iso: true}, true},
		{stats.Spec{Kind: stats.SCov, Norm: "none"}, false},
		{stats.Spec{Kind: stats.WST}, false},
	} {
		err := o.check(fs, "B.npy", tc.spec)
		if (err == nil) != tc.ok {
			t.Errorf("%+v: --compare-ref each: %v, want accepted %v", tc.spec, err, tc.ok)
		}
	}
}

// TestReview20ClustersLabelsNoMatch pins the other --labels refusal of the
// loop that now calls sourceLabel and labelID (6211d83): a regexp that
// does not match a source names it and suggests an alternative.
func TestReview20ClustersLabelsNoMatch(t *testing.T) {
	dir := modelsFixture(t)
	ds, run := filepath.Join(dir, "ds"), filepath.Join(dir, "run")
	out := filepath.Join(t.TempDir(), "a.csv")
	stem := strings.TrimSuffix(out, ".csv")
	wantBadInput(t, []string{"clusters", run, ds, "-o", out, "--labels", "noise"},
		"--labels \"noise\" does not match source ", out, stem+"_summary.json", stem+"_mosaic.png")
	code, _, errs := runCLI(t, "clusters", run, ds, "-o", out, "--labels", "noise")
	if code != 2 || !strings.Contains(errs, "--labels 'noise|smooth'") {
		t.Errorf("exit %d, %s; want the alternative 'noise|smooth'", code, errs)
	}
}
