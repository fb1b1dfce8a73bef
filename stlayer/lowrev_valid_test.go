package stlayer

import "testing"

// TestValidRefusesOverflowingSize: Valid checked len(Data) = K·H·W in int
// arithmetic, so K = H = 2^32, W = 1 (K·H·W wraps to 0) with neither Data
// nor Runs passed as a valid dense bank, whose Filter(0) then panics. The
// product must be representable.
func TestValidRefusesOverflowingSize(t *testing.T) {
	for _, f := range []*FilterBank{
		{K: 1 << 32, H: 1 << 32, W: 1},
		{K: 1, H: 1 << 32, W: 1 << 32},
		{K: 3, H: 1 << 31, W: 1 << 31, Runs: make([][]FilterRun, 3)},
	} {
		if f.Valid() {
			t.Errorf("bank K=%d %dx%d (dense values %d, %d run lists) is Valid", f.K, f.H, f.W, len(f.Data), len(f.Runs))
		}
	}
	ok := &FilterBank{K: 2, H: 3, W: 1, Data: make([]float64, 6)}
	sp := &FilterBank{K: 1, H: 1 << 20, W: 1 << 20, Runs: [][]FilterRun{{{Row: 5, Col: 7, Vals: []float64{1, 2}}}}}
	if !ok.Valid() || !sp.Valid() {
		t.Errorf("Valid refuses a well-formed bank: dense %v, sparse %v", ok.Valid(), sp.Valid())
	}
}
