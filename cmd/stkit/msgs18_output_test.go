package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMsgs18OutputThroughMissingFolder: `synth map.npy -o DIR/sub/../out.npy`
// with no DIR/sub ran the whole synthesis, then failed (exit 1) creating its
// temporary file in DIR/sub/.. (filepath.Dir had cleaned the path to DIR).
// It is refused before any work, naming the missing folder; a nested missing
// folder is named at its first missing part, and a file in the way is said.
func TestMsgs18OutputThroughMissingFolder(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "map.npy", 1)
	out := dir + "/sub/../out.npy"
	code, _, errs := runCLI(t, "synth", mp, "-n", "1", "--steps", "2", "-o", out)
	want := "stkit: -o " + out + ": the folder " + filepath.Join(dir, "sub") + " does not exist (create it first, or change -o)\n"
	if code != 2 || !strings.HasSuffix(errs, want) || strings.Contains(errs, "loss") {
		t.Errorf("synth -o %s: exit %d, stderr %q; want exit 2 before any iteration, ending %q", out, code, errs, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.npy")); err == nil {
		t.Errorf("synth -o %s wrote %s", out, filepath.Join(dir, "out.npy"))
	}
	// stats -o: the same check (checkOutput), for a deeper path and a file in
	// the way
	out = dir + "/a/b/../../s.json"
	wantBadInput(t, []string{"stats", mp, "-J", "2", "-o", out}, "-o "+out+": the folder "+filepath.Join(dir, "a")+" does not exist (create it first, or change -o)")
	out = dir + "/map.npy/../s.json"
	wantBadInput(t, []string{"stats", mp, "-J", "2", "-o", out}, "-o "+out+": the folder "+mp+"/.. does not exist (part of its path is a file: "+mp+")")
	// with sub present the path is written (DIR/s.json)
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "stats", mp, "-J", "2", "-o", dir+"/sub/../s.json"); code != 0 {
		t.Fatalf("stats -o DIR/sub/../s.json with sub present: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.json")); err != nil {
		t.Errorf("stats -o DIR/sub/../s.json: %v", err)
	}
}

// TestMsgs18OutputDash: `-o -` wrote a file named "-" (stats, 288 kB in the
// working folder); it is refused before any work, pointing to /dev/stdout.
func TestMsgs18OutputDash(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "map.npy", 1)
	t.Chdir(dir)
	for _, c := range []struct {
		flag string
		args []string
	}{
		{"-o", []string{"stats", mp, "-J", "2", "-o", "-", "--format", "json"}},
		{"--plot", []string{"stats", mp, "-J", "2", "--plot", "-"}},
	} {
		wantBadInput(t, c.args, c.flag+" -: stkit does not read \"-\" as standard output (it would write a file named \"-\"); give /dev/stdout for standard output, or a file name", filepath.Join(dir, "-"))
	}
}
