package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `stkit synth MAP -o x.npy --report -` made a folder named "-" in the
// working directory (exit 0), as did sample and separate; every output
// folder flag now refuses "-" before any work (exit 2), and ./- still
// names a folder of that name.
func TestRobust19DashReport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeTestMap(t, dir, "m.npy", 1)
	writeTestMap(t, dir, "c.npy", 2)
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--report", []string{"synth", "m.npy", "-o", "x.npy", "--steps", "2", "--report", "-"}},
		{"--report", []string{"separate", "m.npy", "--contaminant", "c.npy", "-o", "x.npy", "--steps", "2", "--report", "-"}},
		{"--report", []string{"sample", "models", "--component", "0", "-o", "x.npy", "--report", "-"}},
		{"-o", []string{"patches", "m.npy", "-o", "-", "--size", "32"}},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if want := tc.flag + " takes a folder; '-' is not read as standard output"; code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%s … %s -: exit %d, want 2 with %q\n%s", tc.args[0], tc.flag, code, want, errs)
		}
		for _, f := range []string{"-", "x.npy"} {
			if _, err := os.Lstat(f); !os.IsNotExist(err) {
				t.Errorf("%s … %s -: %s exists after the refusal (%v)", tc.args[0], tc.flag, f, err)
				os.RemoveAll(f)
			}
		}
	}
	// ./- is a folder named "-", written as any other
	code, _, errs := runCLI(t, "synth", "m.npy", "-o", "x.npy", "--steps", "2", "--report", "./-")
	if code != 0 {
		t.Fatalf("--report ./-: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "-", "metrics.json")); err != nil {
		t.Errorf("--report ./- wrote no -/metrics.json: %v", err)
	}
}
