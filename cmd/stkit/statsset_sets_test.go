package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// writeSetMaps writes n single 32×32 log-normal maps dir/m<i>.npy (seeds
// seed0+i) and the same maps as one batch file dir/../batch_<dir>.npy.
func writeSetMaps(t *testing.T, dir string, n int, seed0 uint64, amp float64) ([]string, string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	batch := stlayer.NewMaps(n, 32, 32)
	var files []string
	for i := range n {
		x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, seed0+uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		for p := range x {
			x[p] *= amp
		}
		m := stlayer.NewMaps(1, 32, 32)
		copy(m.Map(0), x)
		copy(batch.Map(i), x)
		p := filepath.Join(dir, fmt.Sprintf("m%02d.npy", i))
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	bp := filepath.Join(filepath.Dir(dir), "batch_"+filepath.Base(dir)+".npy")
	if err := datasets.WriteMaps(bp, batch); err != nil {
		t.Fatal(err)
	}
	return files, bp
}

// stats refused a folder ("… is a folder; give one map file") and two
// files ("needs exactly one MAP argument, got 2") although patches,
// surrogate and synth take sets. MAP is now a file, a folder or a comma
// list, stacked as a batch file would be: the coefficients of a folder (and
// of the list of its files) equal those of the batch file of the same maps
// (spectra, whose reference is taken over the whole set), and the JSON
// lists the files.
func TestStatsSetFolderAndList(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a")
	files, batch := writeSetMaps(t, dir, 3, 1, 1)
	read := func(args ...string) (map[string]any, []any) {
		t.Helper()
		jp := filepath.Join(root, "s.json")
		full := append(append([]string{"stats"}, args...), "--kind", "spectra", "-J", "3", "-o", jp)
		if code, _, errs := runCLI(t, full...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config       map[string]any `json:"config"`
			Coefficients []any          `json:"coefficients"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Config, doc.Coefficients
	}
	_, ref := read(batch)
	for _, arg := range []string{dir, strings.Join(files, ",")} {
		cfg, got := read(arg)
		if len(got) != len(ref) || len(ref) == 0 {
			t.Fatalf("%s: %d entries, the batch file %d", arg, len(got), len(ref))
		}
		for i := range ref {
			a, b := ref[i].(map[string]any), got[i].(map[string]any)
			if a["re"] != b["re"] || a["im"] != b["im"] || a["map"] != b["map"] {
				t.Fatalf("%s: entry %d = %v, the batch file's %v", arg, i, b, a)
			}
		}
		var inputs []string
		for _, v := range cfg["inputs"].([]any) {
			inputs = append(inputs, v.(string))
		}
		if !slices.Equal(inputs, files) {
			t.Errorf("%s: inputs %v, want the files %v", arg, inputs, files)
		}
		sets, _ := cfg["input_sets"].([]any)
		if len(sets) != 1 || sets[0].(map[string]any)["maps"] != 3.0 || sets[0].(map[string]any)["given"] != arg {
			t.Errorf("%s: input_sets %v", arg, cfg["input_sets"])
		}
		if shape := cfg["map_shape"].([]any); shape[0] != 3.0 {
			t.Errorf("%s: map_shape %v, want 3 maps", arg, shape)
		}
	}
	// one file: inputs as given, no input_sets
	if cfg, _ := read(batch); cfg["input_sets"] != nil {
		t.Errorf("one file: input_sets %v, want none", cfg["input_sets"])
	}
}

// Bad sets are refused (exit 2) with the files named: maps of two sizes,
// and --cross / --imag sets whose number of maps differs from MAP's (the
// maps are paired one by one), an -o .npy inside the MAP folder; with
// equal counts --cross pairs them. Two MAP arguments get the remedy (a
// folder or a comma list).
func TestStatsSetRefusals(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a")
	files, _ := writeSetMaps(t, dir, 3, 1, 1)
	small := stlayer.NewMaps(1, 16, 16)
	for i := range small.Data {
		small.Data[i] = float64(i % 7)
	}
	sp := filepath.Join(root, "small.npy")
	if err := datasets.WriteMaps(sp, small); err != nil {
		t.Fatal(err)
	}
	two := files[0] + "," + files[1]
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{files[0] + "," + sp}, []string{"small.npy holds maps of 16×16", files[0] + " (the set's first file) 32×32", "one size"}},
		{[]string{two, "--cross", dir}, []string{"--cross folder " + dir + " (3 files) holds 3 maps", "MAP m00.npy, m01.npy 2 maps", "same number of maps"}},
		{[]string{dir, "--kind", "wph", "--imag", two}, []string{"--imag m00.npy, m01.npy holds 2 maps", "MAP folder", "same number of maps"}},
		{[]string{files[0], files[1]}, []string{"got 2", "give their folder or one comma-separated list"}},
	} {
		out := filepath.Join(root, "o.json")
		args := append(append([]string{"stats"}, c.args...), "-J", "2", "-o", out)
		code, _, errs := runCLI(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", c.args, code, errs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: message lacks %q: %s", c.args, w, errs)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s after refusing", c.args, out)
		}
	}
	// a coefficient file written into a folder argument would be read as a
	// map of the set by the next run on it ("the data are complex128 but
	// maps are real"): refused; a .json there is no map file
	if code, _, errs := runCLI(t, "stats", dir, "-J", "2", "-o", filepath.Join(dir, "c.npy")); code != 2 || !strings.Contains(errs, "lies in the folder "+dir+" that MAP reads as a set of maps") {
		t.Errorf("-o into the MAP folder: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.npy")); err == nil {
		t.Error("wrote c.npy into the MAP folder")
	}
	// equal counts: --cross pairs the maps one by one
	out := filepath.Join(root, "x.json")
	if code, _, errs := runCLI(t, "stats", two, "--cross", files[2]+","+files[0], "-J", "2", "-o", out); code != 0 {
		t.Fatalf("paired --cross: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config struct {
			Inputs []string `json:"inputs"`
			Shape  []int    `json:"map_shape"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if want := []string{files[0], files[1], files[2], files[0]}; !slices.Equal(doc.Config.Inputs, want) || doc.Config.Shape[0] != 2 {
		t.Errorf("paired --cross: inputs %v map_shape %v, want %v and 2 maps", doc.Config.Inputs, doc.Config.Shape, want)
	}
}
