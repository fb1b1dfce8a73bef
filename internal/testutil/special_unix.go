//go:build unix

package testutil

import (
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
// /dev/full itself otherwise, or "" when neither exists.
func FullDevice(t testing.TB, path string) string {
	t.Helper()
	if err := syscall.Mknod(path, syscall.S_IFCHR|0o666, 1<<8|7); err == nil {
		return path
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		return "/dev/full"
	}
	return ""
}

// IsCharDevice reports whether path (not followed) is still a character
// device.
func IsCharDevice(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
