//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"
)

// TestPipefix2CompareOneWrite: stats --compare -o c.json --plot c.png
// writes each file once, its provenance in it. Before, both were written,
// read back and renamed over again (statsProvenanceOut): two renames into
// c.json and two into c.png (counted here with inotify's IN_MOVED_TO), so
// concurrent runs on one -o could mix one run's z with another's
// provenance. To /dev/fd/N of files opened for appending (as `-o
// /dev/stdout >> log`) the JSON and PNG keep the earlier content and the
// inode and now hold the provenance (before, descriptor paths got none).
func TestPipefix2CompareOneWrite(t *testing.T) {
	dir := t.TempDir()
	sa := writeTestMap(t, dir, "sa.npy", 3)
	sb := writeAnisoMaps(t, filepath.Join(dir, "sb.npy"), stripeMaps(64, 4, []float64{10, 50, 120}))
	checkProv := func(what string, pj []byte) {
		t.Helper()
		var p provenance
		if err := json.Unmarshal(pj, &p); err != nil {
			t.Fatalf("%s: provenance %.200s: %v", what, pj, err)
		}
		if len(p.Inputs) != 2 || p.Inputs[0].Path != sa || p.Inputs[1].Path != sb || len(p.Inputs[0].SHA256) != 64 {
			t.Errorf("%s: provenance inputs %+v, want %s, %s", what, p.Inputs, sa, sb)
		}
	}
	jsonProv := func(what string, b []byte) {
		t.Helper()
		var cd struct {
			Config struct {
				Provenance json.RawMessage `json:"provenance"`
			} `json:"config"`
			Chi2 float64 `json:"chi2_per_dof"`
		}
		if err := json.Unmarshal(b, &cd); err != nil {
			t.Fatalf("%s: %v: %.200s", what, err, b)
		}
		if cd.Chi2 <= 0 {
			t.Errorf("%s: χ²/dof %g", what, cd.Chi2)
		}
		checkProv(what, cd.Config.Provenance)
	}
	pngProv := func(what string, b []byte) {
		t.Helper()
		txt, ok := pngText(b, pngProvenanceKey)
		if !ok {
			t.Fatalf("%s: no provenance chunk", what)
		}
		checkProv(what, []byte(txt))
	}

	// regular files: one rename each
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(in)
	// IN_CREATE too: the temporary files' creations fall between the
	// renames, which inotify would otherwise merge into one event when
	// two come in a row (same name and mask)
	if _, err := syscall.InotifyAddWatch(in, out, syscall.IN_MOVED_TO|syscall.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	cj, cp := filepath.Join(out, "c.json"), filepath.Join(out, "c.png")
	args := []string{"stats", sa, "--compare", sb, "--kind", "wph", "-J", "2", "-o", cj, "--plot", cp}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 400))
	}
	moved := map[string]int{}
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(in, buf)
		if n <= 0 || err != nil {
			break
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(ev.Len)]
			if ev.Mask&syscall.IN_MOVED_TO != 0 {
				moved[string(bytes.TrimRight(name, "\x00"))]++
			}
			off += syscall.SizeofInotifyEvent + int(ev.Len)
		}
	}
	if moved["c.json"] != 1 || moved["c.png"] != 1 || len(moved) != 2 {
		t.Errorf("renames into %s: %v, want c.json and c.png once each", out, moved)
	}
	for _, p := range []string{cj, cp} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if p == cj {
			jsonProv("c.json", b)
		} else {
			pngProv("c.png", b)
			if _, err := decodePNGFile(p); err != nil {
				t.Errorf("c.png does not decode: %v", err)
			}
		}
	}

	// descriptors of append-mode files: written in place once, with the
	// provenance
	open := func(name, before string) (*os.File, uint64) { return openAppendFD(t, dir, name, before) }
	read := func(f *os.File, ino uint64) []byte { return readSameInode(t, f, ino) }
	fj, ij := open("log.txt", "before\n")
	fp, ip := open("o.png", "")
	plotLink := filepath.Join(dir, "fd.png") // --plot wants a .png name
	if err := os.Symlink(fmt.Sprintf("/proc/self/fd/%d", fp.Fd()), plotLink); err != nil {
		t.Fatal(err)
	}
	args = []string{"stats", sa, "--compare", sb, "--kind", "wph", "-J", "2", "-o", fmt.Sprintf("/dev/fd/%d", fj.Fd()), "--format", "json", "--plot", plotLink}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 400))
	}
	jb := read(fj, ij)
	rest, ok := bytes.CutPrefix(jb, []byte("before\n"))
	if !ok {
		t.Fatalf("log.txt lost its earlier line: %.100q", jb)
	}
	jsonProv("compare json to /dev/fd", rest)
	pngProv("compare png to a link to /proc/self/fd", read(fp, ip))
}
