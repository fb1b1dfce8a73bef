package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A partial file of a run with other arguments (stkit synth t.npy -n 40
// --seed 7 -o s.npy, stopped early) was removed by a finished stkit synth
// t.npy -n 1 --seed 1 -o s.npy with "removed s.partial.npy, the unfinished
// maps of an earlier run stopped early (s.npy now holds the complete
// result)": s.npy held none of those maps. It is still removed (an attempt
// at s.npy, which this run replaced as it would have replaced that run's
// complete result), but the note now says it came from other arguments and
// gives them; a partial file of the same arguments keeps the old note.
func TestFixpartial21OtherArgsPartialNamed(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.npy")
	p := partialPath("synth", out, ".npy")
	earlier := []string{"t.npy", "-n", "40", "--seed", "7", "-o", out}
	this := []string{"t.npy", "-n", "1", "--seed", "1", "-o", out}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{this, "synth: note: removed " + p + ", the unfinished maps of an earlier run stopped early, one with other arguments (stkit synth t.npy -n 40 --seed 7 -o " + out + ", written 20"},
		{earlier, "synth: note: removed " + p + ", the unfinished maps of an earlier run stopped early (" + out + " now holds the complete result)\n"},
		{nil, "synth: note: removed " + p + ", the unfinished maps of an earlier run stopped early (" + out + " now holds the complete result)\n"},
	} {
		if err := os.WriteFile(p, []byte("partial maps"), 0o644); err != nil {
			t.Fatal(err)
		}
		var w bytes.Buffer
		recordPartial(&w, "synth", earlier, out, p)
		r, _ := readPartialRecord(p)
		removeStalePartialArgs(&w, "synth", tc.args, out, "", ".npy")
		got := w.String()
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("args %v: got %q, want it to begin with %q", tc.args, got, tc.want)
		}
		if tc.args != nil && tc.args[2] == "1" && !strings.HasSuffix(got, ", written "+r.Written+"): "+out+" now holds this run's complete result in their place\n") {
			t.Errorf("other arguments: %q, want the date and 'in their place'", got)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("args %v: %s holds %v, want nothing", tc.args, dir, names)
		}
	}
}
