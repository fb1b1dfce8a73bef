package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPipefix19FolderSkipsHidden: a folder given as a set of maps skips
// hidden files: an empty .hidden.npy and a macOS "._m.npy" beside two maps
// leave stats DIR reading the two (config.inputs), exit 0. Before, stats
// mixd exited 2 on mixd/.hidden.npy (pipe's report).
func TestPipefix19FolderSkipsHidden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "set")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := writeTestMap(t, dir, "a.npy", 1), writeTestMap(t, dir, "b.npy", 2)
	for name, data := range map[string]string{".hidden.npy": "", "._m.npy": "\x00\x05\x16\x07Mac OS X"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !folderMapFile("m.npy") || folderMapFile(".m.npy") || folderMapFile("._m.fits") || folderMapFile("notes.txt") {
		t.Error("folderMapFile")
	}
	out := filepath.Join(t.TempDir(), "s.json")
	code, _, errs := runCLI(t, "stats", dir, "-J", "3", "--kind", "wst", "-o", out)
	if code != 0 {
		t.Fatalf("stats DIR with hidden files: exit %d\n%s", code, tail(errs, 400))
	}
	bs, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config struct {
			Inputs []string `json:"inputs"`
			Shape  [3]int   `json:"map_shape"`
		} `json:"config"`
	}
	if err := json.Unmarshal(bs, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Config.Inputs, []string{a, b}) || doc.Config.Shape[0] != 3 {
		t.Errorf("inputs %v, map_shape %v; want %s, %s and 3 maps", doc.Config.Inputs, doc.Config.Shape, a, b)
	}
}
