package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/atomicfile"
)

// All-or-nothing outputs (tail19): surrogate -o A,B wrote A, then B; when
// B's write failed, A was already replaced (new Q beside the old U) and the
// command exited 1. writeAllOrNothing writes every output to a temporary
// file beside it first, then renames them over their names; a failed write
// removes the temporaries and leaves every file as it was. A rename that
// fails after others succeeded (rare: the folders were probed writable)
// puts back the files already replaced, from hard links made before the
// renames (where the filesystem has none, such a file cannot be put back,
// and the message says so).
//
// The members of one .npz (-o x.npz:I,x.npz:Q) go into one temporary copy
// of it. An output that is not a regular file (a device such as /dev/null,
// a named pipe, /dev/stdout) cannot be renamed over and is written in
// place, after every temporary file is complete and before the renames: a
// failure there still leaves the regular files as they were, but what
// went to such an output cannot be taken back.
//
// A signal's exit (SIGTERM, Ctrl-C) removes the files in progress, the
// temporaries and the hard links among them; between two renames that left
// some outputs new and the others old, the old versions gone (pairsig20).
// The renames are now an atomicfile.RenamePhase whose undo (rollBack) the
// signal's exit runs first: the outputs are all old again when it exits,
// but for a file the filesystem made no link to, which the signal's
// message and the error name (fixpartial21).

// pendingFile is one file that writeAllOrNothing renames into place.
type pendingFile struct {
	final   string // the file replaced (symbolic links resolved)
	temp    string // the temporary file written, beside final
	existed bool
	mode    os.FileMode
	backup  string // a hard link to the old final ("" for none)
	done    bool   // renamed over final
	kept    bool   // backup is the old final's last copy, kept (partial2: rollBack)
}

// tempBeside creates an empty temporary file in final's folder whose name
// ends with final's base name (so that the writers, which choose the format
// by the extension, write the same format): ".stkit-tmp-DIGITS-BASE", the
// digits beginning with this process's id (atomicfile.CreateBeside). It is
// removed by a signal's exit (atomicfile.RemoveInProgress) until
// atomicfile.Forget; a later run writing BASE removes those of processes
// gone (atomicfile.RemoveDeadBeside, in writeAllOrNothing). Before
// (partialsafe20), surrogate -o a.npy,b.npy killed by SIGTERM between its
// writes and its renames left a.npy's complete temporary for good.
func tempBeside(final string) (string, error) {
	return atomicfile.CreateBeside(final)
}

// isSpecialOutput reports whether path is written in place rather than by
// renaming: an open descriptor's name (/dev/stdout) or an existing file that
// is neither regular nor a folder (a device, a named pipe).
func isSpecialOutput(path string) bool {
	if _, ok := atomicfile.FDPath(path); ok {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && !st.Mode().IsRegular()
}

// copyInto copies the file src into dst (truncated).
func copyInto(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// writeAllOrNothing writes outputs outs (file names, or x.npz:member) with
// write(i, path), which writes output i to path (the final name for a
// device, else a temporary file beside it, with the same ":member"), and
// returns only when all of them are in place, or none of the regular files
// was changed (see above). what names the outputs in the messages.
func writeAllOrNothing(outs []string, what string, write func(i int, path string) error) (err error) {
	return writeAllOrNothingNote(io.Discard, "", outs, what, write)
}

// writeAllOrNothingNote is writeAllOrNothing saying on w, as cmd, the
// old-style temporaries it removes (fixpartial21: removeOldBeside).
func writeAllOrNothingNote(w io.Writer, cmd string, outs []string, what string, write func(i int, path string) error) (err error) {
	byFinal := map[string]*pendingFile{}
	var files []*pendingFile // in order of first use
	defer func() {
		for _, p := range files {
			if err != nil && !p.done {
				os.Remove(p.temp)
			}
			if err != nil && p.backup != "" && !p.kept {
				os.Remove(p.backup)
			}
			atomicfile.Forget(p.temp)
			atomicfile.Forget(p.backup)
		}
	}()
	var special []int
	paths := make([]string, len(outs))
	for i, out := range outs {
		file := datasets.FilePart(out)
		member := strings.TrimPrefix(out, file)
		if isSpecialOutput(file) {
			special = append(special, i)
			continue
		}
		final := file
		if r, e := filepath.EvalSymlinks(file); e == nil {
			final = r
		}
		p := byFinal[final]
		if p == nil {
			// partialsafe20: what a run killed here before left
			// partial3: said, as one may be an old file kept by rollBack
			for _, r := range atomicfile.RemoveDeadBeside(filepath.Dir(final), filepath.Base(final)) {
				fmt.Fprint(w, deadBesideNote(cmd, filepath.Base(final), r))
			}
			removeOldBeside(w, cmd, filepath.Dir(final), filepath.Base(final), processStart.Add(-atomicfile.DeadTempMinAge))
			temp, e := tempBeside(final)
			if e != nil {
				return fmt.Errorf("writing %s: %w", out, e)
			}
			p = &pendingFile{final: final, temp: temp, mode: 0o644}
			byFinal[final] = p
			files = append(files, p)
			copied := false
			if st, e := os.Stat(final); e == nil && st.Mode().IsRegular() {
				p.existed, p.mode = true, st.Mode().Perm()
				if member != "" { // a member added to an existing .npz
					if e := copyInto(temp, final); e != nil {
						return fmt.Errorf("writing %s: %w", out, e)
					}
					copied = true
				}
			}
			if !copied {
				// the name only: a new .npz must not exist (empty) when
				// its first member is added
				os.Remove(temp)
			}
		}
		paths[i] = p.temp + member
	}
	for i := range outs {
		if paths[i] == "" {
			continue
		}
		if err := write(i, paths[i]); err != nil {
			return err
		}
	}
	for _, i := range special {
		if err := write(i, outs[i]); err != nil {
			return err
		}
	}
	for _, p := range files {
		if e := os.Chmod(p.temp, p.mode); e != nil {
			return fmt.Errorf("writing %s: %w", p.final, e)
		}
		if p.existed {
			b, e := tempBeside(p.final)
			if e == nil {
				os.Remove(b) // the name only: Link makes it
				if linkBackup(p.final, b) == nil {
					p.backup = b
				} else {
					atomicfile.Forget(b)
				}
			}
		}
	}
	// pairsig20: a signal's exit during the renames puts the old files
	// back (rollBack) before it removes the files in progress, the links
	// among them; each rename and the roll-back are steps it waits for.
	// fixpartial21: what the signal's undo could not put back (no link)
	// is said by the signal's message and the error
	var undone, undoneKept []string
	phase := atomicfile.BeginRenames(func() {
		undone, undoneKept = rollBack(files)
		noteUndoLost(undone)
		noteUndoKept(undoneKept) // partial2
	})
	for n, p := range files {
		var fail error
		if !phase.Step(func() {
			if e := os.Rename(p.temp, p.final); e != nil {
				lost, kept := rollBack(files)
				fail = fmt.Errorf("writing %s: %w (the %s written before it were put back as they were)", p.final, e, what)
				if len(lost)+len(kept) > 0 {
					fail = notPutBack{fmt.Errorf("writing %s: %w (%s)", p.final, e, notPutBackText(lost, kept))}
				}
				return
			}
			p.done = true
			atomicfile.Forget(p.temp)
		}) {
			phase.End()
			if len(undone)+len(undoneKept) > 0 {
				return notPutBack{fmt.Errorf("writing %s: stopped by a signal (%s)", p.final, notPutBackText(undone, undoneKept))}
			}
			return fmt.Errorf("writing %s: stopped by a signal (the %s renamed before it were put back)", p.final, what)
		}
		if fail != nil {
			phase.End()
			return fail
		}
		pairsigBetweenRenames(n + 1)
	}
	if phase.End() { // a signal after the last rename put them all back
		if len(undone)+len(undoneKept) > 0 {
			return notPutBack{fmt.Errorf("stopped by a signal while renaming the %s into place (%s)", what, notPutBackText(undone, undoneKept))}
		}
		return fmt.Errorf("stopped by a signal while renaming the %s into place (they were put back as they were)", what)
	}
	for _, p := range files {
		if p.backup != "" {
			os.Remove(p.backup)
			atomicfile.Forget(p.backup)
			p.backup = ""
		}
	}
	return nil
}

// rollBack puts the old files back over those already renamed into place
// (their hard links; a file that did not exist is removed) and returns the
// names it could not put back for want of a link (lost) and, for those
// whose link could not be renamed back, where their old file is kept
// (kept: keptOldText).
//
// partial2: a link whose renaming back fails is the old file's last copy:
// it is kept (forgotten by atomicfile, so that a signal's exit does not
// remove it as a file in progress, nor writeAllOrNothing's error path),
// and said. Before, it was removed with the other files in progress.
// partial3: it is kept under a visible name (keepOldVisible), else under
// its temporary name (keptOldTempText).
func rollBack(files []*pendingFile) (lost, kept []string) {
	for _, p := range files {
		if !p.done {
			continue
		}
		switch {
		case p.backup != "":
			if err := renameBack(p.backup, p.final); err != nil {
				atomicfile.Forget(p.backup)
				p.kept = true
				// partial3: under a name no later run's cleanup removes
				if v, verr := keepOldVisible(p.backup, p.final); verr == nil {
					p.backup = v
					kept = append(kept, keptOldText(p.final, v, err))
				} else {
					kept = append(kept, keptOldTempText(p.final, p.backup, err, v, verr))
				}
			} else {
				atomicfile.Forget(p.backup)
				p.backup = ""
			}
		case !p.existed:
			os.Remove(p.final)
		default:
			lost = append(lost, p.final)
		}
		p.done = false
		p.temp = "" // renamed away: nothing to remove
	}
	return lost, kept
}

// renamedErr is an error whose message names the output instead of its
// temporary file; it unwraps to the error itself (its kind, exit status).
type renamedErr struct {
	msg string
	err error
}

func (e renamedErr) Error() string { return e.msg }
func (e renamedErr) Unwrap() error { return e.err }

// notPutBack is writeAllOrNothing's error when a file already replaced
// could not be put back.
type notPutBack struct{ error }

func (e notPutBack) Unwrap() error { return e.error }
