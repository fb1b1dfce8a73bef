package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// clusters -o wrote its CSV text over any file: a map given as -o (exit 0,
// the map gone), even one of the dataset's own source maps. It now wants a
// .csv name and counts the sources named by the dataset's manifest as
// inputs; both refusals leave the file as it was (exit 2).
func TestDemoforce18ClustersOutput(t *testing.T) {
	dir := modelsFixture(t)
	run, ds := filepath.Join(dir, "run"), filepath.Join(dir, "ds")
	tmp := t.TempDir()
	src, err := os.ReadFile(filepath.Join(dir, "noise.npy"))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(tmp, "ok64.npy")
	if err := os.WriteFile(other, src, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ out, frag string }{
		{other, "give a file name ending in .csv"},
		{filepath.Join(tmp, "new.json"), "give a file name ending in .csv"},
		{filepath.Join(dir, "noise.npy"), "is the input " + filepath.Join(dir, "noise.npy")},
		{filepath.Join(dir, "smooth.npy"), "is the input " + filepath.Join(dir, "smooth.npy")},
	} {
		before, _ := os.ReadFile(c.out)
		stem := c.out[:len(c.out)-len(filepath.Ext(c.out))]
		wantBadInput(t, []string{"clusters", run, ds, "-o", c.out}, c.frag, stem+"_summary.json", stem+"_mosaic.png")
		after, _ := os.ReadFile(c.out)
		if !bytes.Equal(before, after) {
			t.Errorf("-o %s: the file changed (%d → %d bytes)", c.out, len(before), len(after))
		}
	}
	// a .csv name in any case is taken
	out := filepath.Join(tmp, "A.CSV")
	if code, _, errs := runCLI(t, "clusters", run, ds, "-o", out, "--no-plots"); code != 0 {
		t.Fatalf("-o %s: exit %d: %s", out, code, tail(errs, 600))
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("id,source,map,row,col")) {
		t.Errorf("-o %s: %.40q, %v", out, b, err)
	}
}
