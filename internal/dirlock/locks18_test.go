package dirlock

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// deadPID is a process id no process has: above Linux's largest pid_max
// (2^22) and any other system's.
const deadPID = 1 << 30

// writeHolder writes a lock file as another process would.
func writeHolder(t *testing.T, path string, h Holder) {
	t.Helper()
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Dir creates the folder and its lock, refuses a second holder naming the
// first (pid, command, lock path), and Release removes the lock and the
// folder it made when nothing was written into it.
func TestLocks18DirHeldAndReleased(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "rc")
	l, err := Dir(dir, "stkit train ds -o rc")
	if err != nil {
		t.Fatal(err)
	}
	if !l.Made() {
		t.Error("Made() = false for a folder Dir created")
	}
	var h Holder
	b, _ := os.ReadFile(filepath.Join(dir, Name))
	if err := json.Unmarshal(b, &h); err != nil || h.PID != os.Getpid() || h.Command != "stkit train ds -o rc" || h.Host != hostname() {
		t.Fatalf("lock record %s (%v)", b, err)
	}
	_, err = Dir(dir, "stkit train other -o rc")
	var busy *BusyError
	if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) {
		t.Fatalf("second Dir: %v, want a *BusyError", err)
	}
	msg := err.Error()
	for _, want := range []string{"another stkit (pid " + strconv.Itoa(os.Getpid()), "`stkit train ds -o rc`", "is writing " + dir, "remove " + filepath.Join(dir, Name) + " if no such process runs"} {
		if !strings.Contains(msg, want) {
			t.Errorf("busy message lacks %q:\n%s", want, msg)
		}
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "a")); !os.IsNotExist(err) {
		t.Errorf("Release left the empty folders Dir made (%v)", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}

	// a folder written into is kept; one that existed is never removed
	l, err = Dir(dir, "x")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "run.json"), []byte("{}"), 0o644)
	l.Release()
	if _, err := os.Stat(filepath.Join(dir, "run.json")); err != nil {
		t.Errorf("after Release: %v", err)
	}
	os.Remove(filepath.Join(dir, "run.json"))
	l, err = Dir(dir, "x")
	if err != nil || l.Made() {
		t.Fatalf("Dir on an existing folder: made %v, %v", l.Made(), err)
	}
	l.Release()
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("Release removed a folder it did not make: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left %d entries (%s, …)", len(ents), ents[0].Name())
	}
}

// A lock of a process that no longer runs on this host is taken over; one
// of a live process (this one stands for it), of another host, or without a
// record yet is not; a record-less lock older than staleRecordAge is.
func TestLocks18Stale(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, Name)
	cases := []struct {
		name string
		h    *Holder // nil: an empty file
		age  time.Duration
		held bool
		want string
	}{
		{"dead pid", &Holder{PID: deadPID, Host: hostname(), Command: "stkit patches a -o ds"}, 0, false, ""},
		{"live pid", &Holder{PID: os.Getpid(), Host: hostname(), Command: "stkit patches a -o ds"}, 0, true, "pid " + strconv.Itoa(os.Getpid()) + ", `stkit patches a -o ds`"},
		{"other host", &Holder{PID: deadPID, Host: "elsewhere.example", Command: "stkit patches b -o ds"}, 0, true, "pid 1073741824 on host elsewhere.example"},
		{"no record, young", nil, 0, true, "holds no readable record"},
		{"no record, old", nil, time.Minute, false, ""},
	}
	for _, c := range cases {
		if c.h != nil {
			writeHolder(t, lock, *c.h)
		} else if err := os.WriteFile(lock, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if c.age > 0 {
			old := time.Now().Add(-c.age)
			os.Chtimes(lock, old, old)
		}
		l, err := Dir(dir, "stkit patches c -o ds")
		if c.held {
			if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want busy naming %q", c.name, err, c.want)
			}
			os.Remove(lock)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v, want the stale lock taken over", c.name, err)
			continue
		}
		b, _ := os.ReadFile(lock)
		if !strings.Contains(string(b), `"pid":`+strconv.Itoa(os.Getpid())) {
			t.Errorf("%s: lock holds %s after the take-over", c.name, b)
		}
		l.Release()
		if _, err := os.Stat(lock); !os.IsNotExist(err) {
			t.Errorf("%s: lock left after Release", c.name)
		}
		if _, err := os.Stat(lock + ".break"); !os.IsNotExist(err) {
			t.Errorf("%s: take-over marker left", c.name)
		}
	}
}

// Release leaves a lock file that is no longer its own (removed by hand
// and taken by another process).
func TestLocks18ReleaseKeepsOthers(t *testing.T) {
	dir := t.TempDir()
	l, err := Dir(dir, "first")
	if err != nil {
		t.Fatal(err)
	}
	writeHolder(t, filepath.Join(dir, Name), Holder{PID: os.Getpid(), Host: hostname(), Command: "second"})
	l.Release()
	if b, err := os.ReadFile(filepath.Join(dir, Name)); err != nil || !strings.Contains(string(b), "second") {
		t.Errorf("Release removed another holder's lock (%s, %v)", b, err)
	}
}

// File waits for the holder to release, gives up after the wait with a
// message saying how long, and serialises concurrent writers: 8 goroutines
// doing read–increment–write of one counter file under the lock end at 8.
func TestLocks18FileWait(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "arch.npz")
	if got := FileName(target); got != filepath.Join(dir, ".arch.npz.lock") {
		t.Errorf("FileName = %s", got)
	}
	held, err := File(target, "stkit surrogate a.npy -o arch.npz:m1", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = File(target, "second", 30*time.Millisecond)
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "has been writing "+target+" for over") || !strings.Contains(err.Error(), "`stkit surrogate a.npy -o arch.npz:m1`") {
		t.Errorf("File on a held lock: %v", err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		held.Release()
	}()
	l, err := File(target, "third", time.Minute)
	if err != nil {
		t.Fatalf("File did not get the lock once released: %v", err)
	}
	l.Release()

	counter := filepath.Join(dir, "n")
	os.WriteFile(counter, []byte("0"), 0o644)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := File(counter, "writer", time.Minute)
			if err != nil {
				errs <- err
				return
			}
			defer l.Release()
			b, _ := os.ReadFile(counter)
			n, _ := strconv.Atoi(string(b))
			time.Sleep(time.Millisecond)
			os.WriteFile(counter, []byte(strconv.Itoa(n+1)), 0o644)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if b, _ := os.ReadFile(counter); string(b) != "8" {
		t.Errorf("8 writers under the lock left the counter at %s", b)
	}
}

// Command writes the program's base name and quotes the arguments a shell
// would split or that are empty.
func TestLocks18Command(t *testing.T) {
	got := Command([]string{"/usr/local/bin/stkit", "train", "my ds", "-o", "rc", ""})
	if want := `stkit train "my ds" -o rc ""`; got != want {
		t.Errorf("Command = %s, want %s", got, want)
	}
}

// Beside puts the lock beside a folder (".md.lock"), creating its missing
// parents and removing them again on Release when nothing was written.
func TestLocks18Beside(t *testing.T) {
	root := t.TempDir()
	md := filepath.Join(root, "p", "q", "md")
	l, err := Beside(md, "stkit export run -o md")
	if err != nil {
		t.Fatal(err)
	}
	if l.Path() != filepath.Join(root, "p", "q", ".md.lock") || !l.Made() {
		t.Errorf("lock %s, made %v", l.Path(), l.Made())
	}
	if _, err := os.Stat(md); !os.IsNotExist(err) {
		t.Errorf("Beside created the folder itself (%v)", err)
	}
	_, err = Beside(md+"/", "second")
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "`stkit export run -o md`") {
		t.Errorf("second Beside: %v", err)
	}
	l.Release()
	if _, err := os.Stat(filepath.Join(root, "p")); !os.IsNotExist(err) {
		t.Errorf("Release left the parents Beside made (%v)", err)
	}
}
