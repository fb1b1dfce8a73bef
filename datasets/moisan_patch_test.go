package datasets

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestMoisanPatchWindow: PatchConfig{Window: "moisan"} stores each patch's
// periodic component (PeriodicSmooth of the rotated and flipped block),
// keeping its mean; the other patches of the set are those of Window
// "none" (same corners, rotations and flips), and Alpha plays no part.
func TestMoisanPatchWindow(t *testing.T) {
	const side, s = 40, 16
	g, err := GaussianRandomField(side, side, -3, 3)
	if err != nil {
		t.Fatal(err)
	}
	src := []Source{{Name: "g", Maps: &stlayer.Maps{B: 1, M: side, N: side, Data: g}}}
	cfg := PatchConfig{Size: s, Stride: 12, Augment: true, Seed: 9}
	raw, err := CutPatches(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Window = "moisan"
	mo, err := CutPatches(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Alpha = 0.8
	mo2, err := CutPatches(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(mo.Patches) != len(raw.Patches) || len(mo.Patches) != 9 {
		t.Fatalf("%d moisan patches, %d raw, want 9", len(mo.Patches), len(raw.Patches))
	}
	rotated := 0
	for i := range mo.Patches {
		if mo.Patches[i] != raw.Patches[i] {
			t.Fatalf("patch %d: %+v, raw %+v", i, mo.Patches[i], raw.Patches[i])
		}
		if mo.Patches[i].Rot != 0 || mo.Patches[i].Flip {
			rotated++
		}
		p, _ := PeriodicSmooth(raw.Patch(i), s, s)
		for k, v := range p {
			if got := mo.Patch(i)[k]; got != v || mo2.Patch(i)[k] != v {
				t.Fatalf("patch %d pixel %d: %g (α 0.8: %g), want p = %g", i, k, got, mo2.Patch(i)[k], v)
			}
		}
		if d := meanOf(mo.Patch(i)) - meanOf(raw.Patch(i)); math.Abs(d) > 1e-12 {
			t.Errorf("patch %d: mean changed by %g", i, d)
		}
	}
	if rotated == 0 {
		t.Error("no patch rotated or flipped: Augment not exercised")
	}
}
