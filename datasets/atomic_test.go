package datasets

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A write to a path that is not a regular file goes into that file instead of
// renaming a temporary file over it: before, WriteNPY to a named pipe (or to
// /dev/full, as root) replaced the pipe (the device node) with a plain file.
// A symbolic link is followed: the file it names is replaced, the link kept.
func TestWriteSpecialFilesAndLinks(t *testing.T) {
	dir := t.TempDir()
	m := testMaps(1, 4, 4)
	a, err := MapsToArray(m, "float64")
	if err != nil {
		t.Fatal(err)
	}
	want, err := EncodeNPY(a, NPYOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// Named pipe: the reader gets the bytes, the pipe stays a pipe.
	fifo := filepath.Join(dir, "pipe.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	if err := WriteMaps(fifo, m); err != nil {
		t.Fatalf("write to a named pipe: %v", err)
	}
	select {
	case b := <-got:
		if string(b) != string(want) {
			t.Errorf("the pipe's reader got %d bytes, want the %d of the .npy file", len(b), len(want))
		}
	case <-time.After(5 * time.Second):
		t.Errorf("nothing was written into the named pipe")
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the named pipe was replaced: %v %v", st.Mode(), err)
	}

	// A device that refuses every write (ENOSPC): a device node made here as
	// root (so that a wrong rename cannot touch the system's /dev/full),
	// /dev/full itself otherwise (a user cannot create files in /dev).
	full := filepath.Join(dir, "full.npy")
	if err := syscall.Mknod(full, syscall.S_IFCHR|0o666, 1<<8|7); err != nil {
		full = "/dev/full"
	}
	if _, err := os.Stat(full); err == nil {
		err := WriteMaps(full, m)
		if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), full) {
			t.Errorf("write to %s: %v, want ENOSPC naming the path", full, err)
		}
		if st, err := os.Lstat(full); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("%s is no longer a character device: %v %v", full, st.Mode(), err)
		}
	}

	// Symbolic link: the target is replaced, the link kept.
	target := filepath.Join(dir, "target.npy")
	link := filepath.Join(dir, "link.npy")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.npy", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteMaps(link, m); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != string(want) {
		t.Errorf("the link's target holds %q…, want the new .npy", b[:min(len(b), 8)])
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v, want 0600 kept", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
