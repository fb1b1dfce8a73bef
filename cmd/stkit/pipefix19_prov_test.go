//go:build linux

package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestPipefix19StatsOneWrite: stats writes each output once, with its
// provenance. The outputs go to /dev/fd/N of files opened for appending
// (as `stkit stats … -o /dev/stdout >> log`): each keeps its earlier
// content, is not replaced (same inode), and holds the provenance naming
// the input. Before, stats wrote -o, read it back and renamed a rewrite
// over it: the JSON run failed ("invalid character 'b'"), and the log was
// replaced (pipe's report).
func TestPipefix19StatsOneWrite(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "a.npy", 1)
	open := func(name, before string) (*os.File, uint64) { return openAppendFD(t, dir, name, before) }
	read := func(f *os.File, ino uint64) []byte { return readSameInode(t, f, ino) }
	checkProv := func(what string, pj []byte) {
		t.Helper()
		var p provenance
		if err := json.Unmarshal(pj, &p); err != nil {
			t.Fatalf("%s: provenance %.200s: %v", what, pj, err)
		}
		if len(p.Inputs) != 1 || p.Inputs[0].Path != mp || len(p.Inputs[0].SHA256) != 64 {
			t.Errorf("%s: provenance inputs %+v, want %s", what, p.Inputs, mp)
		}
	}
	fj, ij := open("log.txt", "before\n")
	fz, iz := open("o.npz", "")
	fp, ip := open("o.png", "")
	// --plot wants a .png name: a link to the descriptor (as plot.png →
	// /dev/stdout)
	plotLink := filepath.Join(dir, "fd.png")
	if err := os.Symlink(fmt.Sprintf("/proc/self/fd/%d", fp.Fd()), plotLink); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"stats", mp, "-J", "3", "--kind", "wst", "-o", fmt.Sprintf("/dev/fd/%d", fj.Fd()), "--format", "json", "--plot", plotLink},
		{"stats", mp, "-J", "3", "--kind", "wst", "-o", fmt.Sprintf("/dev/fd/%d", fz.Fd()), "--format", "npz"},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 400))
		}
	}
	fj.WriteString("after\n")
	b := read(fj, ij)
	if !bytes.HasPrefix(b, []byte("before\n{")) || !bytes.HasSuffix(b, []byte("}\nafter\n")) {
		t.Fatalf("log: %.80q … %q", b, b[max(0, len(b)-40):])
	}
	var doc struct {
		Config struct {
			Inputs     []string        `json:"inputs"`
			Provenance json.RawMessage `json:"provenance"`
		} `json:"config"`
		Coeffs []map[string]any `json:"coefficients"`
	}
	body := strings.TrimSuffix(strings.TrimPrefix(string(b), "before\n"), "after\n")
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Coeffs) == 0 || len(doc.Config.Inputs) != 1 || doc.Config.Inputs[0] != mp {
		t.Errorf("json: inputs %v, %d coefficients", doc.Config.Inputs, len(doc.Coeffs))
	}
	checkProv("json", doc.Config.Provenance)
	// one provenance member, in the config (the rewrite appended it there)
	if n := strings.Count(body, `"provenance"`); n != 1 {
		t.Errorf("json: %d provenance members", n)
	}

	zb := read(fz, iz)
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range zr.File {
		if f.Name != "provenance.npy" {
			continue
		}
		found++
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		a, err := datasets.DecodeNPY(raw)
		if err != nil || !a.IsString() || len(a.Shape) != 0 || len(a.Strings) != 1 {
			t.Fatalf("npz provenance: %v %+v", err, a)
		}
		checkProv("npz", []byte(a.Strings[0]))
	}
	if found != 1 {
		t.Errorf("npz: %d provenance members", found)
	}

	pb := read(fp, ip)
	txt, ok := pngText(pb, pngProvenanceKey)
	if !ok {
		t.Fatal("png: no provenance text chunk")
	}
	checkProv("png", []byte(txt))
	if _, err := decodePNGFile(fp.Name()); err != nil {
		t.Errorf("png does not decode: %v", err)
	}
	// the private folder the dashboard is drawn in is removed
	if m, _ := filepath.Glob(filepath.Join(os.TempDir(), "stkit-plot*", "dashboard.png")); len(m) > 0 {
		t.Logf("left in the temporary folder (another run?): %v", m)
	}
}

// openAppendFD writes before to DIR/name and opens it for appending, as a
// shell's `>> name` does; it returns the file and its inode.
func openAppendFD(t *testing.T, dir, name, before string) (*os.File, uint64) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	return f, st.Ino
}

// readSameInode closes f and returns its file's content, reporting an error
// when the name no longer holds inode ino (the file was replaced by a
// rename instead of written through the descriptor).
func readSameInode(t *testing.T, f *os.File, ino uint64) []byte {
	t.Helper()
	name := f.Name()
	f.Close()
	var st syscall.Stat_t
	if err := syscall.Stat(name, &st); err != nil || st.Ino != ino {
		t.Errorf("%s replaced (inode %d → %d, %v)", name, ino, st.Ino, err)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
