package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// RemoveInProgress (a signal's exit) runs a rename phase's undo before it
// removes the files in progress, once; the phase's later steps do not run
// and End reports it undone. A phase that ended is not undone, and its
// files in progress are removed as before.
func TestPairsig20RenamePhaseUndoneFirst(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := os.WriteFile(link, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	live.Store(link, struct{}{})
	var seen []bool // whether the link was there when undo ran
	undos := 0
	p := BeginRenames(func() {
		undos++
		_, err := os.Stat(link)
		seen = append(seen, err == nil)
		Forget(link)
	})
	steps := 0
	if !p.Step(func() { steps++ }) {
		t.Fatal("a step before any signal did not run")
	}
	rm := RemoveInProgress()
	RemoveInProgress()
	if undos != 1 || len(seen) != 1 || !seen[0] {
		t.Errorf("undo ran %d times, link there: %v; want once, with the link", undos, seen)
	}
	if len(rm) != 0 {
		t.Errorf("removed %v, want nothing (undo forgot the link)", rm)
	}
	if p.Step(func() { steps++ }) || steps != 1 {
		t.Errorf("a step ran after the signal's undo (%d steps)", steps)
	}
	if !p.End() {
		t.Error("End: not undone")
	}
	// ended: no undo, files in progress removed
	q := BeginRenames(func() { undos++ })
	live.Store(link, struct{}{})
	if q.End() {
		t.Error("End of a phase no signal undid: undone")
	}
	rm = RemoveInProgress()
	if undos != 1 || len(rm) != 1 || rm[0] != link {
		t.Errorf("after End: %d undos, removed %v; want 1, [%s]", undos, rm, link)
	}
}
