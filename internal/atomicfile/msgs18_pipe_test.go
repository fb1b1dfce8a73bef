package atomicfile

import (
	"fmt"
	"io"
	"os"
	"testing"
)

// TestWriteMsgs18PipeThroughProcLink: `stkit stats a.npy -o /dev/stdout |
// head` failed with "writing /dev/stdout: creating a temporary file in
// /proc/self/fd/: open /proc/self/fd/.pipe:[…].tmp…: no such file or
// directory": /dev/stdout → /proc/self/fd/1 → "pipe:[N]", no path. Write
// now writes such a pipe in place: the reader gets the bytes, and no
// temporary file is tried.
func TestWriteMsgs18PipeThroughProcLink(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd on this system")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	path := fmt.Sprintf("/proc/self/fd/%d", w.Fd())
	got := make(chan string, 1)
	go func() { b, _ := io.ReadAll(r); got <- string(b) }()
	err = Write(path, []byte("{\"a\": 1}\n"), 0)
	w.Close()
	if s := <-got; err != nil || s != "{\"a\": 1}\n" {
		t.Errorf("Write(%s) to a pipe: %v, the reader got %q", path, err, s)
	}
}
