package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/stkit-org/stkit/internal/dirlock"
)

// Output locks. patches and train hold the lock file DIR/.stkit.lock of
// their output folder, export the lock file .MODELDIR.lock beside its model
// folder (which it builds beside MODELDIR and moves in, and which may hold
// nothing but the models), for the whole command: a second stkit writing the
// same output is refused at once (exit 2, as every other condition of the
// user's setup that keeps a command from starting) with the first one's pid
// and command line, instead of both reporting success over one mixed or lost
// result. A lock whose process no longer runs on this host is taken over
// (internal/dirlock). The lock file is none of the folder's files: dataset
// fingerprints, the folder-kind checks (collide.go) and resuming ignore it.

// lockOutputDir locks the output folder dir (flag names it: "-o") for the
// command name run with args, creating dir when absent; Release removes the
// lock, and dir again when the lock made it and nothing was written.
func lockOutputDir(flag, dir, name string, args []string) (*dirlock.Lock, error) {
	l, err := dirlock.Dir(dir, commandLine(name, args))
	return l, lockError(flag, err)
}

// lockOutputBeside locks the output path (flag names it) through a lock
// file beside it (dirlock.Beside), its symbolic links followed as
// infer.ModelSet.Write follows them, so that two spellings of one folder
// share one lock.
func lockOutputBeside(flag, path, name string, args []string) (*dirlock.Lock, error) {
	target := filepath.Clean(path)
	if r, err := filepath.EvalSymlinks(target); err == nil {
		target = r
	}
	if a, err := filepath.Abs(target); err == nil {
		target = a
	}
	l, err := dirlock.Beside(target, commandLine(name, args))
	var busy *dirlock.BusyError
	if errors.As(err, &busy) {
		// named as given; the lock file too unless links were followed
		busy.Target = path
		if a, aerr := filepath.Abs(path); aerr == nil && a == target {
			busy.Path = dirlock.FileName(path)
		}
	}
	return l, lockError(flag, err)
}

// lockError prefixes the flag to the refusal of a lock (nil stays nil):
// "-o: another stkit (pid N, `stkit train …`) is writing rc; wait for it or
// remove rc/.stkit.lock if no such process runs". A lock held by another
// process (dirlock.ErrBusy) is bad input, exit 2: the command could not
// start because of the user's setup (it exited 1, as a failure of the
// work); other errors (the folder cannot be made) stay failures.
func lockError(flag string, err error) error {
	if err == nil {
		return nil
	}
	err = fmt.Errorf("%s: %w", flag, err)
	if errors.Is(err, dirlock.ErrBusy) {
		return badInput{err}
	}
	return err
}

// commandLine is the command line a lock records: "stkit NAME ARGS…".
func commandLine(name string, args []string) string {
	return dirlock.Command(append([]string{"stkit", name}, args...))
}
