//go:build linux

package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// CreateBeside's temporary names its writer and is in progress until
// Forget: RemoveInProgress (a signal's exit) removes it. surrogate -o
// a.npy,b.npy killed by SIGTERM after a.npy's temporary was complete left
// it (20 MB) for good.
func TestPartialsafe20BesideInProgress(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "a.npy")
	tmp, err := CreateBeside(final)
	if err != nil {
		t.Fatal(err)
	}
	base, pid, ok := BesideTarget(filepath.Base(tmp))
	if !ok || base != "a.npy" || pid != os.Getpid() || filepath.Dir(tmp) != dir {
		t.Fatalf("CreateBeside made %q: BesideTarget %q %d %v", tmp, base, pid, ok)
	}
	if err := os.WriteFile(tmp, make([]byte, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	if rm := RemoveInProgress(); !slices.Contains(rm, tmp) {
		t.Errorf("RemoveInProgress removed %v, not %s", rm, tmp)
	}
	if _, err := os.Lstat(tmp); !os.IsNotExist(err) {
		t.Errorf("%s left (%v)", tmp, err)
	}
	tmp2, err := CreateBeside(final)
	if err != nil {
		t.Fatal(err)
	}
	Forget(tmp2)
	if rm := RemoveInProgress(); slices.Contains(rm, tmp2) {
		t.Errorf("RemoveInProgress removed %s after Forget", tmp2)
	}
	for _, c := range []struct {
		name string
		base string
		pid  int
	}{
		{".stkit-tmp-0442421234-a.npy", "a.npy", 4242},
		{".stkit-tmp-0442421234-a-b.npy", "a-b.npy", 4242},
		{".stkit-tmp-123456789-a.npy", "", 0}, // older name: random digits
		{".stkit-tmp-044242-a.npy", "", 0},    // no random digits
		{".stkit-tmp-0404241-a.npy", "", 0},   // a pid with a leading zero
		{".stkit-tmp-04x242123-a.npy", "", 0},
		{"stkit-tmp-0442421234-a.npy", "", 0},
	} {
		b, p, ok := BesideTarget(c.name)
		if b != c.base || p != c.pid || ok != (c.pid != 0) {
			t.Errorf("BesideTarget(%q) = %q %d %v, want %q %d", c.name, b, p, ok, c.base, c.pid)
		}
	}
}

// RemoveDeadBeside removes CreateBeside's temporaries of BASE left by a
// process no longer running (and Write's temporaries inside them, a kill
// -9's "..stkit-tmp-…-a.npy.tmp…"), older than DeadTempMinAge; it keeps
// this process's, a live process's, a recent one, another target's and
// older names.
func TestPartialsafe20RemoveDeadBeside(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	dp := dead.Process.Pid
	if !processGone(dp) {
		t.Skip("the reaped process's id is running again")
	}
	dir := t.TempDir()
	name := func(pid int, base string) string {
		return besideMark + tempPIDPrefix(pid) + "77-" + base
	}
	old := time.Now().Add(-2 * DeadTempMinAge)
	files := map[string]bool{ // name → removed
		name(dp, "a.npy"): true,
		"." + name(dp, "a.npy") + tempMark + tempPIDPrefix(dp) + "5": true,
		name(os.Getpid(), "a.npy"):                                   false,
		name(os.Getppid(), "a.npy"):                                  false,
		name(dp, "b.npy"):                                            false,
		".stkit-tmp-123456789-a.npy":                                 false,
		"a.npy":                                                      false,
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
	recent := besideMark + tempPIDPrefix(dp) + "78-a.npy"
	if err := os.WriteFile(filepath.Join(dir, recent), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	files[recent] = false
	rm := RemoveDeadBeside(dir, "a.npy")
	for n, gone := range files {
		_, err := os.Lstat(filepath.Join(dir, n))
		if gone != os.IsNotExist(err) {
			t.Errorf("%s: removed %v, want %v", n, os.IsNotExist(err), gone)
		}
		if gone != slices.Contains(rm, filepath.Join(dir, n)) {
			t.Errorf("%s: in the returned list %v, want %v", n, !gone, gone)
		}
	}
	if len(rm) != 2 {
		t.Errorf("removed %v (pid %d), want 2", rm, dp)
	}
}
