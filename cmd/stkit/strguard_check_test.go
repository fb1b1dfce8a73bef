package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestCheckStringFixture: a fixture .npy, or the member of a fixture .npz
// that a check reads, holding numpy strings ('<U') of the reference's
// shape is an unreadable fixture (exit 2 before any evaluation, naming the
// file or member), where its values were read as an empty vector and
// compared with stkit's. The JSON report is not written.
func TestCheckStringFixture(t *testing.T) {
	src := filepath.Join(sharedDir(t), "reference")
	dir := t.TempDir()
	wst := fmt.Sprintf(fxWSTFmt, 6)
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == fxWPH || e.Name() == wst {
			continue
		}
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	asStrings := func(a *datasets.Array) *datasets.Array {
		s, err := datasets.NewArray(datasets.StringDType, a.Shape...)
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Strings {
			s.Strings[i] = "0.5"
		}
		return s
	}
	a, err := datasets.Read(filepath.Join(src, fxWPH))
	if err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteNPY(filepath.Join(dir, fxWPH), asStrings(a)); err != nil {
		t.Fatal(err)
	}
	members, err := datasets.ReadNPZ(filepath.Join(src, wst))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, m := range members {
		if m.Name == "S1" {
			members[i].Array, found = asStrings(m.Array), true
		}
	}
	if !found {
		t.Fatalf("%s has no S1 member", wst)
	}
	if err := datasets.WriteNPZ(filepath.Join(dir, wst), members, false); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(t.TempDir(), "check.json")
	code, out, errs := runCLI(t, "--engine", "cpu", "check", "--fixtures", dir, "--only", "wph,wst", "--json", js)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, out, tail(errs, 2000))
	}
	for _, want := range []string{
		"unreadable fixtures in " + dir,
		"wph (" + filepath.Join(dir, fxWPH) + ": holds strings (numpy '<U', shape [" + fmt.Sprint(a.Shape[0]),
		"wst-J6-S1 (" + filepath.Join(dir, wst) + ":S1: holds strings (numpy '<U'",
		"pass --fixtures with a folder of intact copies",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, tail(errs, 2000))
		}
	}
	for _, other := range []string{"wph-normauto (", "wst-J6-S2 (", "wst-J7-S1 ("} {
		if strings.Contains(errs, other) {
			t.Errorf("stderr names the intact fixture of %s:\n%s", other, tail(errs, 2000))
		}
	}
	if _, err := os.Stat(js); !os.IsNotExist(err) {
		t.Errorf("--json %s written (%v)", js, err)
	}
}
