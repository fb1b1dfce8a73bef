package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// TestFixc25LoweredKNoteHugeK: export's note on a prior fitted with fewer
// components than --patch-prior-k counted rows up one at a time to reach
// K·(P² + 1): tens of seconds after the fit for --patch-prior-k 1e9, and
// never done where K·37 overflows int (math.MaxInt: the old code hangs,
// this test then fails at go test's -timeout). It multiplies now, in big
// integers; the K 20 note is the one kcap25 printed.
func TestFixc25LoweredKNoteHugeK(t *testing.T) {
	const tail = " mixture components, not --patch-prior-k "
	for _, c := range []struct {
		kAsked, rows, k int
		want            string
	}{
		{20, 100, 2, "export: note: patch prior of component 1: 2" + tail + "20: its 100 training rows hold at most 2 (each must hold P² + 1 = 37 rows of 6×6 pixels; 740 rows keep 20: more training patches, or a larger --patch-prior-rows where it capped them)"},
		{1e9, 30000, 810, "export: note: patch prior of component 1: 810" + tail + "1000000000: its 30000 training rows hold at most 810 (each must hold P² + 1 = 37 rows of 6×6 pixels; 37000000000 rows keep 1000000000: more training patches, or a larger --patch-prior-rows where it capped them)"},
		{math.MaxInt, 30000, 810, "export: note: patch prior of component 1: 810" + tail + "9223372036854775807: its 30000 training rows hold at most 810 (each must hold P² + 1 = 37 rows of 6×6 pixels; 341264765363626704859 rows keep 9223372036854775807: more training patches, or a larger --patch-prior-rows where it capped them)"},
	} {
		s := infer.PatchPriorStep{Component: 1, Done: true, Rows: c.rows, K: c.k, KAsked: c.kAsked}
		if got := patchPriorLoweredKNote(s); got != c.want {
			t.Errorf("K %d:\n got %s\nwant %s", c.kAsked, got, c.want)
		}
	}
	if got := patchPriorLoweredKNote(infer.PatchPriorStep{Rows: 800, K: 20, KAsked: 20}); got != "" {
		t.Errorf("K kept: %q", got)
	}
}

// TestFixc25ExportFewRowsWords: export's warning for a component whose
// training patches give fewer rows than one mixture component needs named
// "N maps of m×n or one map of 11×11", but export's maps are the
// component's patches, of the dataset's size; it asks for more patches of
// that size now. Other warnings pass unchanged.
func TestFixc25ExportFewRowsWords(t *testing.T) {
	for _, c := range []struct {
		b, m int
		want string
	}{
		{1, 8, "component 0 has no patch prior: patch prior: the component's training patches (1 of 8×8) give 32 training rows (6×6 sub-patches at stride 4, with their 8 rotations and flips), fewer than the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): a prior needs more training patches in the component (at least 2 of 8×8)"},
		{4, 6, "component 0 has no patch prior: patch prior: the component's training patches (4 of 6×6) give 32 training rows (6×6 sub-patches at stride 4, with their 8 rotations and flips), fewer than the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): a prior needs more training patches in the component (at least 5 of 6×6)"},
	} {
		_, err := infer.FitPatchPrior(stlayer.NewMaps(c.b, c.m, c.m), infer.PatchPriorOptions{K: 20})
		if err == nil {
			t.Fatalf("%d of %d²: no error", c.b, c.m)
		}
		if got := exportWarnText("component 0 has no patch prior: " + err.Error()); got != c.want {
			t.Errorf("%d of %d²:\n got %s\nwant %s", c.b, c.m, got, c.want)
		}
	}
	_, err := infer.FitPatchPrior(stlayer.NewMaps(1, 64, 64), infer.PatchPriorOptions{K: 20, MaxRows: 30})
	want := "patch prior: MaxRows 30 caps the training rows (30 here) below the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): give MaxRows ≥ 37 (--patch-prior-rows)"
	if err == nil || exportWarnText(err.Error()) != want {
		t.Errorf("MaxRows 30: %v\nwant %s", err, want)
	}
	if s := "component 2: constant patches"; exportWarnText(s) != s {
		t.Errorf("other warning changed: %s", exportWarnText(s))
	}
	if strings.Contains(exportWarnText("patch prior: the training maps (1 of 8×8) give 32 training rows: the smallest inputs that work are 2 maps of 8×8 or one map of 11×11 (give more or larger training patches)"), "one map of") {
		t.Error("short form not reworded")
	}
}
