package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"
)

// TestMsgs18StatsToPipedStdout: `stkit stats a.npy -o /dev/stdout --format
// json | jq` failed, exit 1, "writing /dev/stdout: creating a temporary file
// in /proc/self/fd/: …": /dev/stdout → /proc/self/fd/1 → "pipe:[N]", which
// the atomic writer followed to a folder of /proc. A pipe is written in
// place: the reader gets the JSON.
func TestMsgs18StatsToPipedStdout(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd on this system")
	}
	mp := writeTestMap(t, t.TempDir(), "m.npy", 1)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(r); got <- b }()
	out := fmt.Sprintf("/proc/self/fd/%d", w.Fd())
	code, _, errs := runCLI(t, "stats", mp, "-J", "2", "--format", "json", "-o", out)
	w.Close()
	b := <-got
	var doc map[string]any
	if code != 0 || json.Unmarshal(b, &doc) != nil || doc["config"] == nil {
		t.Errorf("stats -o %s (a pipe): exit %d, %d bytes read (%.60q), stderr %s", out, code, len(b), b, errs)
	}
}
