package infer

import (
	"errors"
	"strings"
	"testing"
)

// TestRev1_25FeatureFilterRowsUpFront: ExportModels with a feature-filter
// pair whose components' halves give too few training rows for a half
// prior (tinyRun: 48 patches of 32² per component; P 12, stride 32, no
// augmentation: 4 rows a patch, 192 for the full prior, ≥ 145 = P² + 1,
// 96 for a half of 24) failed only after every component's model and
// patch prior ("feature filter: half prior of component 0, half 0 (24
// patches): patch prior: the training maps (24 of 32×32) give 96 training
// rows …"). It is now refused before that work: no patch prior is fitted.
// The rule on its own: a component of 1 patch, and a half of 1 patch of 8².
func TestRev1_25FeatureFilterRowsUpFront(t *testing.T) {
	fx := tinyRun(t)
	fits := 0
	_, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 8, Seed: 3,
		PatchPrior:         &PatchPriorOptions{P: 12, Stride: 32, NoAugment: true, K: 1, Iters: 2},
		PatchPriorProgress: func(PatchPriorStep) { fits++ },
		FeatureFilter:      [][2]int{{0, 1}}, FeatureFilterOptions: FeatureFilterOptions{Mixtures: 2}})
	want := "feature filter pair 0,1: component 0's 48 training patches of 32×32 are split into halves of 24 and 24 for the filter's half priors, and 24 patches give 96 training rows, fewer than the P² + 1 = 145 one mixture component needs: leave the pair out (ExportOptions.FeatureFilter, --feature-filter), or give the component more training patches"
	if err == nil || !errors.Is(err, ErrModelInput) || err.Error() != want || fits != 0 {
		t.Errorf("export: %v (%d patch-prior progress steps)\nwant %s, before any fit", err, fits, want)
	}
	for _, c := range []struct {
		members [][]int
		p       int
		want    string
	}{
		{[][]int{{0, 1, 2, 3}, {4}}, 8, "feature filter pair 0,1: component 1 holds 1 training patch(es), and the filter fits a patch prior on each half of them (want at least 2)"},
		{[][]int{{0, 1, 2, 3}, {4, 5, 6}}, 8, "feature filter pair 0,1: component 1's 3 training patches of 8×8 are split into halves of 1 and 2 for the filter's half priors, and 1 patches give 32 training rows, fewer than the P² + 1 = 37"},
		{[][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}, 8, ""}, // halves of 2: 64 rows
		{[][]int{{0}, {1}}, 4, ""},                   // patches smaller than P: fitModelPatchPriors says so
	} {
		pairs := [][2]int{{0, 1}}
		err := checkFeatureFilterRows(pairs, c.members, c.p, PatchPriorOptions{})
		if (c.want == "") != (err == nil) || (err != nil && !strings.HasPrefix(err.Error(), c.want)) {
			t.Errorf("%v, %d²: %v, want %q", c.members, c.p, err, c.want)
		}
	}
}
