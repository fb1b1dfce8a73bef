//go:build unix

package testutil

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// FIFO makes a named pipe at path and starts a reader on it; call the
// returned function after the write under test to get what the reader
// received (nil, with a test error, when nothing arrives within 10 s). It
// also reports an error if path is no longer a named pipe (a writer renamed
// a file over it).
func FIFO(t testing.TB, path string) (received func() []byte) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	return func() []byte {
		t.Helper()
		var b []byte
		select {
		case b = <-got:
		case <-time.After(10 * time.Second):
			t.Errorf("nothing was written into the named pipe %s", path)
		}
		if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the named pipe %s was replaced", path)
		}
		return b
	}
}

// FullDevice returns a character device that fails every write with ENOSPC:
// a copy of /dev/full made at path when the test runs as root (so that a
// writer that wrongly renames over it cannot touch the system's device),
// /dev/full itself otherwise, or "" when neither exists. Each is used only
// when a trial write fails with ENOSPC: a copy on a filesystem mounted
// nodev cannot be opened (EACCES), and is removed.
func FullDevice(t testing.TB, path string) string {
	t.Helper()
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|7); err == nil {
		if failsWithENOSPC(path) {
			return path
		}
		_ = os.Remove(path)
	}
	if failsWithENOSPC("/dev/full") {
		return "/dev/full"
	}
	return ""
}

// failsWithENOSPC reports whether path opens for writing and a one-byte
// write fails with ENOSPC.
func failsWithENOSPC(path string) bool {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = f.Write([]byte{0})
	return errors.Is(err, syscall.ENOSPC)
}

// IsCharDevice reports whether path (not followed) is still a character
// device.
func IsCharDevice(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
