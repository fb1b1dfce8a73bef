package main

import (
	"path/filepath"
	"strings"
	"sync"
)

// partial2: when writeAllOrNothing's undo could not rename an old file's
// hard link back (rollBack), the signal's exit then removed that link as a
// file in progress: the last copy of the old file. The link is now kept,
// and the signal's message and the error say where (keptOldText).

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

// keptOldText says that final's old file, whose link backup could not be
// renamed back (err), is kept as backup: "a.npy could not be put back
// (rename …: permission denied): its old file is kept as
// /d/.stkit-tmp-…-a.npy; rename it to a.npy yourself (a later stkit run
// writing a.npy removes it)".
func keptOldText(final, backup string, err error) string {
	return final + " could not be put back (" + err.Error() + "): its old file is kept as " + backup +
		"; rename it to " + filepath.Base(final) + " yourself (a later stkit run writing " + filepath.Base(final) + " removes it)"
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
