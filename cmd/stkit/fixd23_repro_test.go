package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// STKIT_REPRODUCIBLE left the inputs' absolute paths in the provenance
// (and export recorded its --dataset by its absolute path as "given"), and
// the model manifest's "created" kept the time of writing: one export run
// from two folders on copies of the same run and dataset recorded two
// provenances. Under STKIT_REPRODUCIBLE the inputs below the working
// directory are recorded relative to it and "created" is left out
// (SOURCE_DATE_EPOCH: its time).
func TestFixd23ReproducibleDirs(t *testing.T) {
	dir := modelsFixture(t)
	read := func(path string) map[string]json.RawMessage {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, epoch := range []string{"", "1700000000"} {
		t.Setenv("STKIT_REPRODUCIBLE", "1")
		t.Setenv("SOURCE_DATE_EPOCH", epoch)
		var man []map[string]json.RawMessage
		for _, w := range []string{"wa", "wb"} {
			work := filepath.Join(t.TempDir(), w)
			if err := os.MkdirAll(work, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"run", "ds"} {
				copyTree(t, filepath.Join(dir, f), filepath.Join(work, f))
			}
			t.Chdir(work)
			if code, _, errs := runCLI(t, "export", "run", "--dataset", "ds", "-o", "m", "--samples", "4"); code != 0 {
				t.Fatalf("export: exit %d\n%s", code, tail(errs, 2000))
			}
			man = append(man, read(filepath.Join(work, "m", "manifest.json")))
		}
		a, b := string(man[0]["provenance"]), string(man[1]["provenance"])
		if a != b {
			t.Errorf("SOURCE_DATE_EPOCH %q: the provenances differ:\n%s\n%s", epoch, a, b)
		}
		var p provenance
		if err := json.Unmarshal(man[0]["provenance"], &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Inputs) != 2 || p.Inputs[0].Path != "run" || p.Inputs[0].Given != "run" || p.Inputs[1].Path != "ds" || p.Inputs[1].Given != "ds" || p.Inputs[0].SHA256 == "" {
			t.Errorf("inputs %+v, want run and ds relative, hashed", p.Inputs)
		}
		for i, m := range man {
			c, ok := m["created"]
			switch {
			case epoch == "" && ok:
				t.Errorf("manifest %d: created %s under STKIT_REPRODUCIBLE", i, c)
			case epoch != "" && string(c) != `"2023-11-14T22:13:20Z"`:
				t.Errorf("manifest %d: created %s, want SOURCE_DATE_EPOCH's", i, c)
			}
		}
	}
}
