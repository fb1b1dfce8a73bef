package datasets

import (
	"math"
	"slices"
	"testing"
)

// TestCutPatchesMaxPerSourceAfterSkip: MaxPerSource draws its subset among
// the patches that are kept, so a source with enough usable patches gives
// exactly MaxPerSource of them however many others are skipped (it drew
// among all candidates first, then skipped: 4 NaN patches of 6 and a
// subset of 2 kept 0 to 2 patches depending on the seed). Without skipped
// patches the subset is the one drawn before.
func TestCutPatchesMaxPerSourceAfterSkip(t *testing.T) {
	src := rampSource("ramp", 1, 32, 48) // 2×3 grid of 16² patches
	// NaN in the patches at rows 0 and 16, columns 0 and 16: 4 of 6.
	for _, rc := range [][2]int{{0, 0}, {0, 16}, {16, 0}, {16, 16}} {
		src.Maps.Data[(rc[0]+3)*48+rc[1]+5] = math.NaN()
	}
	for seed := uint64(0); seed < 20; seed++ {
		ps, err := CutPatches([]Source{src}, PatchConfig{Size: 16, Stride: 16, MaxPerSource: 2, SkipNaN: true, Seed: seed})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(ps.Patches) != 2 || ps.Skipped != 4 {
			t.Fatalf("seed %d: kept %d patches, skipped %d; want the 2 finite ones, 4 skipped", seed, len(ps.Patches), ps.Skipped)
		}
		for _, p := range ps.Patches {
			if p.Col != 32 {
				t.Errorf("seed %d: kept patch %+v, which holds a NaN", seed, p)
			}
		}
	}
	// Constant patches likewise.
	c := rampSource("flat", 1, 32, 48)
	for i := 0; i < 32*48; i++ {
		if i%48 < 32 {
			c.Maps.Data[i] = 1
		}
	}
	ps, err := CutPatches([]Source{c}, PatchConfig{Size: 16, Stride: 16, MaxPerSource: 1, SkipConstant: true, Seed: 3})
	if err != nil || len(ps.Patches) != 1 || ps.Constant != 4 || ps.Patches[0].Col != 32 {
		t.Fatalf("skip constant, 1 per source: %v, %d kept (%+v), %d constant", err, len(ps.Patches), ps.Patches, ps.Constant)
	}
	// No skipped patch: the same subset as drawn from all candidates.
	clean := rampSource("ramp", 2, 32, 48)
	a, err := CutPatches([]Source{clean}, PatchConfig{Size: 16, Stride: 8, MaxPerSource: 5, Augment: true, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := []Patch{{0, 0, 16, 32, 2, true}, {0, 1, 0, 0, 1, true}, {0, 1, 0, 24, 1, true}, {0, 1, 16, 0, 3, false}, {0, 1, 16, 8, 0, false}}
	if !slices.Equal(a.Patches, want) {
		t.Errorf("subset without skipped patches changed:\n got %v\nwant %v", a.Patches, want)
	}
}
