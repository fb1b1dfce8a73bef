package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// surrogate -o a.npy,b.npy killed by SIGTERM after a.npy's temporary was
// complete but before the renames exited 1 and left the 20 MB
// .stkit-tmp-…-a.npy: the signal's exit (signalExit) removes only the
// writes under way (atomicfile.RemoveInProgress), and the pair writer's
// temporaries were not among them. Here the second write plays the
// signal's exit: a.npy's complete temporary must be among the files it
// removes, and none may be left in the folder then.
func TestPartialsafe20PairTempsRemovedOnSignal(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	if err := os.WriteFile(a, []byte("old a"), 0o644); err != nil {
		t.Fatal(err)
	}
	var removed, left []string
	err := writeAllOrNothing([]string{a, b}, "files of -o", func(i int, path string) error {
		if i == 0 {
			return os.WriteFile(path, make([]byte, 4096), 0o644)
		}
		removed = atomicfile.RemoveInProgress() // SIGTERM here
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".stkit-tmp-") {
				left = append(left, e.Name())
			}
		}
		return errors.New("terminated")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if len(left) != 0 {
		t.Errorf("left by the signal's exit: %v", left)
	}
	if len(removed) == 0 || !strings.HasSuffix(removed[0], "-a.npy") {
		t.Errorf("RemoveInProgress removed %v, want a.npy's temporary", removed)
	}
	if got, _ := os.ReadFile(a); string(got) != "old a" {
		t.Errorf("a.npy holds %q", got)
	}
	if _, err := os.Stat(b); !os.IsNotExist(err) {
		t.Errorf("b.npy written (%v)", err)
	}
	// a write that succeeds leaves nothing in progress
	if err := writeAllOrNothing([]string{a, b}, "files", func(i int, path string) error {
		return os.WriteFile(path, []byte{byte('0' + i)}, 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	if rm := atomicfile.RemoveInProgress(); len(rm) != 0 {
		t.Errorf("in progress after a complete write: %v", rm)
	}
	if ga, _ := os.ReadFile(a); string(ga) != "0" {
		t.Errorf("a.npy holds %q", ga)
	}
}

// A later run removes what a killed one left beside its outputs: the pair
// writer's temporary of a.npy and Write's temporary inside it (a kill -9's
// ..stkit-tmp-…-a.npy.tmp…), both naming a process no longer running and
// older than atomicfile.DeadTempMinAge; this process's and a live one's
// stay.
func TestPartialsafe20PairDeadTempsRemoved(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a process's end is told on Linux only")
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	pidPart := func(pid int) string {
		s := strconv.Itoa(pid)
		return "0" + strconv.Itoa(len(s)) + s
	}
	dp := dead.Process.Pid
	dir := t.TempDir()
	old := time.Now().Add(-2 * atomicfile.DeadTempMinAge)
	files := map[string]bool{
		".stkit-tmp-" + pidPart(dp) + "91-a.npy":                          true,
		"..stkit-tmp-" + pidPart(dp) + "92-a.npy.tmp" + pidPart(dp) + "3": true,
		".stkit-tmp-" + pidPart(os.Getppid()) + "93-a.npy":                false,
		".stkit-tmp-" + pidPart(dp) + "94-c.npy":                          false,
	}
	for n := range files {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	if err := writeAllOrNothing([]string{a, b}, "files", func(i int, path string) error {
		return os.WriteFile(path, []byte("new"), 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	for n, gone := range files {
		_, err := os.Lstat(filepath.Join(dir, n))
		if gone != os.IsNotExist(err) {
			t.Errorf("%s: removed %v, want %v", n, os.IsNotExist(err), gone)
		}
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Contains(names, "a.npy") || !slices.Contains(names, "b.npy") || len(names) != 4 {
		t.Errorf("folder after the write: %v", names)
	}
}
