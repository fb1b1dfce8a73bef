//go:build linux

package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestPipefix19FDPathInPlace: a path naming an open descriptor that leads
// to a regular file (`stkit … -o /dev/stdout >> log`) is written through
// the descriptor: appended after the file's earlier content, the file not
// replaced (same inode), the descriptor left open. Before, the link was
// followed to the file, a temporary file renamed over it, and "before"
// was lost (pipe's report).
func TestPipefix19FDPathInPlace(t *testing.T) {
	for _, form := range []string{"/dev/fd/%[1]d", "/proc/self/fd/%[1]d", "/proc/%[2]d/fd/%[1]d", "link"} {
		p := filepath.Join(t.TempDir(), "log.txt")
		if err := os.WriteFile(p, []byte("before\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var st0 syscall.Stat_t
		if err := syscall.Stat(p, &st0); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf(form, f.Fd(), os.Getpid())
		if form == "link" { // out.png → /dev/fd/N
			path = filepath.Join(filepath.Dir(p), "out.png")
			if err := os.Symlink(fmt.Sprintf("/dev/fd/%d", f.Fd()), path); err != nil {
				t.Fatal(err)
			}
		}
		if fd, ok := FDPath(path); !ok || fd != int(f.Fd()) {
			t.Fatalf("FDPath(%s) = %d, %v", path, fd, ok)
		}
		if err := Write(path, []byte("one\n"), 0); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := Write(path, []byte("two\n"), 0); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, err := f.WriteString("after\n"); err != nil {
			t.Fatalf("%s: the descriptor was closed: %v", path, err)
		}
		f.Close()
		b, _ := os.ReadFile(p)
		if string(b) != "before\none\ntwo\nafter\n" {
			t.Errorf("%s: file holds %q", path, b)
		}
		var st1 syscall.Stat_t
		if err := syscall.Stat(p, &st1); err != nil || st1.Ino != st0.Ino {
			t.Errorf("%s: the file was replaced (inode %d → %d, %v)", path, st0.Ino, st1.Ino, err)
		}
	}
	for _, s := range []string{"/dev/stdout", "/dev/stderr", "/dev/fd/3", "/dev/fd/../fd/4"} {
		if _, ok := FDPath(s); !ok {
			t.Errorf("FDPath(%s) not a descriptor", s)
		}
	}
	for _, s := range []string{"/dev/null", "/dev/fd/x", "/dev/fd/01", "/proc/1/fd/3", "fd/3", "/tmp/dev/stdout"} {
		if os.Getpid() == 1 && s == "/proc/1/fd/3" {
			continue
		}
		if _, ok := FDPath(s); ok {
			t.Errorf("FDPath(%s) taken for a descriptor", s)
		}
	}
	// an unopened descriptor is an error, not a new file
	if err := Write("/dev/fd/987", []byte("x"), 0); err == nil {
		t.Error("writing /dev/fd/987 (not open): no error")
	}
}
