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

// TestBuildFeaturesRowOrder: feature row i is the statistic of patch i
// (ps.Patch(i), provenance ps.Patches[i]) whatever the chunking (a chunk
// size that does not divide the patch count, a resume after a lost middle
// chunk), and LoadFeatures gives back the same patch index and pixels (as
// float32) in the same order.
func TestBuildFeaturesRowOrder(t *testing.T) {
	var srcs []Source
	for s := 0; s < 2; s++ {
		x := stlayer.NewMaps(2, 48, 40)
		for b := 0; b < 2; b++ {
			f, _ := LogNormalField(48, 40, -2, 0.6, uint64(10*s+b+1))
			copy(x.Map(b), f)
		}
		srcs = append(srcs, Source{Name: []string{"a", "b"}[s], Maps: x})
	}
	cfg := PatchConfig{Size: 16, Stride: 12, Augment: true, MaxPerSource: 9, Seed: 4}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WPH, J: 2, L: 4}.WithDefaults(16, 16)
	eng := cpu.New()
	op, err := stats.Build(spec, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f, err := BuildFeatures(dir, ps, cfg, spec, eng, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, f *Features) {
		t.Helper()
		d := f.Manifest.Dim
		for i := range ps.Patches {
			co, err := eng.Forward(op.Key(), op.Stat(), ps.Maps(i, i+1))
			if err != nil {
				t.Fatal(err)
			}
			for k, col := range f.Manifest.Columns {
				v := co.Row(0)[col.Coeff]
				want := real(v)
				if col.Part == "im" {
					want = imag(v)
				}
				if got := f.X[i*d+k]; math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("%s: row %d column %s = %g, the patch's own statistic %g", what, i, col.Name, got, want)
				}
			}
		}
	}
	check("build", f)
	man, _ := ReadManifest(dir)
	man.Complete = false
	writeJSON(filepath.Join(dir, "manifest.json"), man)
	os.Remove(chunkPath(dir, 1))
	os.Remove(filepath.Join(dir, "features.npy"))
	g, err := BuildFeatures(dir, ps, cfg, spec, eng, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("resumed", g)
	h, err := LoadFeatures(dir)
	if err != nil {
		t.Fatal(err)
	}
	check("loaded", h)
	for i, p := range ps.Patches {
		if h.Patches.Patches[i] != p {
			t.Fatalf("loaded index %d = %+v, built %+v", i, h.Patches.Patches[i], p)
		}
		for j, v := range ps.Patch(i) {
			if h.Patches.Patch(i)[j] != float64(float32(v)) {
				t.Fatalf("loaded patch %d pixel %d = %g, built %g", i, j, h.Patches.Patch(i)[j], v)
			}
		}
	}
}
