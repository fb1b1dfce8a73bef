package datasets

import (
	"strings"
	"testing"
)

// TestReview21SpoolFloat32RowOfMember: a float32 value beyond float32's
// range in a later block of a spooled member was reported at the block's
// row ("index (1, 1, 0)" of a block "of shape (3, 2, 2)") while it is row 3
// of the member (two rows appended before): the message named the wrong
// map. It names the member's row now.
func TestReview21SpoolFloat32RowOfMember(t *testing.T) {
	s, err := NewNPZSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Append("S", &Array{DType: "float32", Shape: []int{2, 2, 2}, Float64: make([]float64, 8)}); err != nil {
		t.Fatal(err)
	}
	blk := &Array{DType: "float32", Shape: []int{3, 2, 2}, Float64: make([]float64, 12)}
	blk.Float64[1*4+2] = 1e39 // block row 1, element (1, 0)
	blk.Float64[2*4+3] = -2e39
	err = s.Append("S", blk)
	want := `datasets: npz: member "S" (float32, rows of shape (2, 2); this block rows 2–4): the value at index (3, 1, 0) (row 3, element (1, 0) of it) holds 1e+39, beyond the range of float32 (largest magnitude 3.4028235e+38): it would be written as +Inf; 2 values of the block are out of range, the largest magnitude is 2e+39. Rescale the data (e.g. change units) or write it as float64 (Array.DType "float64")`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	// a 1-d member: the row alone; complex64: the part out of range
	c := &Array{DType: "complex64", Shape: []int{1}, Complex128: []complex128{complex(0, 5e38)}}
	if err := s.Append("c", &Array{DType: "complex64", Shape: []int{4}, Complex128: make([]complex128, 4)}); err != nil {
		t.Fatal(err)
	}
	err = s.Append("c", c)
	if err == nil || !strings.Contains(err.Error(), `member "c" (complex64, rows of shape (); this block rows 4–4): the imaginary part of the value at index (4,) (row 4) holds 5e+38`) {
		t.Errorf("complex64: %v", err)
	}
	// the member keeps its rows: a good block after the refused one follows
	// row 1 of the archive's member
	if err := s.Append("S", &Array{DType: "float32", Shape: []int{1, 2, 2}, Float64: make([]float64, 4)}); err != nil {
		t.Fatal(err)
	}
	if got := s.members["S"].rows; got != 3 {
		t.Errorf("rows of S after a refused block: %d, want 3", got)
	}
}
