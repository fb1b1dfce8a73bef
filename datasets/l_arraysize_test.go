package datasets

import "testing"

// Array.Size is the product of the dimensions up to 2^62 and -1 beyond it
// or for a negative dimension.
func TestArraySizeBound(t *testing.T) {
	for _, c := range []struct {
		shape []int
		want  int
	}{
		{nil, 1}, {[]int{3, 0, 5}, 0}, {[]int{2, 3, 4}, 24},
		{[]int{1 << 31, 1 << 31}, 1 << 62},
		{[]int{1 << 31, 1 << 31, 2}, -1}, // 2^63: beyond the bound
		{[]int{3, -1}, -1},
	} {
		if got := (&Array{Shape: c.shape}).Size(); got != c.want {
			t.Errorf("Size of %v = %d, want %d", c.shape, got, c.want)
		}
	}
}
