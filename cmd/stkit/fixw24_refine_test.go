package main

import (
	"testing"
	"time"

	"github.com/stkit-org/stkit/infer"
)

// TestFixw24KNoteMaxRowsCap: with PatchPriorOptions.MaxRows below
// K·(P² + 1) (100 < 20·37) no map size keeps K, and patchRefineKNote's
// search for the smallest one that does never ended (rev2's review). It
// returns the note, saying MaxRows caps the components; the defaults keep
// their note (the smallest map keeping K 20: 39×39).
func TestFixw24KNoteMaxRowsCap(t *testing.T) {
	var opt infer.PatchRefineOptions
	opt.Prior.MaxRows = 100
	done := make(chan string, 1)
	go func() { done <- patchRefineKNote(opt, 16, 16, 3) }()
	var got string
	select {
	case got = <-done:
	case <-time.After(time.Minute): // a hang guard, not a timing figure
		t.Fatal("patchRefineKNote did not return (MaxRows 100 < K·(P² + 1) = 740)")
	}
	want := "separate: note: --patch-refine on a 16×16 map: its patch priors take fewer mixture components than K = 20, each of which must hold P² + 1 = 37 training rows (one map gives 100): K = 2 for those fitted on one map (s̃, each round's map), 2 for the one on the 3 sample maps (no map keeps K = 20: MaxRows 100 caps the rows at 2 components)\n"
	if got != want {
		t.Errorf("note\n%q\nwant\n%q", got, want)
	}
	want = "separate: note: --patch-refine on a 16×16 map: its patch priors take fewer mixture components than K = 20, each of which must hold P² + 1 = 37 training rows (one map gives 128): K = 3 for those fitted on one map (s̃, each round's map), 10 for the one on the 3 sample maps (maps of 39×39 and more keep K = 20)\n"
	if got := patchRefineKNote(infer.PatchRefineOptions{}, 16, 16, 3); got != want {
		t.Errorf("defaults: note\n%q\nwant\n%q", got, want)
	}
}
