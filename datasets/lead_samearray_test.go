package datasets

import "testing"

// sameArray tells string arrays with different elements apart (it compared
// shape, dtype and numbers only, so every check of a string round trip made
// with it passed whatever the strings).
func TestSameArrayComparesStrings(t *testing.T) {
	a := &Array{DType: StringDType, Shape: []int{2}, Strings: []string{"S1", "P00"}}
	b := &Array{DType: StringDType, Shape: []int{2}, Strings: []string{"S1", "C01"}}
	if d := sameArray(a, a); d != "" {
		t.Errorf("an array differs from itself: %s", d)
	}
	if d := sameArray(a, b); d == "" {
		t.Error("string arrays with different elements compare equal")
	}
}
