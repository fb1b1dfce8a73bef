package datasets

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// A write to a path that is not a regular file goes into that file instead of
// renaming a temporary file over it: before, WriteNPY to a named pipe (or to
// /dev/full, as root) replaced the pipe (the device node) with a plain file.
// A symbolic link is followed: the file it names is replaced, the link kept.
func TestWriteSpecialFilesAndLinks(t *testing.T) {
	dir := t.TempDir()
	m := testMaps(1, 4, 4)
	a, err := MapsToArray(m, "float64")
	if err != nil {
		t.Fatal(err)
	}
	want, err := EncodeNPY(a, NPYOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// Named pipe: the reader gets the bytes, the pipe stays a pipe.
	fifo := filepath.Join(dir, "pipe.npy")
	received := testutil.FIFO(t, fifo)
	if err := WriteMaps(fifo, m); err != nil {
		t.Fatalf("write to a named pipe: %v", err)
	}
	if b := received(); string(b) != string(want) {
		t.Errorf("the pipe's reader got %d bytes, want the %d of the .npy file", len(b), len(want))
	}

	// A device that refuses every write (ENOSPC; testutil.FullDevice).
	if full := testutil.FullDevice(t, filepath.Join(dir, "full.npy")); full != "" {
		err := WriteMaps(full, m)
		if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), full) {
			t.Errorf("write to %s: %v, want ENOSPC naming the path", full, err)
		}
		if !testutil.IsCharDevice(full) {
			t.Errorf("%s is no longer a character device", full)
		}
	}

	// Symbolic link: the target is replaced, the link kept.
	target := filepath.Join(dir, "target.npy")
	link := filepath.Join(dir, "link.npy")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.npy", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteMaps(link, m); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != string(want) {
		t.Errorf("the link's target holds %q…, want the new .npy", b[:min(len(b), 8)])
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v, want 0600 kept", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// Writing maps to "file.npz:name" adds (or replaces) that member and keeps
// the archive's other members: before, the archive was replaced by one
// holding only the new member (stkit synth t.npy -o results.npz:synth lost
// every other array of results.npz). A file that is not a zip archive is
// refused and left as it was; plain "file.npz" still writes a new archive.
func TestWriteMapsNPZMemberKeepsOthers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.npz")
	a := &Array{DType: "int64", Shape: []int{3}, Float64: []float64{1, 2, 3}}
	b := &Array{DType: "complex64", Shape: []int{2}, Complex128: []complex128{1 + 2i, 3}}
	if err := WriteNPZ(p, []NamedArray{{Name: "a", Array: a}, {Name: "b", Array: b}}, true); err != nil {
		t.Fatal(err)
	}
	rawOf := func() map[string]string {
		t.Helper()
		zr, err := zip.OpenReader(p)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		out := map[string]string{}
		for _, f := range zr.File {
			r, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(r)
			out[f.Name] = fmt.Sprintf("%d/%x", f.Method, raw)
		}
		return out
	}
	before := rawOf()
	if err := WriteMaps(p+":maps", testMaps(2, 4, 4)); err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		all, err := ReadNPZ(p)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, x := range all {
			n = append(n, x.Name)
		}
		return n
	}
	if got := strings.Join(names(), ","); got != "a,b,maps" {
		t.Fatalf("members after adding maps: %s, want a,b,maps", got)
	}
	after := rawOf()
	for _, m := range []string{"a.npy", "b.npy"} {
		if after[m] != before[m] {
			t.Errorf("member %s changed (method/bytes)", m)
		}
	}
	if m, err := ReadMaps(p + ":maps"); err != nil || m.B != 2 {
		t.Fatalf("added member: %v", err)
	}
	// Replacing a member keeps its place and the others.
	if err := WriteMaps(p+":a", testMaps(1, 4, 4)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(), ","); got != "a,b,maps" {
		t.Errorf("members after replacing a: %s", got)
	}
	if m, err := ReadMaps(p + ":a"); err != nil || m.B != 1 || m.M != 4 {
		t.Errorf("replaced member: %v", err)
	}
	if m, err := ReadMaps(p + ":maps"); err != nil || m.B != 2 {
		t.Errorf("member maps lost: %v", err)
	}
	// A file that is not an archive is refused, untouched.
	bad := filepath.Join(dir, "notzip.npz")
	os.WriteFile(bad, []byte("\x93NUMPY not a zip"), 0o644)
	if err := CheckNPZAppend(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("CheckNPZAppend on a non-zip file: %v", err)
	}
	if err := WriteMaps(bad+":x", testMaps(1, 4, 4)); err == nil || !strings.Contains(err.Error(), "not a valid .npz") {
		t.Errorf("member into a non-zip file: %v", err)
	}
	if got, _ := os.ReadFile(bad); string(got) != "\x93NUMPY not a zip" {
		t.Error("the non-zip file was changed")
	}
	if err := CheckNPZAppend(filepath.Join(dir, "new.npz")); err != nil {
		t.Errorf("CheckNPZAppend on a new file: %v", err)
	}
	if err := WriteMaps(filepath.Join(dir, "new.npz:s"), testMaps(1, 4, 4)); err != nil {
		t.Fatal(err)
	}
	// Plain .npz: a new archive with the one member "maps".
	if err := WriteMaps(p, testMaps(1, 4, 4)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(), ","); got != "maps" {
		t.Errorf("plain .npz write: members %s, want maps", got)
	}
}
