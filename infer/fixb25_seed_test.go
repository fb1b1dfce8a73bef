package infer

import (
	"errors"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestFixb25SeedErrorNamesBothK: FitPatchPrior lowers K to KFor(rows)
// (kcap25), and the seeding error ("fewer distinct sub-patches than K")
// named only the K fitted, as if it were the K asked, advising "a smaller
// K" (K 19 asked would fit the same 8). Ten 4×4 maps (nine zero, one of
// ones) at P 2, stride 2, without augmentation give 40 training rows (K
// 20 lowered to ⌊40/5⌋ = 8) holding 2 distinct sub-patches: the error now
// names both K and the K that seeds (≤ 2), which then fits (2 seeded,
// the one of 4 rows dropped: 1 kept); with K 8
// asked (not lowered) the message is pfixlib22's, unchanged.
func TestFixb25SeedErrorNamesBothK(t *testing.T) {
	maps := stlayer.NewMaps(10, 4, 4)
	for j := range maps.Map(9) {
		maps.Map(9)[j] = 1
	}
	opt := PatchPriorOptions{P: 2, K: 20, Stride: 2, NoAugment: true}
	if r, k := opt.TrainingRows(10, 4, 4), opt.KFor(40); r != 40 || k != 8 {
		t.Fatalf("rows %d, KFor %d: want 40, 8", r, k)
	}
	pp, err := FitPatchPrior(maps, opt)
	want := "patch prior: the 40 training rows seeding the fit hold 2 distinct sub-patches for the K = 8 mixture components fitted (K = 20 asked, lowered to one per P² + 1 = 5 of the 40 training rows; masked or constant areas repeat one sub-patch): give K ≤ 2 (PatchPriorOptions.K, --patch-prior-k) or more varied training patches"
	if err == nil || err.Error() != want || !errors.Is(err, ErrModelInput) {
		t.Fatalf("K 20 (8 fitted) on 2 distinct sub-patches: err %v (prior %v)\nwant %q", err, pp, want)
	}
	opt.K = 8
	_, err = FitPatchPrior(maps, opt)
	want = "patch prior: the 40 training rows seeding the fit hold 2 distinct sub-patches for K = 8 mixture components (masked or constant areas repeat one sub-patch): give a smaller K (PatchPriorOptions.K, --patch-prior-k) or more varied training patches"
	if err == nil || err.Error() != want {
		t.Fatalf("K 8 asked and fitted: err %v\nwant %q", err, want)
	}
	opt.K = 2 // the advice
	pp, err = FitPatchPrior(maps, opt)
	if err != nil || pp.KAsked != 2 || pp.KUsed != 2 || pp.K < 1 || pp.K > 2 || pp.Rows != 40 {
		t.Fatalf("K 2: err %v, prior %+v", err, pp)
	}
}
