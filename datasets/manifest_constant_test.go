package datasets

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// The manifest records the patches skipped as constant (SkipConstant) as
// "skipped_constant" beside "skipped_nonfinite"; it recorded only the
// latter. A manifest written before the field existed still loads (count 0).
func TestManifestRecordsConstantSkips(t *testing.T) {
	m := mustWhite(t, 32) // four 16² patches at stride 16
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			m.Data[i*32+j] = 2.5    // top-left patch constant
			m.Data[i*32+16+j] = 2.5 // top-right patch constant too, but a NaN below: counted as non-finite
		}
	}
	m.Data[3*32+20] = math.NaN()
	srcs := []Source{{Name: "masked", Maps: m}}
	cfg := PatchConfig{Size: 16, Stride: 16, SkipNaN: true, SkipConstant: true}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) != 2 || ps.Skipped != 1 || ps.Constant != 1 {
		t.Fatalf("cut: %d patches, %d non-finite, %d constant; want 2, 1, 1", len(ps.Patches), ps.Skipped, ps.Constant)
	}
	dir := t.TempDir()
	f, err := BuildFeatures(dir, ps, cfg, stats.Spec{Kind: stats.WST, J: 2, L: 4}, cpu.New(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Manifest.Skipped != 1 || f.Manifest.SkippedConstant != 1 {
		t.Errorf("built manifest: skipped %d non-finite, %d constant; want 1, 1", f.Manifest.Skipped, f.Manifest.SkippedConstant)
	}
	path := filepath.Join(dir, "manifest.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	if string(keys["skipped_constant"]) != "1" || string(keys["skipped_nonfinite"]) != "1" {
		t.Errorf("manifest.json: skipped_constant %s, skipped_nonfinite %s; want 1 and 1", keys["skipped_constant"], keys["skipped_nonfinite"])
	}
	g, err := LoadFeatures(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g.Manifest.SkippedConstant != 1 || g.Patches.Constant != 1 || g.Patches.Skipped != 1 {
		t.Errorf("loaded: manifest %d constant, patch set %d constant and %d non-finite; want 1, 1, 1",
			g.Manifest.SkippedConstant, g.Patches.Constant, g.Patches.Skipped)
	}

	// a manifest of an older stkit, without the key, still loads
	delete(keys, "skipped_constant")
	old, _ := json.Marshal(keys)
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	g, err = LoadFeatures(dir)
	if err != nil {
		t.Fatalf("manifest without skipped_constant: %v", err)
	}
	if g.Manifest.SkippedConstant != 0 || g.Patches.Constant != 0 || g.Manifest.Skipped != 1 || g.Manifest.N != 2 {
		t.Errorf("old manifest: %d constant, %d non-finite, %d patches; want 0, 1, 2", g.Manifest.SkippedConstant, g.Manifest.Skipped, g.Manifest.N)
	}
}
