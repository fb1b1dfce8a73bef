package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixy24CreatedKept: addProvenanceJSON no longer rewrites a manifest's
// "created" under SOURCE_DATE_EPOCH (stkit export passes the time as
// infer.ExportOptions.Created, so the library writes it already); under
// STKIT_REPRODUCIBLE without SOURCE_DATE_EPOCH it still leaves "created"
// out. stkit export's manifest under SOURCE_DATE_EPOCH records its time.
// Fails on the old code (created rewritten to 2001-09-09T01:46:40Z).
func TestFixy24CreatedKept(t *testing.T) {
	const was = `"2020-01-02T03:04:05Z"`
	for _, c := range []struct {
		epoch, repro string
		want         string // "" : left out
	}{
		{"1000000000", "", was},
		{"1000000000", "1", was},
		{"", "1", ""},
		{"", "", was},
	} {
		t.Setenv("SOURCE_DATE_EPOCH", c.epoch)
		t.Setenv("STKIT_REPRODUCIBLE", c.repro)
		js := filepath.Join(t.TempDir(), "manifest.json")
		if err := os.WriteFile(js, []byte(`{"format": "x", "created": `+was+`, "b": 1}`), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := addProvenanceJSON(js, newProvenance()); err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		b, _ := os.ReadFile(js)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if got := string(m["created"]); got != c.want {
			t.Errorf("SOURCE_DATE_EPOCH %q, STKIT_REPRODUCIBLE %q: created %q, want %q", c.epoch, c.repro, got, c.want)
		}
	}

	// stkit export: the library's created is SOURCE_DATE_EPOCH's time,
	// where the provenance's time is too
	run := filepath.Join(modelsFixture(t), "run")
	t.Setenv("SOURCE_DATE_EPOCH", "1000000000")
	t.Setenv("STKIT_REPRODUCIBLE", "1")
	out := filepath.Join(t.TempDir(), "m")
	if code, _, errs := runCLI(t, "export", run, "-o", out, "--samples", "4"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, tail(errs, 2000))
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"created": "2001-09-09T01:46:40Z",`); n != 1 {
		t.Errorf("export's manifest: %d × created 2001-09-09T01:46:40Z, want 1:\n%.400s", n, b)
	}
	if p := prov19Read(t, filepath.Join(out, "manifest.json"), "provenance"); p.Time != "2001-09-09T01:46:40Z" {
		t.Errorf("provenance time %q", p.Time)
	}
}
