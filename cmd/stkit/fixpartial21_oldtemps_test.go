package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// Temporaries of surrogate -o a.npy,b.npy named by stkit before ec5e5ab
// (".stkit-tmp-DIGITS-a.npy", random digits, no process id) that a kill
// left were never removed. Now a write of a.npy removes those of a.npy (and
// Write's temporary inside one) unmodified since a minute before this
// process started, each said in a note; a recent one (an older stkit may
// be writing it), one of another file and a new-style name are kept.
func TestFixpartial21OldStylePairTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	old := processStart.Add(-2 * atomicfile.DeadTempMinAge)
	recent := time.Now().Add(-atomicfile.DeadTempMinAge / 2)
	pp := strconv.Itoa(os.Getppid())
	live := "0" + strconv.Itoa(len(pp)) + pp
	files := map[string]struct {
		mtime time.Time
		gone  bool
	}{
		".stkit-tmp-3141592-a.npy":              {old, true},
		"..stkit-tmp-2718281-a.npy.tmp16180339": {old, true},
		".stkit-tmp-1414213-a.npy":              {recent, false},
		".stkit-tmp-1732050-c.npy":              {old, false},
		".stkit-tmp-" + live + "999-a.npy":      {old, false}, // new-style: a live pid (RemoveDeadBeside's)
		".stkit-tmp-x1-a.npy":                   {old, false},
	}
	for n, f := range files {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	var w bytes.Buffer
	if err := writeAllOrNothingNote(&w, "surrogate", []string{a, b}, "files", func(i int, path string) error {
		return os.WriteFile(path, []byte("new"), 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	for n, f := range files {
		_, err := os.Lstat(filepath.Join(dir, n))
		if f.gone != os.IsNotExist(err) {
			t.Errorf("%s: removed %v, want %v", n, os.IsNotExist(err), f.gone)
		}
		note := "surrogate: note: removed " + filepath.Join(dir, n) + ", a temporary file of a.npy that an older stkit left when it was stopped (unmodified since " + f.mtime.UTC().Format(time.RFC3339) + ")\n"
		if f.gone != strings.Contains(w.String(), note) {
			t.Errorf("%s: note %v, want %v, in %q", n, !f.gone, f.gone, w.String())
		}
	}
	if got := strings.Count(w.String(), "\n"); got != 2 {
		t.Errorf("%d notes, want 2: %q", got, w.String())
	}
	if _, ok := oldBesideTarget(".stkit-tmp-0-a.npy"); ok {
		t.Errorf("a name beginning with 0 taken for an old-style one")
	}
}
