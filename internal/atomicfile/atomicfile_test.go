package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Modes: perm 0 keeps the replaced file's mode (0644 for a new file), a
// non-zero perm sets it; a directory under the name and a missing folder are
// errors naming the path, and no temporary file is left. (Special files:
// checkpoints/TestWriteFileAtomicSpecialFiles, datasets/TestWriteSpecialFilesAndLinks.)
func TestWriteModesAndRefusals(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.npy")
	if err := Write(p, []byte("one"), 0); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v, want 0600 kept", st.Mode().Perm())
	}
	if err := Write(p, []byte("three"), 0o640); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 as asked", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(p); string(b) != "three" {
		t.Errorf("content %q", b)
	}
	// A directory under the name is refused and left alone.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(sub, []byte("x"), 0); err == nil || !strings.Contains(err.Error(), "writing "+sub+": is a directory") {
		t.Errorf("directory: %v", err)
	}
	// A missing folder: an error naming the path.
	missing := filepath.Join(dir, "no", "x.json")
	if err := Write(missing, []byte("x"), 0); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing folder: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// WriteFunc streams fill's output (larger than the buffer) into the file; an
// error of fill, after part of the content was written, comes back as the
// same value and leaves the old file and no temporary file.
func TestWriteFuncStreamsAndKeepsOldOnFillError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.npy")
	big := strings.Repeat("0123456789abcdef", 3*bufSize/16+5)
	if err := WriteFunc(p, 0, func(w io.Writer) error {
		for i := 0; i < len(big); i += 1000 {
			if _, err := io.WriteString(w, big[i:min(i+1000, len(big))]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != big {
		t.Fatalf("content of %d bytes, want %d", len(b), len(big))
	}
	stop := errors.New("refused half-way")
	err := WriteFunc(p, 0, func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Repeat("x", 2*bufSize)); err != nil {
			return err
		}
		return stop
	})
	if err != stop {
		t.Errorf("fill error came back as %v, want the same value", err)
	}
	if b, _ := os.ReadFile(p); string(b) != big {
		t.Error("the old file was changed by a failed write")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d entries in the folder, want the file alone (temporary left?)", len(ents))
	}
}

// A link whose target does not exist yet (an output name pointing into
// another folder) is followed too: the target is created and the link kept,
// as os.WriteFile does; the link was replaced by a regular file.
func TestWriteThroughDanglingLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "data", "out.npy")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "out.npy")
	if err := os.Symlink(filepath.Join("data", "out.npy"), link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st.Mode(), err)
	}
	if b, err := os.ReadFile(target); err != nil || string(b) != "new" {
		t.Errorf("target: %q %v", b, err)
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("target mode: %v", err)
	}
}

// TempTarget recognises the temporary file WriteFunc really creates (seen
// from inside fill, as a killed write would leave it) and nothing else;
// RemoveStale removes only such files older than minAge whose target matches,
// never user files nor a temporary file young enough to belong to a write in
// progress.
func TestTempTargetAndRemoveStale(t *testing.T) {
	dir := t.TempDir()
	var live string
	if err := WriteFunc(filepath.Join(dir, "ckpt-1.stkc"), 0, func(w io.Writer) error {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			live = e.Name()
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if base, ok := TempTarget(live); !ok || base != "ckpt-1.stkc" {
		t.Fatalf("TempTarget(%q) = %q, %v; want ckpt-1.stkc, true", live, base, ok)
	}
	for _, name := range []string{"ckpt-1.stkc", ".tmp123", ".a.tmp", ".a.tmp12x", "a.tmp12", ".a.tmp.bak", "notes.tmp"} {
		if base, ok := TempTarget(name); ok {
			t.Errorf("TempTarget(%q) = %q, true; want false", name, base)
		}
	}

	old := time.Now().Add(-time.Hour)
	mk := func(name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := mk(".ckpt-2.stkc.tmp3141592", old)
	fresh := mk(".ckpt-3.stkc.tmp2718281", time.Now())
	other := mk(".run.json.tmp1618033", old) // another target: filtered out by match
	user := mk("results.tmp", old)
	hidden := mk(".notes.tmpfile", old)
	got, err := RemoveStale(dir, func(base string) bool { return strings.HasSuffix(base, ".stkc") }, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != stale {
		t.Errorf("removed %v, want only %s", got, stale)
	}
	for _, p := range []string{fresh, other, user, hidden, filepath.Join(dir, "ckpt-1.stkc")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	if got, _ := RemoveStale(dir, nil, 10*time.Minute); len(got) != 1 || got[0] != other {
		t.Errorf("with no filter removed %v, want only %s", got, other)
	}
}
