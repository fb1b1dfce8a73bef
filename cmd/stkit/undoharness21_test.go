package main

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// signalAfterRename plays `surrogate -o paths…` stopped by SIGTERM: it
// writes "old <name>" into each of olds, then runs writeAllOrNothing over
// paths (each written "new") with signalExit called right after rename
// number after. It returns the signal's message, its exit code (-1 when
// it did not exit), how many times the between-renames hook ran, and
// writeAllOrNothing's error. Callers set the failure hooks (linkBackup,
// renameBack) before and restore them; the between-renames hook is
// restored here.
func signalAfterRename(t *testing.T, olds, paths []string, after int) (msg string, code, calls int, err error) {
	t.Helper()
	for _, f := range olds {
		if err := os.WriteFile(f, []byte("old "+filepath.Base(f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	code = -1
	pairsigBetweenRenames = func(done int) {
		calls++
		if done != after {
			return
		}
		ch := make(chan os.Signal, 1)
		ch <- syscall.SIGTERM
		signalExit(ch, &buf, func(c int) { code = c })
	}
	defer func() { pairsigBetweenRenames = func(int) {} }()
	err = writeAllOrNothing(paths, "files of -o", func(i int, path string) error {
		return os.WriteFile(path, []byte("new"), 0o644)
	})
	return buf.String(), code, calls, err
}
