package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// partial2: an interrupted synth replaced a user's own s.partial.npy (no
// record of stkit writing it) with its partial maps. Now they go to
// s.partial-2.npy (recorded), the user's file is kept and the message says
// so; a second interruption replaces stkit's s.partial-2.npy (no -3); a
// finished run removes s.partial-2.npy and its record and leaves the
// user's file.
func TestPartial2UserPartialNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, part := filepath.Join(dir, "s.npy"), filepath.Join(dir, "s.partial.npy")
	alt, alt3 := filepath.Join(dir, "s.partial-2.npy"), filepath.Join(dir, "s.partial-3.npy")
	user := []byte("user data, not stkit's")
	if err := os.WriteFile(part, user, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"synth", target, "-n", "2", "--steps", "4", "-J", "3", "-o", out, "--log-every", "1"}
	code, errs := runCancelled(t, "synth: map 1 iteration 2 ", args...)
	want := "wrote maps 0–1 to " + alt + " (map 1 unfinished); " + out + " not written (only a run that finishes every map writes it); " +
		part + " is not stkit's (no record of stkit writing it as a partial file): left as it was, the maps reached are in " + alt
	if code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d, want 1 and %q in\n%s", code, want, tail(errs, 800))
	}
	if now, _ := os.ReadFile(part); !bytes.Equal(now, user) {
		t.Fatalf("the user's %s was changed: %d bytes", part, len(now))
	}
	r, ok := readPartialRecord(alt)
	size, sum, _ := fileSHA256(alt)
	if !ok || r.File != alt || r.Out != out || r.Command != "synth" || r.Size != size || r.SHA256 != sum || size != 8320 {
		t.Fatalf("record of %s: %+v (%v), size %d (want 8320: 2 maps 32×32 float32 and the header)", alt, r, ok, size)
	}
	if _, ok := readPartialRecord(part); ok {
		t.Errorf("%s (the user's) got a record", part)
	}

	// stkit's own alternate is replaced by the next interruption
	code, errs = runCancelled(t, "synth: map 0 iteration 3 ", args...)
	if code != 1 || !strings.Contains(errs, "the maps reached are in "+alt) {
		t.Fatalf("second interruption: exit %d\n%s", code, tail(errs, 800))
	}
	if _, err := os.Lstat(alt3); !os.IsNotExist(err) {
		t.Errorf("%s written beside stkit's own %s (%v)", alt3, alt, err)
	}
	if size2, sum2, _ := fileSHA256(alt); size2 != 4224 || sum2 == sum {
		t.Errorf("%s: %d bytes (want 4224: map 0 alone), same bytes %v", alt, size2, sum2 == sum)
	}

	// a finished run removes the alternate (and only it)
	code, _, errs = runCLI(t, args...)
	if code != 0 || !strings.Contains(errs, "synth: note: removed "+alt+", the unfinished maps of an earlier run stopped early") ||
		!strings.Contains(errs, "synth: note: left "+part+", which has the name of "+out+"'s partial file: stkit has no record") {
		t.Fatalf("finished run: exit %d\n%s", code, tail(errs, 800))
	}
	for _, p := range []string{alt, partialRecordPath(alt)} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s left after a finished run (%v)", p, err)
		}
	}
	if now, _ := os.ReadFile(part); !bytes.Equal(now, user) {
		t.Errorf("the user's %s was changed by the finished run", part)
	}
}

// The alternates a finished run removes are its own: a user's
// s.partial-4.npy (no record) and another OUT's recorded alternate are left;
// an .npz member's partial archive taken by a user's archive goes to
// a.partial-2.npz:maps; partialAltPath's names.
func TestPartial2AltsOwnOnly(t *testing.T) {
	for _, c := range [][2]string{
		{"s.partial.npy", "s.partial-2.npy"},
		{"a.partial.npz:maps", "a.partial-2.npz:maps"},
		{"synth.partial.fits", "synth.partial-2.fits"},
	} {
		if got := partialAltPath(c[0], 2); got != c[1] {
			t.Errorf("partialAltPath(%q, 2) = %q, want %q", c[0], got, c[1])
		}
	}
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out := filepath.Join(dir, "a.npz") + ":maps"
	part := filepath.Join(dir, "a.partial.npz")
	userArchive := writeSmallMap(t, dir, "u.npz")
	ub, _ := os.ReadFile(userArchive)
	if err := os.Rename(userArchive, part); err != nil {
		t.Fatal(err)
	}
	user4 := filepath.Join(dir, "a.partial-4.npz")
	if err := os.WriteFile(user4, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"synth", target, "-n", "2", "--steps", "4", "-J", "3", "-o", out, "--log-every", "1"}
	code, errs := runCancelled(t, "synth: map 1 iteration 2 ", args...)
	alt := filepath.Join(dir, "a.partial-2.npz")
	if code != 1 || !strings.Contains(errs, "the maps reached are in "+alt) || !npzHoldsOnly(alt, "maps") {
		t.Fatalf("exit %d, want the maps in %s:maps\n%s", code, alt, tail(errs, 800))
	}
	if now, _ := os.ReadFile(part); !bytes.Equal(now, ub) {
		t.Fatalf("the user's archive %s was changed", part)
	}
	// another OUT's recorded alternate, of the same name pattern
	other := filepath.Join(dir, "a.partial-3.npz")
	if err := os.WriteFile(other, []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	recordPartial(&buf, "synth", nil, filepath.Join(dir, "b.npz"), other)
	code, _, errs = runCLI(t, args...)
	if code != 0 || !strings.Contains(errs, "synth: note: removed "+alt+",") {
		t.Fatalf("finished run: exit %d\n%s", code, tail(errs, 800))
	}
	for _, p := range []string{part, user4, other, partialRecordPath(other)} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s removed by the finished run on %s (%v)", p, out, err)
		}
	}
	if _, err := os.Lstat(alt); !os.IsNotExist(err) {
		t.Errorf("%s left (%v)", alt, err)
	}
}

// separate (samples) and separate --models go through partialDest too: a
// user's sep.partial.npy is left, the maps reached go to sep.partial-2.npy
// and the error says so.
func TestPartial2SeparateUserPartialKept(t *testing.T) {
	dir := sepout20Fixture(t)
	fix := modelsFixture(t)
	user := []byte("user data")
	for _, c := range []struct {
		name, trigger string
		args          []string
	}{
		{"separate", "separate: iteration 3 of", []string{"separate", filepath.Join(dir, "d.npy"), "--noise", filepath.Join(dir, "n.npy"), "--steps", "2,8,1", "--log-every", "1"}},
		{"separate --models", "separate: iteration 2 loss", []string{"separate", filepath.Join(fix, "mix.npy"), "--models", filepath.Join(fix, "models"), "--components", "0,1", "--tau", "-1", "--steps", "0,50", "--log-every", "1"}},
	} {
		work := t.TempDir()
		out, part, alt := filepath.Join(work, "sep.npy"), filepath.Join(work, "sep.partial.npy"), filepath.Join(work, "sep.partial-2.npy")
		if err := os.WriteFile(part, user, 0o644); err != nil {
			t.Fatal(err)
		}
		code, errs := runCancelled(t, c.trigger, append(c.args, "-o", out)...)
		want := part + " is not stkit's (no record of stkit writing it as a partial file): left as it was, the maps reached are in " + alt
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d, want 1 and %q in\n%s", c.name, code, want, tail(errs, 1200))
		}
		if now, _ := os.ReadFile(part); !bytes.Equal(now, user) {
			t.Errorf("%s: the user's %s was changed", c.name, part)
		}
		if !partialIsStkits(alt) {
			t.Errorf("%s: %s is not a recorded partial file", c.name, alt)
		}
	}
}
