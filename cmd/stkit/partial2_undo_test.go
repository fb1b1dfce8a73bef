package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// surrogate -o a.npy,b.npy stopped by SIGTERM after a.npy's rename, where
// renaming a.npy's hard link back fails (renameBack): the signal's exit
// removed that link as a file in progress, the last copy of the old a.npy.
// Now it is kept, and the message and the error say where: partial3,
// under a visible name (a.stkit-old-<UTC time>.npy), not .stkit-tmp-…,
// which a later run writing a.npy removed without a word.
func TestPartial2UndoKeepsLinkWhenRenameBackFails(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	renameBack = func(old, new string) error {
		return &os.LinkError{Op: "rename", Old: old, New: new, Err: syscall.EACCES}
	}
	defer func() { renameBack = os.Rename }()
	msg, code, _, err := signalAfterRename(t, []string{a, b}, []string{a, b}, 1)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// partial3: under a visible name no later run's cleanup removes
	re := regexp.MustCompile(regexp.QuoteMeta(a+" could not be put back (rename ") + `[^)]*permission denied\): its old file is kept as (` +
		regexp.QuoteMeta(filepath.Join(dir, "a.stkit-old-")) + `[0-9]{8}T[0-9]{6}Z\.npy); rename it to a\.npy yourself\n`)
	m := re.FindStringSubmatch(msg)
	if m == nil || strings.Contains(msg, "keep their earlier files") {
		t.Fatalf("signal message %q, want it to name where the old a.npy is kept", msg)
	}
	if got, err := os.ReadFile(m[1]); err != nil || string(got) != "old a.npy" {
		t.Errorf("the kept link %s: %q (%v), want the old a.npy's bytes", m[1], got, err)
	}
	var npb notPutBack
	if err == nil || !errors.As(err, &npb) || !strings.Contains(err.Error(), "stopped by a signal ("+a+" could not be put back (rename ") || !strings.Contains(err.Error(), "its old file is kept as "+m[1]) {
		t.Errorf("err %v, want a notPutBack naming %s", err, m[1])
	}
	if got, _ := os.ReadFile(b); string(got) != "old b.npy" {
		t.Errorf("b.npy holds %q, want its old bytes", got)
	}
	if len(takeUndoKept()) != 0 {
		t.Errorf("signalExit left the kept files for the next signal")
	}
}
