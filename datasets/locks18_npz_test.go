package datasets

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/dirlock"
	"github.com/stkit-org/stkit/stlayer"
)

// locks18Members lists the member names of the archive file, sorted.
func locks18Members(t *testing.T, file string) []string {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, strings.TrimSuffix(f.Name, ".npy"))
	}
	sort.Strings(names)
	return names
}

// 8 members written at once into one archive are all kept (before: 3 or 4
// of 8 with 8 stkit surrogate processes, each replacing the archive it had
// read before the others' members were added); a held lock makes a writer
// wait and give up with a message naming the holder and the lock file; a
// stale one (a dead process) is taken over and removed.
func TestLocks18NPZConcurrentMembers(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "arch.npz")
	m := stlayer.NewMaps(1, 32, 32)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mm := stlayer.NewMaps(1, 32, 32)
			for k := range mm.Data {
				mm.Data[k] = float64(i)
			}
			errs[i] = WriteMaps(fmt.Sprintf("%s:m%d", file, i), mm)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("member m%d: %v", i, err)
		}
	}
	want := []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"}
	if got := locks18Members(t, file); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("archive holds %v, want %v", got, want)
	}
	for i := range 8 {
		r, err := ReadMaps(fmt.Sprintf("%s:m%d", file, i))
		if err != nil || r.Data[0] != float64(i) {
			t.Errorf("m%d: %v, first pixel %v", i, err, r)
		}
	}
	lock := filepath.Join(dir, ".arch.npz.lock")
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("lock file left after the writes (%v)", err)
	}

	// another writer holds the lock (this process's pid stands for a live one)
	host, _ := os.Hostname()
	hold := func(pid int) {
		b, _ := json.Marshal(dirlock.Holder{PID: pid, Host: host, Command: "stkit surrogate a.npy -o arch.npz:m9"})
		if err := os.WriteFile(lock, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hold(os.Getpid())
	defer func(w time.Duration) { npzLockWait = w }(npzLockWait)
	npzLockWait = 20 * time.Millisecond
	err := WriteMaps(file+":late", m)
	if !errors.Is(err, dirlock.ErrBusy) {
		t.Fatalf("write under another's lock: %v, want busy", err)
	}
	for _, w := range []string{"adding a member to " + file, "`stkit surrogate a.npy -o arch.npz:m9`", "remove " + lock + " if no such process runs"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q:\n%v", w, err)
		}
	}
	if got := locks18Members(t, file); len(got) != 8 {
		t.Errorf("the refused write changed the archive: %v", got)
	}
	hold(1 << 30) // no such process: stale
	if err := WriteMaps(file+":late", m); err != nil {
		t.Fatalf("write over a stale lock: %v", err)
	}
	if got := locks18Members(t, file); len(got) != 9 {
		t.Errorf("archive holds %v, want 9 members", got)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("stale lock left after the write (%v)", err)
	}
}
