package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// TestPipefix19SignalExit: SIGTERM during a write ends stkit with exit
// status 1, a message naming the signal and the unfinished temporary file,
// which is removed (the earlier output kept). Before, stats died by the
// signal (143), silently, leaving .t.json.tmpNNN. A command under
// interruptible gets the first signal; the second ends it.
func TestPipefix19SignalExit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.json")
	if err := atomicfile.Write(p, []byte("old"), 0); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := -1
	werr := atomicfile.WriteFunc(p, 0, func(w io.Writer) error {
		w.Write(make([]byte, 200<<10))
		ch := make(chan os.Signal, 1)
		ch <- syscall.SIGTERM
		close(ch)
		signalExit(ch, &out, func(c int) { code = c })
		return nil
	})
	if code != 1 || werr == nil {
		t.Fatalf("exit %d, write error %v", code, werr)
	}
	msg := out.String()
	if !strings.Contains(msg, "terminated: stopped; removed the unfinished "+filepath.Join(dir, ".t.json.tmp")) {
		t.Errorf("message %q", msg)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left in the folder: %v", ents)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("t.json holds %q", b)
	}

	// under interruptible: the first signal is the command's, the second ends it
	_, release := interruptible(io.Discard, "saving")
	ch := make(chan os.Signal, 2)
	ch <- syscall.SIGINT
	close(ch)
	code = -1
	signalExit(ch, io.Discard, func(c int) { code = c })
	if code != -1 {
		t.Errorf("first signal under interruptible: exit %d", code)
	}
	ch = make(chan os.Signal, 2)
	ch <- syscall.SIGINT
	ch <- syscall.SIGINT
	close(ch)
	oldInt := interruptRepeatWindow
	interruptRepeatWindow = 0 // a person's second Ctrl-C, not timeout -s INT's (fixpartial21)
	signalExit(ch, io.Discard, func(c int) { code = c })
	interruptRepeatWindow = oldInt
	release()
	if code != 1 {
		t.Errorf("second signal under interruptible: exit %d", code)
	}
	if n := signalOwners.Load(); n != 0 {
		t.Errorf("signalOwners %d after release", n)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "-o", "x"}, "demo"},
		{[]string{"--backend", "go", "-v", "stats", "a.npy"}, "stats"},
		{[]string{"--engine=cpu", "demo"}, "demo"},
		{[]string{"-v"}, ""},
	} {
		if got := commandName(c.args); got != c.want {
			t.Errorf("commandName(%v) = %q, want %q", c.args, got, c.want)
		}
	}
}
