package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// TestTail19SurrogatePairAllOrNothing: surrogate -o A,B wrote A, then B,
// so a failed B left A replaced (new Q beside the old U), exit 1. Now
// every file goes to a temporary one first: with B a link to /dev/full
// (ENOSPC; in either order), also after A = a member of an .npz, the command fails and
// A (an existing .npy, an existing .npz's members) is byte for byte as it
// was, with no temporary file left; -o A,B that succeeds replaces both
// with the maps a fresh run writes, keeping A's mode 0600, and
// -o x.npz:q,x.npz:u adds both members to the existing x.npz.
func TestTail19SurrogatePairAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	q := surr19Maps(t, in, "Q.npy", 2, 6, 8, 0)
	u := surr19Maps(t, in, "U.npy", 2, 6, 8, 3)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(out, "a.npy"), filepath.Join(out, "b.npy")
	old := []byte("old A, not a map")
	if err := os.WriteFile(a, old, 0o600); err != nil {
		t.Fatal(err)
	}
	// full.npy: a link to /dev/full (outputs need an extension), written
	// in place, where every write fails with ENOSPC
	full := filepath.Join(dir, "full.npy")
	if err := os.Symlink("/dev/full", full); err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{a + "," + full, full + "," + a} {
		code, _, errs := runCLI(t, "surrogate", q, u, "--seed", "2", "-o", o)
		if code == 0 || !strings.Contains(errs, "-o's files were not replaced") {
			t.Errorf("-o %s: exit %d, want a failure saying nothing was replaced:\n%s", o, code, tail(errs, 600))
		}
		if strings.Contains(errs, "surrogate: wrote") {
			t.Errorf("-o %s: says it wrote a file:\n%s", o, tail(errs, 600))
		}
		if got, _ := os.ReadFile(a); !bytes.Equal(got, old) {
			t.Errorf("-o %s: %s changed (%d bytes) although /dev/full failed", o, a, len(got))
		}
		if names := dirNames(t, out); !slices.Equal(names, []string{"a.npy"}) {
			t.Errorf("-o %s: %s holds %v, want [a.npy] (no temporary file)", o, out, names)
		}
	}
	// success: both replaced, as a fresh run writes them; A keeps its mode
	if err := os.WriteFile(b, old, 0o644); err != nil {
		t.Fatal(err)
	}
	surr19Run(t, q, u, "--seed", "2", "-o", a+","+b)
	fa, fb := filepath.Join(dir, "fa.npy"), filepath.Join(dir, "fb.npy")
	surr19Run(t, q, u, "--seed", "2", "-o", fa+","+fb)
	for _, p := range [][2]string{{a, fa}, {b, fb}} {
		got, _ := os.ReadFile(p[0])
		want, _ := os.ReadFile(p[1])
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, not the %d of a fresh run's %s", p[0], len(got), len(want), p[1])
		}
	}
	if st, err := os.Stat(a); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600 kept (%v)", a, st.Mode().Perm(), err)
	}
	if names := dirNames(t, out); !slices.Equal(names, []string{"a.npy", "b.npy"}) {
		t.Errorf("%s holds %v, want [a.npy b.npy]", out, names)
	}
	// members of one .npz: added together, or not at all
	x := filepath.Join(out, "x.npz")
	if err := datasets.WriteMaps(x+":keep", mustReadMaps(t, q)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(x)
	code, _, errs := runCLI(t, "surrogate", q, u, "-o", x+":q,"+full)
	if after, _ := os.ReadFile(x); code == 0 || !bytes.Equal(after, before) {
		t.Errorf("-o x.npz:q,full.npy: exit %d, x.npz changed %v:\n%s", code, !bytes.Equal(after, before), tail(errs, 400))
	}
	surr19Run(t, q, u, "-o", x+":q,"+x+":u")
	members, err := datasets.ReadNPZ(x)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range members {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"keep", "q", "u"}) {
		t.Errorf("x.npz members %v, want [keep q u]", names)
	}
	if names := dirNames(t, out); !slices.Equal(names, []string{"a.npy", "b.npy", "x.npz"}) {
		t.Errorf("%s holds %v after the .npz runs, want [a.npy b.npy x.npz]", out, names)
	}
}

func mustReadMaps(t *testing.T, p string) *stlayer.Maps {
	t.Helper()
	m, err := datasets.ReadMaps(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTail19AllOrNothingRollBack: a rename that fails after another
// succeeded (here onto a folder: EISDIR) puts back the file already
// replaced (an existing one from its hard link, a new one removed) and
// leaves no temporary file or link.
func TestTail19AllOrNothingRollBack(t *testing.T) {
	dir := t.TempDir()
	a, n, d := filepath.Join(dir, "a.npy"), filepath.Join(dir, "new.npy"), filepath.Join(dir, "d.npy")
	if err := os.WriteFile(a, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var wrote []string
	err := writeAllOrNothing([]string{a, n, d}, "files", func(i int, path string) error {
		wrote = append(wrote, path)
		return os.WriteFile(path, []byte("new"), 0o644)
	})
	if err == nil || !strings.Contains(err.Error(), d) || !strings.Contains(err.Error(), "put back as they were") {
		t.Fatalf("rename onto a folder: err %v", err)
	}
	if len(wrote) != 3 || slices.Contains(wrote, a) || slices.Contains(wrote, n) {
		t.Errorf("written to %v, want 3 temporary files", wrote)
	}
	if got, _ := os.ReadFile(a); string(got) != "old" {
		t.Errorf("a.npy = %q after the roll-back, want \"old\"", got)
	}
	if st, _ := os.Stat(a); st == nil || st.Mode().Perm() != 0o640 {
		t.Errorf("a.npy mode %v, want 0640", st.Mode().Perm())
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy", "d.npy"}) {
		t.Errorf("%s holds %v, want [a.npy d.npy]", dir, names)
	}
	// and a write error: nothing renamed, temporary files removed
	err = writeAllOrNothing([]string{a, n}, "files", func(i int, path string) error {
		if i == 1 {
			return os.ErrPermission
		}
		return os.WriteFile(path, []byte("new"), 0o644)
	})
	if err == nil {
		t.Fatal("a failed write: no error")
	}
	if got, _ := os.ReadFile(a); string(got) != "old" {
		t.Errorf("a.npy = %q after a failed write, want \"old\"", got)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"a.npy", "d.npy"}) {
		t.Errorf("%s holds %v after a failed write, want [a.npy d.npy]", dir, names)
	}
}
