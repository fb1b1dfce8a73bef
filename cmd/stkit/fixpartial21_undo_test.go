package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// surrogate -o a.npy,b.npy stopped by SIGTERM after a.npy's rename, on a
// filesystem without hard links (linkBackup fails, as os.Link does there
// with EPERM): a.npy cannot be put back, yet the signal's message said
// "removed the unfinished … (the outputs keep their earlier files, or
// none)" and the error "the files of -o renamed before it were put back".
// Now both name a.npy as not put back; b.npy keeps its old bytes.
func TestFixpartial21SignalUndoWithoutLinks(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	linkBackup = func(string, string) error { return &os.LinkError{Op: "link", Err: syscall.EPERM} }
	defer func() { linkBackup = os.Link }()
	msg, code, _, err := signalAfterRename(t, []string{a, b}, []string{a, b}, 1)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := "; " + a + " already held this run's new output and could not be put back as it was (the filesystem made no hard link to the old file): the old file is lost"
	if !strings.Contains(msg, want) || strings.Contains(msg, "keep their earlier files") {
		t.Errorf("signal message %q, want %q and not 'keep their earlier files'", msg, want)
	}
	var npb notPutBack
	if err == nil || !errors.As(err, &npb) || !strings.Contains(err.Error(), "stopped by a signal ("+a+" could not be put back: the filesystem made no link to the old file)") {
		t.Errorf("err %v, want a notPutBack naming %s", err, a)
	}
	if got, _ := os.ReadFile(a); string(got) != "new" {
		t.Errorf("a.npy holds %q, want the new bytes (not put back)", got)
	}
	if got, _ := os.ReadFile(b); string(got) != "old b.npy" {
		t.Errorf("b.npy holds %q, want its old bytes", got)
	}
	if len(takeUndoLost()) != 0 {
		t.Errorf("signalExit left the names not put back for the next signal")
	}

	// with links: put back, and the message says the outputs are kept
	linkBackup = os.Link
	msg, _, _, err = signalAfterRename(t, []string{a, b}, []string{a, b}, 1)
	if err == nil || !strings.Contains(err.Error(), "(the files of -o renamed before it were put back)") || strings.Contains(msg, "could not be put back") {
		t.Errorf("with links: err %v, message %q", err, msg)
	}
	if got, _ := os.ReadFile(a); string(got) != "old a.npy" {
		t.Errorf("with links: a.npy holds %q, want its old bytes", got)
	}
}
