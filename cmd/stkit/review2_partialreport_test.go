package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestReview2PartialReportEarlierFiles: a run stopped early writes its
// report over DIR.partial that an earlier run stopped early recorded
// (partialReportFree), but recorded only the files it wrote itself
// (modified since it started): a file of the earlier run it did not write
// again (loss.png) then kept stkit's own folder from removal by a run that
// finished ("it holds files stkit did not write there (loss.png)"). The
// record keeps the earlier run's files that are still there now.
func TestReview2PartialReportEarlierFiles(t *testing.T) {
	dir := t.TempDir()
	out, report := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	pr := partialReport(report)
	if err := os.MkdirAll(pr, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(pr, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	defer func(t0 time.Time) { processStart = t0 }(processStart)

	// the first run stopped early: metrics.json, maps.png, loss.png
	write("metrics.json", `{"settings":{"interrupted":true},"run":1}`)
	write("maps.png", "1")
	write("loss.png", "1")
	recordPartialReport(os.Stderr, "synth", []string{"t.npy"}, report, pr)
	old := time.Now().Add(-time.Hour)
	for _, f := range []string{"metrics.json", "maps.png", "loss.png"} {
		if err := os.Chtimes(filepath.Join(pr, f), old, old); err != nil {
			t.Fatal(err)
		}
	}

	// the second one, started later, writes over it without loss.png
	if d, note := partialReportDest(report); d != pr || note != "" {
		t.Fatalf("partialReportDest: %q %q, want %s itself", d, note, pr)
	}
	processStart = time.Now()
	write("metrics.json", `{"settings":{"interrupted":true},"run":2}`)
	write("maps.png", "2")
	recordPartialReport(os.Stderr, "synth", []string{"t.npy"}, report, pr)
	r, ok := readPartialRecord(pr)
	if !ok || len(r.Files) != 3 || r.Files[0] != "loss.png" || r.Files[1] != "maps.png" || r.Files[2] != "metrics.json" {
		t.Errorf("record's files %v, want [loss.png maps.png metrics.json]", r.Files)
	}

	// a run that finishes removes it
	var w bytes.Buffer
	removeStalePartial(&w, "synth", out, report, ".npy")
	want := "synth: note: removed " + pr + ", the report of an earlier run stopped early (" + report + " now holds the complete report)\n"
	if w.String() != want {
		t.Errorf("finished run: %q, want %q", w.String(), want)
	}
	if _, err := os.Stat(pr); !os.IsNotExist(err) {
		t.Errorf("%s still there (%v)", pr, err)
	}
}
