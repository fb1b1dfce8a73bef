package datasets

import "testing"

// TestReview2SpoolComplex64PartNamed: NPZSpool.Append's complex64 message
// said "a part (real or imaginary) of the value" and counted the parts out
// of range as "values of the block" (3 for 2 values), the wording dc3276d
// fixed in float32Check but not in its near-copy spoolFloat32Check. Both
// now take their words from float32OverflowOf: the part is named and the
// parts are counted as parts.
func TestReview2SpoolComplex64PartNamed(t *testing.T) {
	s, err := NewNPZSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Append("c", &Array{DType: "complex64", Shape: []int{2, 2}, Complex128: make([]complex128, 4)}); err != nil {
		t.Fatal(err)
	}
	// block rows 2–3; row 3, element (0,): real part 6e38, then both parts of element (1,)
	blk := &Array{DType: "complex64", Shape: []int{2, 2}, Complex128: []complex128{0, 0, complex(6e38, 1), complex(-7e38, 5e38)}}
	err = s.Append("c", blk)
	want := `datasets: npz: member "c" (complex64, rows of shape (2,); this block rows 2–3): the real part of the value at index (3, 0) (row 3, element (0,) of it) holds 6e+38, beyond the range of float32 (largest magnitude 3.4028235e+38): it would be written as +Inf; 3 parts (real or imaginary, counted apart) of the block are out of range, the largest magnitude is 7e+38. Rescale the data (e.g. change units) or write it as complex128 (Array.DType "complex128")`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	// the imaginary part alone
	err = s.Append("c", &Array{DType: "complex64", Shape: []int{1, 2}, Complex128: []complex128{0, complex(1, -4e38)}})
	want = `datasets: npz: member "c" (complex64, rows of shape (2,); this block rows 2–2): the imaginary part of the value at index (2, 1) (row 2, element (1,) of it) holds -4e+38, beyond the range of float32 (largest magnitude 3.4028235e+38): it would be written as -Inf. Rescale the data (e.g. change units) or write it as complex128 (Array.DType "complex128")`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}
