package train

import (
	"strings"
	"testing"
)

// TestClustersfix20CheckSplit: an Options.SplitRows result is refused when a
// row is out of range, a list unsorted or a row in both lists; rows of
// neither list (left out) are fine.
func TestClustersfix20CheckSplit(t *testing.T) {
	for _, c := range []struct {
		tr, val []int
		want    string
	}{
		{[]int{0, 1, 3}, []int{5}, ""},
		{[]int{0, 6}, []int{5}, "row 6, outside [0, 6)"},
		{[]int{1, 0}, []int{5}, "unsorted list (row 0 after 1)"},
		{[]int{0, 5}, []int{5}, "row 5 to both training and validation"},
		{[]int{-1}, nil, "row -1, outside"},
	} {
		err := checkSplit(6, c.tr, c.val)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("train %v val %v: %v, want %q", c.tr, c.val, err, c.want)
		}
	}
}
