package infer

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestFixb25FeatureFilterHalfK: FitFeatureFilter's half priors, fitted on
// half of each component's training patches, are capped as every
// FitPatchPrior is (kcap25: KFor), but nothing recorded it: the filter
// record held only the full priors' kept K. Four 16² patches per component
// give the full priors 512 training rows (K 20 lowered to 13) and each
// half 2 patches, 256 rows (6): FeatureFilter.HalfKUsed and the manifest
// record (half_prior_components_used) now give [[6, 6], [6, 6]]; with K 3
// (every fit keeps K) the record has no such key.
func TestFixb25FeatureFilterHalfK(t *testing.T) {
	patches := make([][]float64, 8)
	for i := range patches {
		var err error
		if i < 4 {
			patches[i], err = datasets.WhiteNoise(16, 16, uint64(40+i))
		} else {
			patches[i], err = datasets.GaussianRandomField(16, 16, -3, uint64(40+i))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	patch := func(i int) []float64 { return patches[i] }
	members := [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}
	for _, c := range []struct {
		k        int
		full     string
		half     [2][2]int
		recorded string
	}{
		{20, "13 13", [2][2]int{{6, 6}, {6, 6}}, `[[6,6],[6,6]]`},
		{3, "3 3", [2][2]int{{3, 3}, {3, 3}}, "absent"},
	} {
		ppo := PatchPriorOptions{K: c.k}
		pps, _, err := fitModelPatchPriors(members, patch, 16, ppo, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(pps[0].KUsed, pps[1].KUsed); got != c.full {
			t.Fatalf("K %d: full priors fitted with %s components, want %s", c.k, got, c.full)
		}
		fs, recs, err := fitModelFeatureFilters([][2]int{{0, 1}}, members, patch, 16, pps, ppo, FeatureFilterOptions{Mixtures: 8})
		if err != nil {
			t.Fatal(err)
		}
		if fs[0].HalfKUsed != c.half {
			t.Errorf("K %d: FeatureFilter.HalfKUsed %v, want %v", c.k, fs[0].HalfKUsed, c.half)
		}
		b, err := json.Marshal(recs[0])
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		got := "absent"
		if v, ok := m["half_prior_components_used"]; ok {
			got = string(v)
		}
		if got != c.recorded {
			t.Errorf("K %d: record's half_prior_components_used %s, want %s\n%s", c.k, got, c.recorded, b)
		}
	}
}
