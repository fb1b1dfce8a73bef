package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestPipefix19RemoveInProgress: the temporary file of a write under way
// is listed and removed by RemoveInProgress (what the CLI does on SIGTERM
// or Ctrl-C); the write then fails and leaves the earlier file under the
// final name; after a write has ended nothing is left to remove.
func TestPipefix19RemoveInProgress(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.json")
	if err := Write(p, []byte("old"), 0); err != nil {
		t.Fatal(err)
	}
	if got := RemoveInProgress(); len(got) != 0 {
		t.Fatalf("after a finished write: removed %v", got)
	}
	var removed []string
	err := WriteFunc(p, 0, func(w io.Writer) error {
		if _, err := w.Write(make([]byte, 3*bufSize)); err != nil {
			return err
		}
		removed = RemoveInProgress()
		return nil
	})
	if err == nil {
		t.Error("the write whose temporary file was removed succeeded")
	}
	if len(removed) != 1 || filepath.Dir(removed[0]) != dir {
		t.Fatalf("removed %v", removed)
	}
	if base, ok := TempTarget(filepath.Base(removed[0])); !ok || base != "t.json" {
		t.Errorf("removed %s: not t.json's temporary file", removed[0])
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("t.json holds %q, want the earlier file", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left in the folder: %v", ents)
	}
}
