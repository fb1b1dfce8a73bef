//go:build linux

package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPipefix2DeadTempRemoved: a write of t.json removes the temporaries of
// t.json left by processes no longer running (one reaped, one a zombie: a
// kill -9 not yet reaped by its parent), older than DeadTempMinAge, and
// keeps those of the test process itself, of its parent (alive), of a dead
// process modified just now, of another target, and older names without a
// process id. After a kill -9 of stats -o t.json, .t.json.tmpNNN stayed for
// good (pipefix's report).
func TestPipefix2DeadTempRemoved(t *testing.T) {
	reaped := exec.Command("true")
	if err := reaped.Run(); err != nil {
		t.Fatal(err)
	}
	zp := exec.Command("true")
	if err := zp.Start(); err != nil {
		t.Fatal(err)
	}
	defer zp.Wait()
	for deadline := time.Now().Add(10 * time.Second); !processGone(zp.Process.Pid); {
		if time.Now().After(deadline) {
			t.Fatalf("process %d (true) not a zombie after 10 s", zp.Process.Pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if processGone(os.Getpid()) || processGone(os.Getppid()) {
		t.Fatal("a running process taken as gone")
	}
	dir := t.TempDir()
	name := func(base string, pid int) string { return "." + base + tempMark + tempPIDPrefix(pid) + "77" }
	old := time.Now().Add(-2 * DeadTempMinAge)
	files := map[string]bool{ // name → removed
		name("t.json", reaped.Process.Pid): true,
		name("t.json", zp.Process.Pid):     true,
		name("t.json", os.Getpid()):        false,
		name("t.json", os.Getppid()):       false,
		name("u.json", reaped.Process.Pid): false,
		".t.json.tmp31415":                 false,
	}
	for n := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(filepath.Join(dir, n), old, old); err != nil {
			t.Fatal(err)
		}
	}
	recent := name("t.json", reaped.Process.Pid) + "8" // dead, modified now
	if err := os.WriteFile(filepath.Join(dir, recent), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	files[recent] = false
	if err := Write(filepath.Join(dir, "t.json"), []byte("{}\n"), 0); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	for n, gone := range files {
		if slices.Contains(left, n) == gone {
			t.Errorf("%s: removed %v, want %v (left: %s)", n, !gone, gone, strings.Join(left, " "))
		}
	}
	if !slices.Contains(left, "t.json") || len(left) != 6 {
		t.Errorf("left %v, want t.json and the 5 kept temporaries", left)
	}
}
