package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestPipefix19Reproducible: with STKIT_REPRODUCIBLE=1 and
// SOURCE_DATE_EPOCH two stats runs into different -o names write the same
// bytes (JSON and .npz), the time being the epoch's and argv and the
// working directory left out; without them the provenance keeps argv.
// Before, stats one64.npy -J 4 -o det/a.json and det/b.json differed in
// config.provenance.time, argv and working_directory (pipe's report).
func TestPipefix19Reproducible(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "a.npy", 1)
	t.Setenv("STKIT_REPRODUCIBLE", "1")
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	run2 := func(ext string) (a, b []byte) {
		t.Helper()
		var out [2][]byte
		for i, name := range []string{"a", "b"} {
			p := filepath.Join(dir, name+ext)
			if code, _, errs := runCLI(t, "stats", mp, "-J", "3", "--kind", "wst", "-o", p); code != 0 {
				t.Fatalf("exit %d: %s", code, tail(errs, 300))
			}
			var err error
			if out[i], err = os.ReadFile(p); err != nil {
				t.Fatal(err)
			}
		}
		return out[0], out[1]
	}
	for _, ext := range []string{".json", ".npz"} {
		if a, b := run2(ext); !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: the two runs differ (%d, %d bytes)", ext, len(a), len(b))
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "a.json"))
	var doc struct {
		Config struct {
			Provenance provenance `json:"provenance"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Config.Provenance
	if p.Time != "2023-11-14T22:13:20Z" || len(p.Argv) != 0 || p.Dir != "" || len(p.Inputs) != 1 || len(p.Inputs[0].SHA256) != 64 {
		t.Errorf("reproducible provenance %+v", p)
	}

	t.Setenv("STKIT_REPRODUCIBLE", "")
	q := reproducibleProvenance(&provenance{Argv: []string{"stkit", "stats"}, Dir: "/w", Time: "now"})
	if q.Time != "2023-11-14T22:13:20Z" || len(q.Argv) != 2 || q.Dir != "/w" {
		t.Errorf("SOURCE_DATE_EPOCH alone: %+v", q)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "soon")
	if q := reproducibleProvenance(&provenance{Time: "now"}); q.Time != "now" {
		t.Errorf("an invalid SOURCE_DATE_EPOCH was used: %+v", q)
	}
}
