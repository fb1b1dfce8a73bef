//go:build linux

package dirlock

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProv19ZombieHolder: a holder killed with SIGKILL and not yet reaped by
// its parent is a zombie, on which kill(pid, 0) still succeeds: its lock
// was taken as held (`stkit train --resume` right after `timeout -s KILL`
// was refused, exit 1, "another stkit (pid …) is writing runK"). The child
// here is killed and left unreaped; /proc says 'Z', alive says false and
// Dir takes the lock over. Control: while the child runs, alive is true and
// Dir is refused with ErrBusy.
func TestProv19ZombieHolder(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	reaped := false
	defer func() {
		if !reaped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeHolder(t, filepath.Join(dir, Name), Holder{PID: pid, Host: hostname(), Command: "stkit train ds -o run", Started: time.Now()})
	if !alive(pid) {
		t.Fatalf("running child %d: alive false", pid)
	}
	if _, err := Dir(dir, "stkit train ds -o run --resume"); err == nil || !strings.Contains(err.Error(), strconv.Itoa(pid)) {
		t.Fatalf("lock of a running holder: err %v, want a refusal naming pid %d", err, pid)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// the child turns into a zombie (not reaped: no Wait)
	state := ""
	for i := 0; i < 500 && state != "Z"; i++ {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		state = strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[0]
		if state != "Z" {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if state != "Z" {
		t.Fatalf("killed child %d: state %q, want Z", pid, state)
	}
	if syscall.Kill(pid, 0) != nil {
		t.Fatalf("kill(%d, 0) fails on the zombie: the case under test does not arise", pid)
	}
	if alive(pid) {
		t.Errorf("zombie %d: alive true, want false", pid)
	}
	l, err := Dir(dir, "stkit train ds -o run --resume")
	if err != nil {
		t.Fatalf("lock of a zombie holder not taken over: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Error(err)
	}
	cmd.Wait()
	reaped = true
	if alive(pid) {
		t.Errorf("reaped child %d: alive true", pid)
	}
}
