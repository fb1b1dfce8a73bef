package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClustersLabelsEmptyMatch: a --labels regexp that matches the empty
// string ('z*', 'o?': the leftmost match of each path is "") gave every
// source the label "" and a run without confusion table, exit 0. It is now
// refused, exit 2, before anything is written. A regexp with a group names
// the labels by the group (control: 'noise|smooth' sources, two labels,
// 54 patches in the confusion table).
func TestClustersLabelsEmptyMatch(t *testing.T) {
	dir := modelsFixture(t)
	ds, run := filepath.Join(dir, "ds"), filepath.Join(dir, "run")
	out := filepath.Join(t.TempDir(), "a.csv")
	stem := strings.TrimSuffix(out, ".csv")
	for _, re := range []string{"z*", "o?"} {
		wantBadInput(t, []string{"clusters", run, ds, "-o", out, "--labels", re},
			"--labels \""+re+"\" matches the empty string in source ", out, stem+"_summary.json", stem+"_mosaic.png")
	}
	code, _, errs := runCLI(t, "clusters", run, ds, "-o", out, "--no-plots", "--labels", `(noise|smooth)\.npy`)
	if code != 0 {
		t.Fatalf("--labels with a group: exit %d\n%s", code, errs)
	}
	b, err := os.ReadFile(stem + "_summary.json")
	if err != nil {
		t.Fatal(err)
	}
	var sum clusterSummary
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, row := range sum.Confusion {
		for _, c := range row {
			total += c
		}
	}
	if strings.Join(sum.Labels, ",") != "noise,smooth" || total != sum.N || sum.N != 54 {
		t.Errorf("labels %q, confusion total %d of n %d (want noise,smooth and 54)", sum.Labels, total, sum.N)
	}
}
