package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// fixpartial21: stkit builds before ec5e5ab named writeAllOrNothing's
// temporaries ".stkit-tmp-DIGITS-BASE" with os.CreateTemp's random digits
// only (no process id: atomicfile.BesideTarget answers false), so those a
// kill left (a complete a.npy of surrogate -o a.npy,b.npy never renamed,
// or the hard link to an old a.npy) were never removed: no run can tell
// whether their writer still runs. No build makes such names any more; a
// run writing BASE now removes those of BASE (and Write's temporaries
// inside them) unmodified since DeadTempMinAge before this process
// started, saying so (removeOldBeside). An older stkit still writing one
// at that moment would have modified it since, or started after.

// processStart is when this process started (near enough: package init).
var processStart = time.Now()

// oldBesideTarget reports whether name (without folder) is a temporary of
// writeAllOrNothing as stkit named them before ec5e5ab,
// ".stkit-tmp-DIGITS-BASE" with DIGITS not beginning with "0" (a process
// id's mark), and returns BASE.
func oldBesideTarget(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, ".stkit-tmp-")
	if !ok {
		return "", false
	}
	d, base, ok := strings.Cut(rest, "-")
	if !ok || base == "" || d == "" || d[0] == '0' {
		return "", false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return base, true
}

// removeOldBeside removes from dir the old-style temporaries of the file
// base (oldBesideTarget), and Write's temporaries inside them, that are
// regular files unmodified since before (processStart less
// atomicfile.DeadTempMinAge), and says each on w.
func removeOldBeside(w io.Writer, cmd, dir, base string, before time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		name := e.Name()
		if t, ok := atomicfile.TempTarget(name); ok { // Write's temporary of one
			name = t
		}
		if b, ok := oldBesideTarget(name); !ok || b != base {
			continue
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() || !st.ModTime().Before(before) {
			continue
		}
		if os.Remove(p) == nil {
			fmt.Fprintf(w, "%s: note: removed %s, a temporary file of %s that an older stkit left when it was stopped (unmodified since %s)\n",
				cmd, p, base, st.ModTime().UTC().Format(time.RFC3339))
		}
	}
}
