package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/dirlock"
)

// patches, train and export into an output that another stkit run holds
// exited 1, as a failure of the work, though nothing had started: the
// user's setup (two runs on one output) kept the command from starting,
// which is exit 2 everywhere else. The refusal is now exit 2 and still
// names the holder's pid and command line and the lock file.
func TestRobust19LockHeldExit2(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		name, out string
		hold      func(out, cmd string) (*dirlock.Lock, error)
		args      []string
	}{
		{"patches", filepath.Join(dir, "ds"), dirlock.Dir, []string{"patches", m, "--size", "32", "--kind", "wst", "-o"}},
		{"train", filepath.Join(dir, "rc"), dirlock.Dir, []string{"train", filepath.Join(dir, "ds2"), "--epochs", "1", "-o"}},
		{"export", filepath.Join(dir, "md"), dirlock.Beside, []string{"export", run, "-o"}},
	} {
		holder := "stkit " + tc.name + " first -o " + tc.out
		l, err := tc.hold(tc.out, holder)
		if err != nil {
			t.Fatal(err)
		}
		lockFile := l.Path()
		code, _, errs := runCLI(t, append(tc.args, tc.out)...)
		l.Release()
		if code != 2 {
			t.Errorf("%s into a held output: exit %d, want 2\n%s", tc.name, code, errs)
		}
		for _, w := range []string{"-o: another stkit (pid " + pid + ", `" + holder + "`", "is writing " + tc.out + ";", "remove " + lockFile + " if no such process runs"} {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: the refusal lacks %q:\n%s", tc.name, w, errs)
			}
		}
	}
}
