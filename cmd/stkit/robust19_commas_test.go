package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// mapList split "a,b.npy,c.npy" at every comma (a, b.npy, c.npy: "a: no
// such file or directory", exit 2) although a file named a,b.npy exists;
// only a whole spec that is a file was kept whole. A run of comma-joined
// pieces that names an existing file or folder is now one name, the
// longest such run first, anywhere in the list. A list opening with an .npz
// member ("z.npz:maps,c.npy") was taken whole, as the member "maps,c.npy"
// of z.npz, since z.npz exists: a member counts when its name holds no
// comma or the archive holds it.
func TestRobust19MapListCommaNames(t *testing.T) {
	d := t.TempDir()
	for _, f := range []string{"a,b.npy", "c.npy", "x,y", "x,y,z.npy", "a,b.npz", "f,g/m.npy"} {
		p := filepath.Join(d, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// w.npz holds the members maps and "m,n"
	m := stlayer.NewMaps(1, 4, 4)
	for _, p := range []string{"w.npz:maps", "w.npz:m,n"} {
		if err := datasets.WriteMaps(filepath.Join(d, p), m); err != nil {
			t.Fatal(err)
		}
	}
	j := func(names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = filepath.Join(d, n)
		}
		return out
	}
	D := d + "/"
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{D + "a,b.npy," + D + "c.npy", j("a,b.npy", "c.npy")},
		{D + "c.npy," + D + "a,b.npy", j("c.npy", "a,b.npy")},
		{D + "c.npy , " + D + "a,b.npy ," + D + "c.npy", j("c.npy", "a,b.npy", "c.npy")},
		{D + "x,y,z.npy," + D + "c.npy", j("x,y,z.npy", "c.npy")}, // the longest: x,y exists too
		{D + "x,y," + D + "c.npy", j("x,y", "c.npy")},
		{D + "f,g/m.npy," + D + "c.npy", j("f,g/m.npy", "c.npy")}, // a folder with a comma
		{D + "a,b.npz:m," + D + "c.npy", []string{D + "a,b.npz:m", D + "c.npy"}},
		{D + "w.npz:maps," + D + "c.npy", j("w.npz:maps", "c.npy")}, // was the member "maps,/…/c.npy"
		{D + "w.npz:m,n," + D + "c.npy", j("w.npz:m,n", "c.npy")},   // a member with a comma
		{D + "w.npz:m,n", j("w.npz:m,n")},
		{D + "p," + D + "q", j("p", "q")}, // nothing exists: every comma
		{D + "a,b.npy", j("a,b.npy")},
	} {
		got, err := mapList(tc.spec)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("mapList(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
	if _, err := mapList(D + "c.npy,," + D + "c.npy"); err == nil || !strings.Contains(err.Error(), "an empty name") {
		t.Errorf("an empty name: %v", err)
	}
}

// stats on "a,b.npy,c.npy" read the two files (it failed on "a").
func TestRobust19StatsCommaFile(t *testing.T) {
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a,b.npy", 1)
	c := writeTestMap(t, dir, "c.npy", 1)
	out := filepath.Join(dir, "o.json")
	code, _, errs := runCLI(t, "stats", a+","+c, "-J", "2", "--kind", "wst", "-o", out)
	if code != 0 {
		t.Fatalf("stats a,b.npy,c.npy: exit %d\n%s", code, errs)
	}
	var doc struct {
		Config struct {
			Inputs []string `json:"inputs"`
		} `json:"config"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Config.Inputs, []string{a, c}) {
		t.Errorf("inputs %q, want %q", doc.Config.Inputs, []string{a, c})
	}
}
