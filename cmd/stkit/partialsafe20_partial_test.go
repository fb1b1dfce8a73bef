package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A synth run that finished removed any file named OUT's partial file: a
// user's own u.partial.npy (here a copy of the target) was deleted with
// "removed u.partial.npy, the unfinished maps of an earlier run". Now it is
// left byte for byte and named in a note; a partial file that an
// interrupted run wrote (and recorded) is still removed by the next run that
// finishes, with its record; one changed since it was written is left.
func TestPartialsafe20UserPartialNameKept(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	tb, _ := os.ReadFile(target)

	// a user's file with the partial file's name
	user := filepath.Join(dir, "u.partial.npy")
	if err := os.WriteFile(user, tb, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "synth", target, "-n", "1", "--steps", "2", "-J", "3", "-o", filepath.Join(dir, "u.npy"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 800))
	}
	if now, err := os.ReadFile(user); err != nil || !bytes.Equal(now, tb) {
		t.Fatalf("the user's %s was removed or changed (%v)", user, err)
	}
	if want := "synth: note: left " + user + ", which has the name of " + filepath.Join(dir, "u.npy") + "'s partial file: stkit has no record of writing it as a partial file"; !strings.Contains(errs, want) {
		t.Errorf("want %q in\n%s", want, tail(errs, 800))
	}

	// a genuine partial file: recorded, then removed by a run that finishes
	out, part := filepath.Join(dir, "s.npy"), filepath.Join(dir, "s.partial.npy")
	args := []string{"synth", target, "-n", "2", "--steps", "4", "-J", "3", "--seed", "2", "-o", out, "--log-every", "1"}
	code, errs = runCancelled(t, "synth: map 1 iteration 2 ", args...)
	if code != 1 || !strings.Contains(errs, "wrote maps 0–1 to "+part) {
		t.Fatalf("interrupted: exit %d\n%s", code, tail(errs, 800))
	}
	r, ok := readPartialRecord(part)
	size, sum, _ := fileSHA256(part)
	if !ok || r.Command != "synth" || r.File != part || r.Out != out || r.Size != size || r.SHA256 != sum || size == 0 {
		t.Fatalf("record of %s: %+v (%v), want synth, its path, size %d", part, r, ok, size)
	}
	pb, _ := os.ReadFile(part)
	code, _, errs = runCLI(t, args...)
	if code != 0 || !strings.Contains(errs, "synth: note: removed "+part+", the unfinished maps of an earlier run stopped early") {
		t.Fatalf("complete run: exit %d\n%s", code, tail(errs, 800))
	}
	for _, p := range []string{part, partialRecordPath(part)} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s left after a complete run (%v)", p, err)
		}
	}

	// a partial file changed since it was recorded: left, its record removed
	code, _ = runCancelled(t, "synth: map 1 iteration 2 ", args...)
	if code != 1 {
		t.Fatalf("second interruption: exit %d", code)
	}
	if err := os.WriteFile(part, pb[:len(pb)-8], 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, args...)
	if code != 0 || !strings.Contains(errs, "synth: note: left "+part) || !strings.Contains(errs, "it was changed since stkit wrote it as a partial file") {
		t.Fatalf("changed partial: exit %d\n%s", code, tail(errs, 800))
	}
	if now, _ := os.ReadFile(part); !bytes.Equal(now, pb[:len(pb)-8]) {
		t.Errorf("the changed %s was not left as it was", part)
	}
	if _, err := os.Lstat(partialRecordPath(part)); !os.IsNotExist(err) {
		t.Errorf("the stale record of %s left (%v)", part, err)
	}
}

// A finished result written with -o in.partial.npy is not removed by a later
// run on -o in.npy (no record), and a partial recorded for another OUT (a
// record copied with its file) is not taken for this OUT's.
func TestPartialsafe20VerdictByHand(t *testing.T) {
	dir := t.TempDir()
	p := writeSmallMap(t, dir, "in.partial.npy")
	out := filepath.Join(dir, "in.npy")
	if ok, _, why := stalePartialVerdict(p, "synth", out); ok || !strings.Contains(why, "no record") {
		t.Errorf("unrecorded: remove %v (%s), want left", ok, why)
	}
	var buf bytes.Buffer
	recordPartial(&buf, "sample", []string{"sample"}, filepath.Join(dir, "other.npy"), p)
	if ok, _, why := stalePartialVerdict(p, "synth", out); ok || !strings.Contains(why, "not of this run's") {
		t.Errorf("recorded for another OUT and command: remove %v (%s), want left", ok, why)
	}
	recordPartial(&buf, "synth", []string{"synth"}, out, p)
	if ok, changed, why := stalePartialVerdict(p, "synth", out); !ok || changed {
		t.Errorf("recorded: remove %v changed %v (%s), want removed", ok, changed, why)
	}
	// recordPartial records nothing when the maps went to OUT itself
	q := filepath.Join(dir, "q.npy")
	if err := os.WriteFile(q, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	recordPartial(&buf, "synth", nil, q, q)
	if _, err := os.Lstat(partialRecordPath(q)); !os.IsNotExist(err) || buf.Len() != 0 {
		t.Errorf("a record for OUT itself (%v), or notes %q", err, buf.String())
	}
	if note := earlierPartialNote(p); !strings.Contains(note, p+" there is an earlier run's (written 20") {
		t.Errorf("earlierPartialNote = %q", note)
	}
	if note := earlierPartialNote(filepath.Join(dir, "none.npy")); note != "" {
		t.Errorf("earlierPartialNote of no file = %q", note)
	}
}

// A run stopped before its first iteration writes nothing, and an earlier
// run's partial file of the same OUT then looked like this run's (timeout
// -s TERM 0.15 stkit synth … -o s8.npy: an older s8.partial.npy stayed,
// unnamed). The message now says whose it is.
func TestPartialsafe20EarlierPartialNamed(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, part := filepath.Join(dir, "s.npy"), filepath.Join(dir, "s.partial.npy")
	args := []string{"synth", target, "-n", "2", "--steps", "4", "-J", "3", "-o", out, "--log-every", "1"}
	if code, errs := runCancelled(t, "synth: map 0 iteration 2 ", args...); code != 1 {
		t.Fatalf("first run: exit %d\n%s", code, tail(errs, 800))
	}
	r, ok := readPartialRecord(part)
	if !ok {
		t.Fatal("no record of the partial file")
	}
	before, _ := os.ReadFile(part)
	code, errs := runCancelled(t, "", args...) // cancelled before any iteration
	want := "nothing written (2 maps asked for); " + part + " there is an earlier run's (written " + r.Written + "), not this one's"
	if code != 1 || !strings.Contains(errs, want) {
		t.Errorf("exit %d, want 1 and %q in\n%s", code, want, tail(errs, 800))
	}
	if now, _ := os.ReadFile(part); !bytes.Equal(now, before) {
		t.Errorf("the earlier partial file was changed")
	}
}
