package datasets

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A complete dataset of the same configuration whose files disagree with
// its manifest (index.json one patch short) is refused with an error
// matching ErrDamagedDataset that says what to do; with
// BuildOptions.Replace it is rebuilt and loads again, with the features of
// the first build.
func TestLocks18DamagedDatasetReplace(t *testing.T) {
	srcs := []Source{{Name: "n", Maps: mustWhite(t, 32)}}
	cfg := PatchConfig{Size: 16, Stride: 8}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 4}
	dir := t.TempDir()
	f0, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	var idx []Patch
	if err := readJSON(filepath.Join(dir, "index.json"), &idx); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(idx[:len(idx)-1])
	os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644)

	_, err = BuildFeatures(dir, ps, cfg, spec, cpu.New(), 4, nil)
	if !errors.Is(err, ErrDamagedDataset) || !strings.Contains(err.Error(), "disagree with the manifest") || !strings.Contains(err.Error(), "rebuild it (BuildOptions.Replace)") {
		t.Fatalf("damaged dataset: %v", err)
	}
	f, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 4, nil, BuildOptions{Replace: true})
	if err != nil {
		t.Fatalf("Replace: %v", err)
	}
	g, err := LoadFeatures(dir)
	if err != nil {
		t.Fatalf("rebuilt dataset: %v", err)
	}
	if len(g.X) != len(f0.X) || len(f.X) != len(f0.X) || f0.Manifest.N != 9 || g.Manifest.N != 9 {
		t.Fatalf("rebuilt %d/%d values, first build %d (n %d)", len(g.X), len(f.X), len(f0.X), g.Manifest.N)
	}
	for i := range f0.X {
		if g.X[i] != f0.X[i] {
			t.Fatalf("feature %d: %g rebuilt, %g first", i, g.X[i], f0.X[i])
		}
	}
}
