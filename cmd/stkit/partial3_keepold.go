package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// partial3: the old file's link that rollBack could not rename back was
// kept under its temporary name (DIR/.stkit-tmp-…-a.npy), which a later
// stkit run writing a.npy removed without a word
// (atomicfile.RemoveDeadBeside): the user's last copy of the old data. It
// is now given a visible name that no cleanup matches, beside a.npy
// (keepOldVisible: a.stkit-old-20261129T211000Z.npy), and the message
// names that; should that fail too, it stays as before and the later
// run's cleanup says what it removes (deadBesideNote).

// keepOldLink links a kept old file to its visible name (keepOldVisible);
// tests make it fail.
var keepOldLink = os.Link

// keepOldName is the visible name keepOldVisible gives final's old file:
// "a.stkit-old-20261129T211000Z.npy" beside a.npy (".fits.gz" kept
// whole), "-2", "-3", … added for the n-th try.
func keepOldName(final string, at time.Time, n int) string {
	base := filepath.Base(final)
	ext := filepath.Ext(base)
	if ext == ".gz" {
		ext = filepath.Ext(strings.TrimSuffix(base, ext)) + ext
	}
	name := strings.TrimSuffix(base, ext) + ".stkit-old-" + at.UTC().Format("20060102T150405Z")
	if n > 1 {
		name += "-" + strconv.Itoa(n)
	}
	return filepath.Join(filepath.Dir(final), name+ext)
}

// keepOldVisible links backup (final's old file) to a free visible name
// beside final (keepOldName), removes backup, and returns that name.
func keepOldVisible(backup, final string) (string, error) {
	now := time.Now()
	for n := 1; ; n++ {
		v := keepOldName(final, now, n)
		err := keepOldLink(backup, v)
		if err == nil {
			os.Remove(backup) // v holds it; a leftover link is removed later
			return v, nil
		}
		if !os.IsExist(err) || n >= 100 {
			return v, err
		}
	}
}

// deadBesideNote is the line that says, as cmd, that
// atomicfile.RemoveDeadBeside removed path, a temporary of base: it may be
// the old file an undone surrogate -o said it kept there (partial3).
func deadBesideNote(cmd, base, path string) string {
	who := "a stkit process no longer running"
	name := filepath.Base(path)
	if t, ok := atomicfile.TempTarget(name); ok {
		name = t
	}
	if _, pid, ok := atomicfile.BesideTarget(name); ok {
		who = fmt.Sprintf("stkit process %d, no longer running", pid)
	}
	return fmt.Sprintf("%s: note: removed %s, left beside %s by %s: a temporary of a write it did not finish, or the old %s it said it kept there when it could not put it back\n",
		cmd, path, base, who, base)
}
