package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// The partial file of a stream output (-o /dev/stdout: synth.partial.npy
// in the working folder) and of an .npz member (-o x.npz:maps:
// x.partial.npz) got no record, and no later run removed them. Now both
// are recorded: a finished stream run with the same arguments removes the
// stream's partial file, one with other arguments leaves it (every stream
// run of synth in the folder shares that name) and says whose it is; an
// .npz member's partial archive holding that member alone is removed by a
// finished run on the member, one holding other members too is not
// recorded (said at once) and is left with both members.
func TestFixpartial21StreamAndNPZPartials(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	maps := &stlayer.Maps{B: 1, M: 2, N: 2, Data: []float64{1, 2, 3, 4}}
	a := []string{"t.npy", "-n", "40", "--format", "npy", "-o", "/dev/stdout"}
	b := []string{"t.npy", "-n", "1", "--format", "npy", "-o", "/dev/stdout"}

	// a stream's partial file
	p := partialPath("synth", "/dev/stdout", ".npy")
	if p != "synth.partial.npy" {
		t.Fatalf("partialPath = %q", p)
	}
	if err := datasets.WriteMaps(p, maps); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	recordPartial(&w, "synth", a, "/dev/stdout", p)
	if r, ok := readPartialRecord(p); !ok || r.Out != "/dev/stdout" || r.File != filepath.Join(dir, p) || w.Len() != 0 {
		t.Fatalf("record of %s: %+v (%v), notes %q", p, r, ok, w.String())
	}
	removeStalePartialArgs(&w, "synth", b, "/dev/stdout", "", ".npy")
	if want := "synth: note: left synth.partial.npy, the unfinished maps of an earlier run stopped early, one with other arguments (stkit synth t.npy -n 40 --format npy -o /dev/stdout, written 20"; !strings.HasPrefix(w.String(), want) ||
		!strings.Contains(w.String(), "only a run with the same arguments removes it") {
		t.Errorf("other arguments: %q, want it to begin with %q", w.String(), want)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("%s: %v, want it left", p, err)
	}
	w.Reset()
	removeStalePartialArgs(&w, "synth", a, "/dev/stdout", "", ".npy")
	if want := "synth: note: removed synth.partial.npy, the unfinished maps of an earlier run stopped early with the same arguments (this run wrote the complete result to /dev/stdout)\n"; w.String() != want {
		t.Errorf("same arguments: %q, want %q", w.String(), want)
	}

	// an .npz member's partial archive, holding that member alone
	out := filepath.Join(dir, "x.npz:maps")
	p = partialPath("synth", out, ".npz")
	arch := filepath.Join(dir, "x.partial.npz")
	if p != arch+":maps" {
		t.Fatalf("partialPath = %q", p)
	}
	if err := datasets.WriteMaps(p, maps); err != nil {
		t.Fatal(err)
	}
	w.Reset()
	recordPartial(&w, "synth", a, out, p)
	if r, ok := readPartialRecord(arch); !ok || r.File != arch || r.Out != out || w.Len() != 0 {
		t.Fatalf("record of %s: %+v (%v), notes %q", arch, r, ok, w.String())
	}
	removeStalePartialArgs(&w, "synth", a, out, "", ".npz")
	if want := "synth: note: removed " + arch + ", the unfinished maps of an earlier run stopped early (" + out + " now holds the complete result)\n"; w.String() != want {
		t.Errorf("npz member: %q, want %q", w.String(), want)
	}

	// two members: not recorded, left
	for _, m := range []string{"a", "b"} {
		if err := datasets.WriteMaps(arch+":"+m, maps); err != nil {
			t.Fatal(err)
		}
	}
	w.Reset()
	recordPartial(&w, "synth", a, filepath.Join(dir, "x.npz:b"), arch+":b")
	if want := "synth: note: " + arch + " holds other members besides b: a later run that finishes leaves it (remove the member yourself when done with it)\n"; w.String() != want {
		t.Errorf("two members, recorded: %q, want %q", w.String(), want)
	}
	w.Reset()
	removeStalePartialArgs(&w, "synth", a, filepath.Join(dir, "x.npz:a"), "", ".npz")
	if !strings.Contains(w.String(), "synth: note: left "+arch+", which has the name of "+filepath.Join(dir, "x.npz:a")+"'s partial file: stkit has no record of writing it as a partial file; stkit removes only an archive it made holding the member a alone") {
		t.Errorf("two members: %q", w.String())
	}
	for _, m := range []string{"a", "b"} {
		if _, err := datasets.ReadMaps(arch + ":" + m); err != nil {
			t.Errorf("member %s: %v", m, err)
		}
	}
	if names := dirNames(t, dir); strings.Join(names, ",") != "x.partial.npz" {
		t.Errorf("%s holds %v, want x.partial.npz only", dir, names)
	}
}
