package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// surrogate -o a.npy,b.npy,c.npy stopped by SIGTERM after a.npy's rename
// and before b.npy's: the signal's exit removed every file in progress,
// the hard links to the old a.npy and b.npy among them, so a.npy was new,
// b.npy old and the old a.npy gone. Now the signal's exit (signalExit,
// played here between the renames) puts a.npy back first: every output
// holds its old bytes (c.npy, new, is removed), no temporary or link is
// left, and the rename loop stops.
func TestPairsig20SignalBetweenRenames(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy"), filepath.Join(dir, "c.npy")
	msg, code, calls, err := signalAfterRename(t, []string{a, b}, []string{a, b, c}, 1)
	if err == nil || !strings.Contains(err.Error(), "stopped by a signal") {
		t.Errorf("err %v, want stopped by a signal", err)
	}
	if code != 1 || calls != 1 {
		t.Errorf("exit %d after %d renames, want 1 after 1", code, calls)
	}
	for _, f := range []string{a, b} {
		if got, _ := os.ReadFile(f); string(got) != "old "+filepath.Base(f) {
			t.Errorf("%s holds %q after the signal, want its old bytes", filepath.Base(f), got)
		}
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy", "b.npy"}) {
		t.Errorf("%s holds %v, want [a.npy b.npy]", dir, names)
	}
	if !strings.Contains(msg, "SIGTERM") && !strings.Contains(msg, "terminated: stopped") {
		t.Errorf("signal message %q", msg)
	}
	// a signal after the last rename, before the phase ends: all put
	// back too, and an error (not nil with the old files in place)
	_, _, _, err = signalAfterRename(t, nil, []string{a, b}, 2)
	if err == nil || !strings.Contains(err.Error(), "put back") {
		t.Errorf("err %v, want put back", err)
	}
	for _, f := range []string{a, b} {
		if got, _ := os.ReadFile(f); string(got) != "old "+filepath.Base(f) {
			t.Errorf("%s holds %q, want its old bytes", filepath.Base(f), got)
		}
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy", "b.npy"}) {
		t.Errorf("%s holds %v, want [a.npy b.npy]", dir, names)
	}
	// without a signal: all new, nothing left in progress
	pairsigBetweenRenames = func(int) {}
	if err := writeAllOrNothing([]string{a, b}, "files", func(i int, path string) error {
		return os.WriteFile(path, []byte("new"), 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{a, b} {
		if got, _ := os.ReadFile(f); string(got) != "new" {
			t.Errorf("%s holds %q, want \"new\"", filepath.Base(f), got)
		}
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy", "b.npy"}) {
		t.Errorf("%s holds %v, want [a.npy b.npy]", dir, names)
	}
}

// A stale partial file or partial report that could not be removed was
// passed over without a word (removeStalePartialFile, removeStalePartial
// ignored os.Remove's and os.RemoveAll's error). Now each failure is a
// warning naming the file and the error; nothing is said removed. With
// the removals working, both are removed and said so.
func TestPairsig20StalePartialRemovalFailure(t *testing.T) {
	dir := t.TempDir()
	out, report := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	p := partialPath("synth", out, ".npy")
	if err := os.WriteFile(p, []byte("partial maps"), 0o644); err != nil {
		t.Fatal(err)
	}
	var note bytes.Buffer
	recordPartial(&note, "synth", nil, out, p)
	if note.Len() != 0 {
		t.Fatalf("recordPartial: %s", note.String())
	}
	rdir := partialReport(report)
	if err := os.MkdirAll(rdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rdir, "metrics.json"), []byte(`{"settings":{"interrupted":true}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	recordPartialReport(&note, "synth", nil, report, rdir) // fixpartial21: only a recorded one is removed
	if note.Len() != 0 {
		t.Fatalf("recordPartialReport: %s", note.String())
	}
	injected := errors.New("operation not permitted (injected)")
	removePartialFile = func(string) error { return injected }
	removePartialDir = func(string) error { return injected }
	defer func() { removePartialFile, removePartialDir = os.Remove, os.RemoveAll }()
	var w bytes.Buffer
	removeStalePartial(&w, "synth", out, report, ".npy")
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2 warnings:\n%s", len(lines), w.String())
	}
	for i, name := range []string{p, rdir} {
		if !strings.HasPrefix(lines[i], "synth: warning: could not remove "+name+",") || !strings.Contains(lines[i], injected.Error()) {
			t.Errorf("line %d = %q, want a warning naming %s and the error", i+1, lines[i], name)
		}
	}
	if strings.Contains(w.String(), "removed") {
		t.Errorf("said removed: %s", w.String())
	}
	for _, f := range []string{p, partialRecordPath(p), rdir, partialRecordPath(rdir)} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v, want it left", f, err)
		}
	}
	removePartialFile, removePartialDir = os.Remove, os.RemoveAll
	w.Reset()
	removeStalePartial(&w, "synth", out, report, ".npy")
	if got := strings.Count(w.String(), "synth: note: removed "); got != 2 || strings.Contains(w.String(), "warning") {
		t.Errorf("with the removals working: %s", w.String())
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("%s holds %v, want nothing", dir, names)
	}
}
