package main

import "sync"

// fixpartial21: a signal's exit (SIGTERM, Ctrl-C) between surrogate -o
// A,B's renames puts the old files back from their hard links
// (writeAllOrNothing's rollBack, pairsig20); where the filesystem made no
// link, a file already replaced cannot be put back, yet the signal's
// message said "(the outputs keep their earlier files, or none)" and the
// error "the files of -o renamed before it were put back". The undo now
// notes the files it could not put back (noteUndoLost), and signalExit's
// message names them (takeUndoLost).

// undoLost holds the files a signal's undo could not put back.
var undoLost struct {
	mu    sync.Mutex
	names []string
}

// noteUndoLost adds names to the files a signal's undo could not put back.
func noteUndoLost(names []string) {
	undoLost.mu.Lock()
	undoLost.names = append(undoLost.names, names...)
	undoLost.mu.Unlock()
}

// takeUndoLost returns the files a signal's undo could not put back and
// forgets them.
func takeUndoLost() []string {
	undoLost.mu.Lock()
	defer undoLost.mu.Unlock()
	names := undoLost.names
	undoLost.names = nil
	return names
}
