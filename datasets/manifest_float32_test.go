package datasets

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Pins the documented difference between a computed and a loaded feature
// table: the features are the same bit for bit, the patches of the loaded
// one (also what BuildFeatures returns for a complete folder) are the
// computed float64 pixels rounded to float32 (patches.npy).
func TestLoadedPatchesAreFloat32Rounded(t *testing.T) {
	srcs := []Source{{Name: "n", Maps: mustWhite(t, 32)}}
	cfg := PatchConfig{Size: 16, Stride: 16}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fresh := append([]float64(nil), ps.Data...)
	dir := t.TempDir()
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 4}
	built, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if built.Patches != ps {
		t.Error("a computed table should hold the patch set it was given")
	}
	loaded, err := LoadFeatures(dir)
	if err != nil {
		t.Fatal(err)
	}
	reused, err := BuildFeatures(dir, ps, cfg, spec, cpu.New(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*Features{"LoadFeatures": loaded, "BuildFeatures on the complete folder": reused} {
		if len(f.X) != len(built.X) {
			t.Fatalf("%s: %d feature values, built %d", name, len(f.X), len(built.X))
		}
		for i := range f.X {
			if f.X[i] != built.X[i] {
				t.Fatalf("%s: feature value %d is %v, built %v (features are stored as float64)", name, i, f.X[i], built.X[i])
			}
		}
		if len(f.Patches.Data) != len(fresh) {
			t.Fatalf("%s: %d pixels, cut %d", name, len(f.Patches.Data), len(fresh))
		}
		differ := 0
		for i, v := range f.Patches.Data {
			if want := float64(float32(fresh[i])); v != want {
				t.Fatalf("%s: pixel %d is %v, want the cut pixel %v rounded to float32, %v", name, i, v, fresh[i], want)
			}
			if v != fresh[i] {
				differ++
			}
		}
		if differ == 0 {
			t.Errorf("%s: no pixel differs from the float64 cut (white noise should not be float32-exact)", name)
		}
	}
}
