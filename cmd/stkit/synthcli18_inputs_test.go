package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synthcli18Maps writes b positive 32² log-normal maps (seeds seed…) to path.
func synthcli18Maps(t *testing.T, path string, b int, seed uint64) {
	t.Helper()
	m := stlayer.NewMaps(b, 32, 32)
	for i := 0; i < b; i++ {
		x, err := datasets.LogNormalField(32, 32, -2.5, 1, seed+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), x)
	}
	if err := datasets.WriteMaps(path, m); err != nil {
		t.Fatal(err)
	}
}

// synth -o DIR/out.npy with DIR the TARGET folder (or the --reference-set
// folder) exited 0 and wrote the synthesis among the targets: the next run
// on DIR read it as a target map (4 maps, one a synthesis). It is refused,
// exit 2, before any work, naming the folder and its flag; an output beside
// the folder, or a non-map file name, is accepted.
func TestSynthcli18OutputInTargetFolder(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "setA")
	if err := os.Mkdir(set, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		synthcli18Maps(t, filepath.Join(set, "m"+string(rune('0'+i))+".npy"), 1, uint64(10+i))
	}
	one := filepath.Join(dir, "one.npy")
	synthcli18Maps(t, one, 1, 20)
	for _, c := range []struct {
		args []string
		out  string
		want string
	}{
		{[]string{set}, filepath.Join(set, "out.npy"), "read as a set of maps (TARGET)"},
		{[]string{set + string(filepath.Separator)}, filepath.Join(set, "out.fits"), "read as a set of maps (TARGET)"},
		{[]string{one, "--reference-set", set}, filepath.Join(set, "out.npz"), "read as a set of maps (--reference-set)"},
	} {
		args := append([]string{"synth", "-J", "3", "--steps", "2", "-o", c.out}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "write it elsewhere") {
			t.Errorf("%v: exit %d (want 2), want %q in\n%s", args, code, c.want, tail(errs, 600))
		}
		if _, err := os.Stat(c.out); err == nil {
			t.Errorf("%v: wrote %s", args, c.out)
		}
	}
	ents, _ := os.ReadDir(set)
	if len(ents) != 3 {
		t.Errorf("the target folder holds %d files, want its 3 maps", len(ents))
	}
	beside := filepath.Join(dir, "setA_out.npy")
	if code, _, errs := runCLI(t, "synth", set, "-J", "3", "--steps", "2", "-o", beside); code != 0 {
		t.Errorf("-o beside the folder: exit %d: %s", code, tail(errs, 600))
	}
}

// synth a.npy,a.npy (one map twice) with the std weights of ≥ 2 target maps
// failed with "std weights are undefined" and no remedy; it now says the
// maps are all the same map and suggests --weights mean (exit 2), which
// runs (exit 0).
func TestSynthcli18IdenticalTargets(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.npy")
	synthcli18Maps(t, a, 1, 3)
	out := filepath.Join(dir, "o.npy")
	for _, w := range []string{"auto", "std"} {
		code, _, errs := runCLI(t, "synth", a+","+a, "--weights", w, "-J", "3", "--steps", "2", "-o", out)
		if code != 2 || !strings.Contains(errs, "the 2 target maps are all the same map (a.npy, a.npy)") || !strings.Contains(errs, "or --weights mean") {
			t.Errorf("--weights %s: exit %d (want 2), want 'the 2 target maps are all the same map (a.npy, a.npy)' and 'or --weights mean' in\n%s", w, code, tail(errs, 600))
		}
	}
	if code, _, errs := runCLI(t, "synth", a+","+a, "--weights", "mean", "-J", "3", "--steps", "2", "-o", out); code != 0 {
		t.Errorf("--weights mean: exit %d: %s", code, tail(errs, 600))
	}
}
