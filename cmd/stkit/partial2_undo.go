package main

import (
	"path/filepath"
	"strings"
	"sync"
)

// partial2: when writeAllOrNothing's undo could not rename an old file's
// hard link back (rollBack), the signal's exit then removed that link as a
// file in progress: the last copy of the old file. The link is now kept,
// and the signal's message and the error say where (keptOldText); partial3:
// under a visible name (keepOldVisible).

// undoKept holds what a signal's undo says of the old files it kept under
// their link's name (keptOldText).
var undoKept struct {
	mu    sync.Mutex
	texts []string
}

// noteUndoKept adds texts (keptOldText) for the signal's message.
func noteUndoKept(texts []string) {
	undoKept.mu.Lock()
	undoKept.texts = append(undoKept.texts, texts...)
	undoKept.mu.Unlock()
}

// takeUndoKept returns the texts noteUndoKept added and forgets them.
func takeUndoKept() []string {
	undoKept.mu.Lock()
	defer undoKept.mu.Unlock()
	texts := undoKept.texts
	undoKept.texts = nil
	return texts
}

// keptOldText says that final's old file, whose link could not be renamed
// back (err), is kept as kept, a visible name no cleanup removes
// (partial3: keepOldVisible): "a.npy could not be put back (rename …:
// permission denied): its old file is kept as
// /d/a.stkit-old-20261129T211000Z.npy; rename it to a.npy yourself".
func keptOldText(final, kept string, err error) string {
	return final + " could not be put back (" + err.Error() + "): its old file is kept as " + kept +
		"; rename it to " + filepath.Base(final) + " yourself"
}

// keptOldTempText is keptOldText when the visible name (visible) could not
// be given either (verr): the old file stays under its link's temporary
// name backup, which a later stkit run writing final removes, saying so
// (deadBesideNote).
func keptOldTempText(final, backup string, err error, visible string, verr error) string {
	return final + " could not be put back (" + err.Error() + "): its old file is kept as " + backup +
		" (naming it " + filepath.Base(visible) + " failed too: " + verr.Error() + "); rename it to " + filepath.Base(final) +
		" yourself (a later stkit run writing " + filepath.Base(final) + " removes it, and says so)"
}

// notPutBackText is what writeAllOrNothing's error says of the files its
// undo could not put back: lost (no link: "a.npy could not be put back:
// the filesystem made no link to the old file") and kept (keptOldText).
func notPutBackText(lost, kept []string) string {
	var parts []string
	if len(lost) > 0 {
		parts = append(parts, strings.Join(lost, ", ")+" could not be put back: the filesystem made no link to the old file")
	}
	return strings.Join(append(parts, kept...), "; ")
}
