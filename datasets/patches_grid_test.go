package datasets

import (
	"slices"
	"testing"
)

// TestCutPatchesGridEdges pins the documented grid: corners at multiples of
// Stride from the top-left pixel, only patches wholly inside the map; when
// Stride does not divide M − Size (or N − Size) the last rows (columns) of
// pixels are in no patch.
func TestCutPatchesGridEdges(t *testing.T) {
	src := rampSource("ramp", 1, 20, 45)
	ps, err := CutPatches([]Source{src}, PatchConfig{Size: 16, Stride: 12})
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int
	for _, p := range ps.Patches {
		got = append(got, [2]int{p.Row, p.Col})
	}
	want := [][2]int{{0, 0}, {0, 12}, {0, 24}} // rows 16–19 and columns 40–44 are left out
	if !slices.Equal(got, want) {
		t.Errorf("corners %v, want %v", got, want)
	}
}

// TestCutPatchesRotationConvention pins Patch.Rot and Flip: the patch is
// numpy's np.rot90(p, -Rot) (Rot clockwise quarter turns, row 0 at the
// top), then np.fliplr when Flip.
func TestCutPatchesRotationConvention(t *testing.T) {
	const s = 8
	src := rampSource("ramp", 1, s, s)
	ps, err := CutPatches([]Source{src}, PatchConfig{Size: s, Augment: true, Seed: 0})
	if err != nil {
		t.Fatal(err)
	}
	in := src.Maps.Data
	seen := map[[2]int]bool{}
	for seed := uint64(0); len(seen) < 8 && seed < 200; seed++ {
		ps, err = CutPatches([]Source{src}, PatchConfig{Size: s, Augment: true, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		p := ps.Patches[0]
		fl := 0
		if p.Flip {
			fl = 1
		}
		seen[[2]int{p.Rot, fl}] = true
		// expected: rot90(in, -Rot) then fliplr
		want := slices.Clone(in)
		for k := 0; k < p.Rot; k++ { // one clockwise turn: out[i][j] = in[s−1−j][i]
			prev := slices.Clone(want)
			for i := 0; i < s; i++ {
				for j := 0; j < s; j++ {
					want[i*s+j] = prev[(s-1-j)*s+i]
				}
			}
		}
		if p.Flip {
			for i := 0; i < s; i++ {
				slices.Reverse(want[i*s : (i+1)*s])
			}
		}
		if !slices.Equal(ps.Patch(0), want) {
			t.Errorf("Rot %d Flip %v: patch is not rot90(p, −%d) then fliplr", p.Rot, p.Flip, p.Rot)
		}
	}
	if len(seen) != 8 {
		t.Errorf("seeds 0–199 drew only the augmentations %v", seen)
	}
}
