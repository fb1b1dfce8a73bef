package checkpoints

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// killedSaveEnv makes the test binary, run as a child, play a save killed
// mid-write (see TestStaleTempsOfKilledSaveRemoved).
const killedSaveEnv = "STKIT_TEST_KILLED_SAVE_DIR"

// TestKilledSaveChild is the child: it starts writing a checkpoint file the
// way Save does, says so, and waits to be killed.
func TestKilledSaveChild(t *testing.T) {
	dir := os.Getenv(killedSaveEnv)
	if dir == "" {
		t.Skip("helper process of TestStaleTempsOfKilledSaveRemoved")
	}
	_ = atomicfile.WriteFunc(filepath.Join(dir, "ckpt-000000000002.stkc"), 0o644, func(w io.Writer) error {
		_, _ = w.Write(make([]byte, 256<<10)) // past the write buffer: on disk
		os.Stdout.WriteString("writing\n")
		time.Sleep(time.Minute)
		return nil
	})
}

// A save killed mid-write (SIGKILL: no deferred clean-up) left its temporary
// file in the checkpoint directory for good. Open and Save now remove the
// temporary files of checkpoints once older than StaleTempAge, and nothing
// else: not a younger one (a save in progress elsewhere), not the temporary
// files of other names (run.json written by the CLI), not user files.
func TestStaleTempsOfKilledSaveRemoved(t *testing.T) {
	dir := t.TempDir()
	m, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Save(testContext(1), State{Step: 1}, cfg{1, "a"}, nil); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSaveChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killedSaveEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if line != "writing\n" {
		t.Fatalf("child said %q", line)
	}
	var killed string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			killed = e.Name()
		}
	}
	if killed == "" {
		t.Fatal("the killed write left no temporary file; nothing to test")
	}

	old := time.Now().Add(-2 * StaleTempAge)
	touch := func(name string, mtime time.Time) {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	touch(killed, old)
	young := ".ckpt-000000000003.stkc.tmp123456" // another process saving now
	touch(young, time.Now())
	keep := []string{".run.json.tmp987654", "notes.tmp", ".ckpt-000000000004.stkc.tmp.bak", "ckpt-draft.stkc.tmp1"}
	for _, name := range keep {
		touch(name, old)
	}
	listing := func() []string {
		ents, _ := os.ReadDir(dir)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		return names
	}

	if _, err := Open(dir, 0); err != nil {
		t.Fatal(err)
	}
	want := append([]string{"ckpt-000000000001.stkc", young}, keep...)
	sort.Strings(want)
	if got := listing(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Open the directory holds\n  %v\nwant\n  %v", got, want)
	}

	// The young one, once old, goes at the next Save.
	touch(young, old)
	if _, err := m.Save(testContext(1), State{Step: 5}, cfg{1, "a"}, nil); err != nil {
		t.Fatal(err)
	}
	want = append([]string{"ckpt-000000000001.stkc", "ckpt-000000000005.stkc"}, keep...)
	sort.Strings(want)
	if got := listing(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after Save the directory holds\n  %v\nwant\n  %v", got, want)
	}

	// A read-only directory (a copy opened to resume): the stale file stays, Open works.
	touch(young, old)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if m2, err := Open(dir, 0); err != nil {
		t.Errorf("Open of a read-only directory: %v", err)
	} else if c, _, err := m2.Latest(); err != nil || c.State.Step != 5 {
		t.Errorf("Latest in a read-only directory: %v", err)
	}
}
