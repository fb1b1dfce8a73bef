package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestProv19Clusters: clusters' _summary.json records the provenance, with
// the checkpoint's and the dataset's checksums (it recorded paths only).
func TestProv19Clusters(t *testing.T) {
	dir := modelsFixture(t)
	ds := filepath.Join(dir, "ds")
	out := filepath.Join(t.TempDir(), "a.csv")
	if code, _, errs := runCLI(t, "clusters", filepath.Join(dir, "run"), ds, "-o", out, "--no-plots"); code != 0 {
		t.Fatalf("clusters: exit %d: %s", code, tail(errs, 600))
	}
	sj := filepath.Join(filepath.Dir(out), "a_summary.json")
	var sum struct {
		Checkpoint string `json:"checkpoint"`
	}
	b, err := os.ReadFile(sj)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	ck, _ := filepath.Abs(sum.Checkpoint)
	prov19Check(t, "clusters _summary.json", prov19Read(t, sj, "provenance"), ck, ds)
}
