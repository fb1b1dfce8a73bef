package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A run that finished removed DIR.partial whenever its metrics.json said
// settings.interrupted: a user's own rep.partial (that metrics.json and
// notes.txt) was deleted with "removed rep.partial, the report of an
// earlier run stopped early" (stkit synth t.npy -o s.npy --report rep).
// Now it is left, with a note; a partial report stkit recorded writing
// (recordPartialReport) is removed with its record; one given a file
// stkit did not write, or a changed metrics.json, is left (the stale
// record removed); one recorded by another command is left.
func TestFixpartial21UserPartialReportKept(t *testing.T) {
	dir := t.TempDir()
	out, report := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	pr := partialReport(report)
	metrics := []byte(`{"settings":{"interrupted":true}}`)
	mk := func(files ...string) {
		t.Helper()
		if err := os.MkdirAll(pr, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pr, "metrics.json"), metrics, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(pr, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	stale := func() string {
		t.Helper()
		var w bytes.Buffer
		removeStalePartial(&w, "synth", out, report, ".npy")
		return w.String()
	}

	// the user's own folder
	mk("notes.txt")
	got := stale()
	want := "synth: note: left " + pr + ", which has the name of " + report + "'s partial report: stkit has no record of writing it as a partial report (remove it yourself if it is not wanted)\n"
	if got != want {
		t.Errorf("user's folder: got %q, want %q", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(pr, "notes.txt")); err != nil || string(b) != "x" {
		t.Fatalf("the user's %s/notes.txt was removed or changed (%v)", pr, err)
	}
	if err := os.RemoveAll(pr); err != nil {
		t.Fatal(err)
	}

	// stkit's partial report: recorded, then removed with its record
	mk("maps.png")
	var note bytes.Buffer
	recordPartialReport(&note, "synth", []string{"t.npy", "--report", report}, report, pr)
	if note.Len() != 0 {
		t.Fatalf("recordPartialReport: %s", note.String())
	}
	r, ok := readPartialRecord(pr)
	if !ok || r.Command != "synth" || r.File != pr || r.Out != report || r.Size != int64(len(metrics)) || strings.Join(r.Files, ",") != "maps.png,metrics.json" {
		t.Fatalf("record of %s: %+v (%v)", pr, r, ok)
	}
	// a record for a finished run's own report is not written
	recordPartialReport(&note, "synth", nil, report, report)
	if _, err := os.Lstat(partialRecordPath(report)); !os.IsNotExist(err) {
		t.Errorf("a record of --report DIR itself (%v)", err)
	}
	// another command's record: left
	if ok, _, why := partialReportVerdict(pr, "sample", report); ok || !strings.Contains(why, "its record is of synth's partial report of "+report+", not of this run's") {
		t.Errorf("sample on synth's record: remove %v (%s)", ok, why)
	}
	// a file stkit did not write there: left, the record dropped
	if err := os.WriteFile(filepath.Join(pr, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := stale(); !strings.Contains(got, "synth: note: left "+pr+", which has the name of "+report+"'s partial report: it holds files stkit did not write there (notes.txt)") {
		t.Errorf("extra file: %q", got)
	}
	if _, err := os.Stat(filepath.Join(pr, "notes.txt")); err != nil {
		t.Errorf("notes.txt: %v", err)
	}
	if _, err := os.Lstat(partialRecordPath(pr)); !os.IsNotExist(err) {
		t.Errorf("the stale record of %s left (%v)", pr, err)
	}
	// recorded again, metrics.json changed: left
	if err := os.Remove(filepath.Join(pr, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	recordPartialReport(&note, "synth", nil, report, pr)
	if err := os.WriteFile(filepath.Join(pr, "metrics.json"), []byte(`{"settings":{"interrupted":true},"mine":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := stale(); !strings.Contains(got, "left "+pr) || !strings.Contains(got, "its metrics.json was changed since stkit wrote it as a partial report") {
		t.Errorf("changed metrics.json: %q", got)
	}
	// recorded as it is: removed, with its record
	if err := os.WriteFile(filepath.Join(pr, "metrics.json"), metrics, 0o644); err != nil {
		t.Fatal(err)
	}
	recordPartialReport(&note, "synth", nil, report, pr)
	if got, want := stale(), "synth: note: removed "+pr+", the report of an earlier run stopped early ("+report+" now holds the complete report)\n"; got != want {
		t.Errorf("recorded: got %q, want %q", got, want)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("%s holds %v, want nothing", dir, names)
	}

	// a run stopped early that wrote its report into the user's own
	// folder of that name (notes.txt, there before it started): notes.txt
	// is not recorded as the report's, and the folder is left
	if err := os.MkdirAll(pr, 0o755); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(pr, "notes.txt")
	if err := os.WriteFile(notes, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := processStart.Add(-time.Hour)
	if err := os.Chtimes(notes, before, before); err != nil {
		t.Fatal(err)
	}
	mk()
	recordPartialReport(&note, "synth", nil, report, pr)
	if r, ok := readPartialRecord(pr); !ok || strings.Join(r.Files, ",") != "metrics.json" {
		t.Errorf("record of a report written into the user's folder: %+v (%v), want files [metrics.json]", r, ok)
	}
	if got := stale(); !strings.Contains(got, "left "+pr) || !strings.Contains(got, "it holds files stkit did not write there (notes.txt)") {
		t.Errorf("user's folder with a report: %q", got)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Errorf("the user's notes.txt: %v", err)
	}
}
