package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// partial3Undo plays surrogate -o a.npy,b.npy stopped by SIGTERM after
// a.npy's rename, where renaming a.npy's hard link back fails; it returns
// the signal's message.
func partial3Undo(t *testing.T, dir string) string {
	t.Helper()
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	renameBack = func(old, new string) error {
		return &os.LinkError{Op: "rename", Old: old, New: new, Err: syscall.EACCES}
	}
	defer func() { renameBack = os.Rename }()
	msg, _, _, err := signalAfterRename(t, []string{a, b}, []string{a, b}, 1)
	if err == nil {
		t.Fatal("no error from a write stopped by a signal")
	}
	return msg
}

// The old a.npy that could not be put back was kept as
// DIR/.stkit-tmp-…-a.npy, which a later stkit run writing a.npy removed
// without a word (RemoveDeadBeside). It now gets a visible name beside
// a.npy that no cleanup matches, and a later run leaves it.
func TestPartial3KeptOldVisibleName(t *testing.T) {
	dir := t.TempDir()
	msg := partial3Undo(t, dir)
	m := regexp.MustCompile(`its old file is kept as (` + regexp.QuoteMeta(filepath.Join(dir, "a.stkit-old-")) +
		`[0-9]{8}T[0-9]{6}Z\.npy); rename it to a\.npy yourself\n$`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("signal message %q, want the old a.npy kept as a.stkit-old-<UTC time>.npy", msg)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 3 || strings.Contains(strings.Join(names, " "), ".stkit-tmp-") {
		t.Errorf("folder after the undo: %v, want a.npy, b.npy and %s", names, filepath.Base(m[1]))
	}
	if got, err := os.ReadFile(m[1]); err != nil || string(got) != "old a.npy" {
		t.Errorf("%s holds %q (%v), want the old a.npy's bytes", m[1], got, err)
	}
	// a later run writing a.npy
	var w bytes.Buffer
	a := filepath.Join(dir, "a.npy")
	if err := writeAllOrNothingNote(&w, "surrogate", []string{a}, "files", func(i int, path string) error {
		return os.WriteFile(path, []byte("newer"), 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(m[1]); err != nil || string(got) != "old a.npy" || w.Len() != 0 {
		t.Errorf("after a later run: %s holds %q (%v), said %q", m[1], got, err, w.String())
	}
	if n := keepOldName("/d/x.fits.gz", time.Date(2026, 11, 29, 21, 10, 0, 0, time.UTC), 2); n != "/d/x.stkit-old-20261129T211000Z-2.fits.gz" {
		t.Errorf("keepOldName: %s", n)
	}
}

// When the visible name cannot be given either, the old file stays under
// its link's temporary name, the message says so, and the later run's
// cleanup of such a temporary (its writer gone) says what it removes.
func TestPartial3KeptOldFallbackAndNote(t *testing.T) {
	dir := t.TempDir()
	keepOldLink = func(old, new string) error {
		return &os.LinkError{Op: "link", Old: old, New: new, Err: syscall.EACCES}
	}
	defer func() { keepOldLink = os.Link }()
	msg := partial3Undo(t, dir)
	re := regexp.MustCompile(`its old file is kept as (` + regexp.QuoteMeta(filepath.Join(dir, ".stkit-tmp-")) +
		`[0-9]+-a\.npy) \(naming it a\.stkit-old-[0-9]{8}T[0-9]{6}Z\.npy failed too: link [^)]*permission denied\); ` +
		`rename it to a\.npy yourself \(a later stkit run writing a\.npy removes it, and says so\)\n$`)
	m := re.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("signal message %q", msg)
	}
	if got, err := os.ReadFile(m[1]); err != nil || string(got) != "old a.npy" {
		t.Errorf("%s holds %q (%v), want the old a.npy's bytes", m[1], got, err)
	}
	if runtime.GOOS != "linux" {
		return
	}
	// such a link left by a process now gone, older than DeadTempMinAge
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(dead.Process.Pid)
	left := filepath.Join(dir, ".stkit-tmp-0"+strconv.Itoa(len(pid))+pid+"91-a.npy")
	if err := os.Rename(m[1], left); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * atomicfile.DeadTempMinAge)
	if err := os.Chtimes(left, old, old); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if err := writeAllOrNothingNote(&w, "surrogate", []string{filepath.Join(dir, "a.npy")}, "files", func(i int, path string) error {
		return os.WriteFile(path, []byte("newer"), 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	want := "surrogate: note: removed " + left + ", left beside a.npy by stkit process " + pid +
		", no longer running: a temporary of a write it did not finish, or the old a.npy it said it kept there when it could not put it back\n"
	if w.String() != want {
		t.Errorf("later run said %q, want %q", w.String(), want)
	}
}
