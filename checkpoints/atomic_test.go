package checkpoints

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// WriteFileAtomic on a path that is not a regular file writes into it instead
// of renaming a temporary file over it: before, a named pipe (or /dev/full,
// as root) was replaced by a plain file and a symbolic link by a copy; a
// directory is refused and errors name the path.
func TestWriteFileAtomicSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	data := []byte("id,cluster\n0,1\n")

	fifo := filepath.Join(dir, "pipe.csv")
	received := testutil.FIFO(t, fifo)
	if err := WriteFileAtomic(fifo, data, 0o644); err != nil {
		t.Fatalf("write to a named pipe: %v", err)
	}
	if b := received(); string(b) != string(data) {
		t.Errorf("the pipe's reader got %q, want %q", b, data)
	}

	// ENOSPC device (testutil.FullDevice).
	if full := testutil.FullDevice(t, filepath.Join(dir, "full")); full != "" {
		err := WriteFileAtomic(full, data, 0o644)
		if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), full) {
			t.Errorf("write to %s: %v, want ENOSPC naming the path", full, err)
		}
		if !testutil.IsCharDevice(full) {
			t.Errorf("%s is no longer a character device", full)
		}
	}

	target := filepath.Join(dir, "target.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.json", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != string(data) {
		t.Errorf("the link's target holds %q, want %q", b, data)
	}

	sub := filepath.Join(dir, "sub.json")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(sub, data, 0o644); err == nil || !strings.Contains(err.Error(), sub) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory target: %v", err)
	}
	missing := filepath.Join(dir, "no", "such", "x.json")
	if err := WriteFileAtomic(missing, data, 0o644); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing folder: %v, want an error naming %s", err, missing)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
