package datasets

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A resumed build recomputes a chunk file holding a NaN or Inf (a damaged
// file: the build itself refuses non-finite features) instead of passing it
// into features.npy.
func TestResumeRecomputesNonFiniteChunk(t *testing.T) {
	x := stlayer.NewMaps(2, 48, 48)
	for b := 0; b < 2; b++ {
		f, _ := LogNormalField(48, 48, -2, 0.6, uint64(b+3))
		copy(x.Map(b), f)
	}
	cfg := PatchConfig{Size: 16, Stride: 16, Seed: 1}
	ps, err := CutPatches([]Source{{Name: "a", Maps: x}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WPH, J: 2, L: 4}.WithDefaults(16, 16)
	eng := cpu.New()
	dir := t.TempDir()
	f, err := BuildFeatures(dir, ps, cfg, spec, eng, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
		man, _ := ReadManifest(dir)
		man.Complete = false
		if err := writeJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
			t.Fatal(err)
		}
		a, err := ReadNPY(chunkPath(dir, 1))
		if err != nil {
			t.Fatal(err)
		}
		a.Float64[3] = bad
		if err := WriteNPY(chunkPath(dir, 1), a); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, "features.npy"))
		g, err := BuildFeatures(dir, ps, cfg, spec, eng, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.X) != len(f.X) {
			t.Fatalf("resumed %d values, built %d", len(g.X), len(f.X))
		}
		for i := range f.X {
			if g.X[i] != f.X[i] {
				t.Fatalf("chunk holding %g: resumed value %d = %g, built %g", bad, i, g.X[i], f.X[i])
			}
		}
	}
}
