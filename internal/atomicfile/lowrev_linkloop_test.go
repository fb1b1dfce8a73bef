package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteRefusesLinkLoop: Write's doc says a symbolic link is followed and
// kept, but through a loop of links (a → b → a) Write returned nil and
// renamed a regular file over the link a. It now refuses the loop and
// leaves both links as they were.
func TestWriteRefusesLinkLoop(t *testing.T) {
	d := t.TempDir()
	a, b := filepath.Join(d, "a"), filepath.Join(d, "b")
	if err := os.Symlink("b", a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", b); err != nil {
		t.Fatal(err)
	}
	err := Write(a, []byte("x"), 0)
	if err == nil || !strings.Contains(err.Error(), "writing "+a) || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("Write through a link loop: %v, want 'writing %s: … too many levels of symbolic links'", err, a)
	}
	for _, p := range []string{a, b} {
		if st, err := os.Lstat(p); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link (%v)", p, err)
		}
	}
	if ents, _ := os.ReadDir(d); len(ents) != 2 {
		t.Errorf("%d entries left in the directory, want the 2 links", len(ents))
	}
	// A chain that ends at a missing file still creates it, the links kept.
	c := filepath.Join(d, "c")
	if err := os.Symlink("new", c); err != nil {
		t.Fatal(err)
	}
	if err := Write(c, []byte("y"), 0); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(d, "new")); err != nil || string(got) != "y" {
		t.Errorf("dangling link target: %q, %v", got, err)
	}
}
