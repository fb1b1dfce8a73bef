package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// partial2: a synth stopped early with --report rep wrote its report into
// the user's own rep.partial (there before, not recorded by stkit). Now it
// goes to rep.partial-2 (recorded), the user's folder is left file for
// file, the message says so, and a finished run removes rep.partial-2 and
// its record and leaves rep.partial.
func TestPartial2UserPartialReportFolderKept(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, rep := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	prep, alt := filepath.Join(dir, "rep.partial"), filepath.Join(dir, "rep.partial-2")
	if err := os.MkdirAll(prep, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := `{"settings":{"interrupted":true},"mine":1}`
	for name, s := range map[string]string{"metrics.json": mine, "notes.txt": "x"} {
		if err := os.WriteFile(filepath.Join(prep, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := []string{"synth", target, "-J", "3", "--steps", "6", "--seed", "4", "-o", out, "--report", rep, "-n", "2"}
	code, errs := runCancelled(t, "synth: map 1 iteration 2 ", append(base, "--log-every", "1")...)
	want := "; " + prep + " is not a partial report stkit recorded writing (or it was changed since): left as it was, the report goes to " + alt
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "and their report (marked interrupted) to "+alt) {
		t.Fatalf("exit %d, want 1 and %q in\n%s", code, want, tail(errs, 1200))
	}
	if names := dirNames(t, prep); strings.Join(names, ",") != "metrics.json,notes.txt" {
		t.Errorf("the user's %s holds %v, want only metrics.json, notes.txt", prep, names)
	}
	if b, _ := os.ReadFile(filepath.Join(prep, "metrics.json")); string(b) != mine {
		t.Errorf("the user's metrics.json was changed: %.60s", b)
	}
	if r, ok := readPartialRecord(alt); !ok || r.File != alt || r.Out != rep || !interruptedReport(alt) {
		t.Fatalf("%s: record %+v (%v), interrupted %v", alt, r, ok, interruptedReport(alt))
	}

	// a finished run removes rep.partial-2 (stkit's), leaves rep.partial
	code, _, errs = runCLI(t, base...)
	if code != 0 || !strings.Contains(errs, "synth: note: removed "+alt+", the report of an earlier run stopped early") ||
		!strings.Contains(errs, "synth: note: left "+prep+", which has the name of "+rep+"'s partial report: stkit has no record") {
		t.Fatalf("finished run: exit %d\n%s", code, tail(errs, 1200))
	}
	for _, p := range []string{alt, partialRecordPath(alt)} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s left after a finished run (%v)", p, err)
		}
	}
	if names := dirNames(t, prep); strings.Join(names, ",") != "metrics.json,notes.txt" {
		t.Errorf("the user's %s holds %v after the finished run", prep, names)
	}
}
