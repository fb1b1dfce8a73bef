package perf

import (
	"slices"
	"testing"
)

// TestScalingCasesBatchOne: ScalingCases' doc lists the batch sizes at 256²,
// but batch 1 was always dropped from them (to avoid repeating the size
// series' 256² ×1 row), so with sizes {64} and batches {1, 4} no 256² ×1 case
// was measured. Batch 1 at 256² now comes once either way.
func TestScalingCasesBatchOne(t *testing.T) {
	labels := func(sizes, batches []int) []string {
		var ls []string
		for _, c := range ScalingCases(sizes, batches) {
			ls = append(ls, c.Label())
		}
		return ls
	}
	want := []string{
		"scov J4 L4 iso 64² ×1 loss+grad", "wph J4 L4 64² ×1 fwd",
		"scov J6 L4 iso 256² ×1 loss+grad", "wph J6 L4 256² ×1 fwd",
		"scov J6 L4 iso 256² ×4 loss+grad", "wph J6 L4 256² ×4 fwd",
	}
	if got := labels([]int{64}, []int{1, 4}); !slices.Equal(got, want) {
		t.Errorf("ScalingCases({64}, {1, 4}):\n got %q\nwant %q", got, want)
	}
	got := labels([]int{64, 256}, []int{1, 4})
	n := 0
	for _, l := range got {
		if l == "wph J6 L4 256² ×1 fwd" {
			n++
		}
	}
	if n != 1 || len(got) != 6 {
		t.Errorf("ScalingCases({64, 256}, {1, 4}): %q, want 256² ×1 once", got)
	}
}
