package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// writeGRFMaps writes b Gaussian random fields of n×n (seeds seed, seed+1, …)
// to dir/name ([n, n] for b = 1, else a batch) and returns the path.
func writeGRFMaps(t *testing.T, dir, name string, b, n int, seed uint64) string {
	t.Helper()
	m := stlayer.NewMaps(b, n, n)
	for i := 0; i < b; i++ {
		g, err := datasets.GaussianRandomField(n, n, -2, seed+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), g)
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

// synth TARGET refused a folder ("… is a folder; give one map file …") and a
// comma-separated list ("a.npy,b.npy: no such file or directory") although
// --reference-set, surrogate and patches take them. TARGET is now read as
// --reference-set is (readMapSetCards): the maps of all the files form the
// target batch, whose mean statistics are matched; the summary line says
// how many maps and from where, and the report's yardstick (no
// --reference-set) is that batch: spread_maps counts its maps.
func TestSynthTargetFolderAndList(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	tdir := filepath.Join(dir, "targets")
	if err := os.Mkdir(tdir, 0o755); err != nil {
		t.Fatal(err)
	}
	a := writeGRFMaps(t, tdir, "a.npy", 2, n, 1) // a batch of 2
	b := writeGRFMaps(t, tdir, "b.npy", 1, n, 5)
	if err := os.WriteFile(filepath.Join(tdir, "notes.txt"), []byte("not a map"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, target, from string }{
		{"folder", tdir, "the mean statistics of the 3 maps of folder " + tdir + " (2 files)"},
		{"list", a + "," + b, "the mean statistics of the 3 maps of a.npy, b.npy"},
	} {
		rep := filepath.Join(dir, "rep-"+c.name)
		out := filepath.Join(dir, c.name+".npy")
		code, _, errs := runCLI(t, "--engine", "cpu", "synth", c.target, "-J", "2", "--steps", "1", "-o", out, "--report", rep)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 600))
		}
		if want := "1 map of 16×16 to match " + c.from + ", "; !strings.Contains(errs, want) {
			t.Errorf("%s: summary lacks %q:\n%s", c.name, want, tail(errs, 600))
		}
		got, err := datasets.ReadMaps(out)
		if err != nil || got.B != 1 || got.M != n || got.N != n {
			t.Fatalf("%s: output %v, %v; want one %d×%d map", c.name, got, err, n, n)
		}
		raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var vm struct {
			SpreadMaps int `json:"spread_maps"`
		}
		if err := json.Unmarshal(raw, &vm); err != nil {
			t.Fatal(err)
		}
		if vm.SpreadMaps != 3 {
			t.Errorf("%s: metrics.json spread_maps %d, want the 3 target maps", c.name, vm.SpreadMaps)
		}
	}
	// maps of another size in the set: refused before any work, nothing written
	odd := filepath.Join(dir, "odd")
	if err := os.Mkdir(odd, 0o755); err != nil {
		t.Fatal(err)
	}
	writeGRFMaps(t, odd, "a.npy", 1, n, 1)
	big := writeGRFMaps(t, odd, "b.npy", 1, 2*n, 2)
	out := filepath.Join(dir, "odd.npy")
	wantBadInput(t, []string{"synth", odd, "-J", "2", "--steps", "1", "-o", out},
		big+" holds maps of 32×32, but "+filepath.Join(odd, "a.npy")+" (the set's first file) 16×16: the maps of a set must all have one size", out)
	// several arguments (a shell pattern): one folder or list, said so
	wantBadInput(t, []string{"synth", a, b, "-J", "2", "--steps", "1", "-o", out},
		"synth takes one TARGET, got 2 arguments", out)
}
