package atomicfile

import (
	"errors"
	"io"
	"os"
	"testing"
)

// TestWriteEmptyPath: Write and WriteFunc with path "" failed with the
// confusing "writing : is a directory". They now return ErrEmptyPath, whose
// message says the output path is empty, without calling fill and without
// leaving a temporary file in the working directory.
func TestWriteEmptyPath(t *testing.T) {
	d := t.TempDir()
	t.Chdir(d)
	err := Write("", []byte("x"), 0)
	if !errors.Is(err, ErrEmptyPath) || err.Error() != "writing: empty output path (give the name of the file to write)" {
		t.Errorf("Write(\"\"): %v, want ErrEmptyPath", err)
	}
	called := false
	err = WriteFunc("", 0, func(w io.Writer) error { called = true; return nil })
	if !errors.Is(err, ErrEmptyPath) {
		t.Errorf("WriteFunc(\"\"): %v, want ErrEmptyPath", err)
	}
	if called {
		t.Error("WriteFunc(\"\") called fill")
	}
	if ents, _ := os.ReadDir(d); len(ents) != 0 {
		t.Errorf("working directory holds %d entries after the refusals, want 0", len(ents))
	}
}
