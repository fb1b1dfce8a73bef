//go:build linux

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The output checks (checkOutput, checkOutputDir) probed a folder's
// writability by creating and removing a hidden file in it, so `stkit check
// --json FIXTURES/x` wrote into the fixtures folder (as root, whom its mode
// does not stop) even when the command then refused x as one of its inputs.
// On Linux the probe now creates no name in the folder (access(2), then an
// unnamed O_TMPFILE file): the folder's entries and modification time stay as
// they were, and the refusal is the same.
func TestOutputProbeLeavesFolderUntouched(t *testing.T) {
	fx := filepath.Join(t.TempDir(), "fixtures")
	if err := os.Mkdir(fx, 0o755); err != nil {
		t.Fatal(err)
	}
	files := []string{fxMap}
	for _, d := range checkDefs() {
		if d.family == "wst" {
			files = append(files, d.files...)
		}
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(fx, f), []byte("not read"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(fx, past, past); err != nil {
		t.Fatal(err)
	}
	untouched := func(what string) {
		t.Helper()
		st, err := os.Stat(fx)
		if err != nil {
			t.Fatal(err)
		}
		ents, _ := os.ReadDir(fx)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		slices.Sort(names)
		want := slices.Clone(files)
		slices.Sort(want)
		want = slices.Compact(want)
		if !st.ModTime().Equal(past) || !slices.Equal(names, want) {
			t.Errorf("%s: the fixtures folder was modified at %v (want %v), holds %v (want %v)", what, st.ModTime(), past, names, want)
		}
		if err := os.Chtimes(fx, past, past); err != nil { // for the next check
			t.Fatal(err)
		}
	}
	// the refused --json: one of the command's fixtures
	code, _, errs := runCLI(t, "check", "--fixtures", fx, "--only", "wst", "--json", filepath.Join(fx, fxMap))
	if code != 2 || !strings.Contains(errs, "--json "+filepath.Join(fx, fxMap)) {
		t.Errorf("check --json FIXTURES/%s: exit %d (want 2), stderr:\n%s", fxMap, code, tail(errs, 600))
	}
	untouched("check --json on a fixture")
	// the checks themselves pass for a writable folder, creating nothing
	if err := checkOutput("--json", filepath.Join(fx, "report.json")); err != nil {
		t.Errorf("checkOutput in a writable folder: %v", err)
	}
	if err := checkOutputDir("-o", filepath.Join(fx, "newrun", "sub")); err != nil {
		t.Errorf("checkOutputDir below a writable folder: %v", err)
	}
	untouched("checkOutput, checkOutputDir")
}
