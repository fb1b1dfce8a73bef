package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A run stopped early that found no file of its report modified since it
// started (a filesystem clock behind this machine's) recorded no "files"
// (omitempty), and a finished run then left the folder saying "its record
// is of synth's partial report of …, not of this run's", the wrong reason:
// the record is this run's. It records "files": [] now, and the reason is
// that it lists no file.
func TestPartial3PartialReportNoFilesReason(t *testing.T) {
	dir := t.TempDir()
	out, report := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	pr := partialReport(report)
	if err := os.MkdirAll(pr, 0o755); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(pr, "metrics.json")
	if err := os.WriteFile(m, []byte(`{"settings":{"interrupted":true}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(m, old, old); err != nil {
		t.Fatal(err)
	}
	recordPartialReport(os.Stderr, "synth", []string{"t.npy"}, report, pr)
	b, err := os.ReadFile(partialRecordPath(pr))
	if err != nil || !strings.Contains(string(b), `"files": []`) {
		t.Errorf("record %s (%v), want \"files\": []", b, err)
	}
	var w bytes.Buffer
	removeStalePartial(&w, "synth", out, report, ".npy")
	want := "synth: note: left " + pr + ", which has the name of " + report + "'s partial report: its record lists no file that the run stopped early wrote there (it found none modified after it started), so stkit cannot tell its files from others' (remove it yourself if it is not wanted)\n"
	if w.String() != want {
		t.Errorf("finished run said %q, want %q", w.String(), want)
	}
	if _, err := os.Stat(m); err != nil {
		t.Errorf("%s removed (%v)", m, err)
	}
}
