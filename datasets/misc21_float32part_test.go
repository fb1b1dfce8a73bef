package datasets

import (
	"strings"
	"testing"
)

// TestMisc21Complex64PartNamed: a complex64 array holding a part beyond
// float32's range was refused with "the a part of the value at index …"
// (garbled, and no word of which part). The message now names the part.
func TestMisc21Complex64PartNamed(t *testing.T) {
	for _, c := range []struct {
		z    []complex128
		want []string
	}{
		{[]complex128{1, complex(6e38, 0), 2}, []string{
			"complex64 array of shape (3,): the real part of the value at index (1,) holds 6e+38",
			"written as +Inf", `Array.DType "complex128"`}},
		{[]complex128{1, complex(0, -5e38), 2}, []string{
			"complex64 array of shape (3,): the imaginary part of the value at index (1,) holds -5e+38",
			"written as -Inf"}},
		// Both parts of one value and another value's real part: three parts.
		{[]complex128{complex(1, 4e38), complex(-7e38, 5e38), 2}, []string{
			"the imaginary part of the value at index (0,) holds 4e+38",
			"; 3 parts (real or imaginary, counted apart) are out of range, the largest magnitude is 7e+38"}},
	} {
		a := &Array{DType: "complex64", Shape: []int{3}, Complex128: c.z}
		_, err := EncodeNPY(a, NPYOptions{})
		if err == nil {
			t.Fatalf("%v: written, want refused", c.z)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q\nwant it to contain %q", c.z, err, w)
			}
		}
		if strings.Contains(err.Error(), "the a part") {
			t.Errorf("%v: garbled error %q", c.z, err)
		}
	}
}
