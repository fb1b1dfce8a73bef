package stlayer

import (
	"math"
	"testing"
)

// HEALPix's UNSEEN value was defined twice (datasets.Unseen and a copy in
// package stats, which cannot import datasets); it is now defined here once.
// IsUnseen keeps healpy's mask_bad tolerance 1e-8 + 1e-5·|UNSEEN|: the value
// rounded to float32 is caught, a value 2e25 away is not; CountUnseen counts
// them and names the first.
func TestUnseenOneDefinition(t *testing.T) {
	if Unseen != -1.6375e30 {
		t.Fatalf("Unseen = %g, want healpy's -1.6375e30", Unseen)
	}
	tol := 1e-8 + 1e-5*1.6375e30
	for _, c := range []struct {
		x    float64
		want bool
	}{
		{Unseen, true},
		{float64(float32(Unseen)), true}, // a float32 file's value
		{Unseen + 0.99*tol, true},
		{Unseen - 0.99*tol, true},
		{Unseen + 1.01*tol, false},
		{-Unseen, false},
		{0, false},
		{math.NaN(), false},
		{math.Inf(-1), false},
	} {
		if got := IsUnseen(c.x); got != c.want {
			t.Errorf("IsUnseen(%g) = %v, want %v", c.x, got, c.want)
		}
	}
	if n, first := CountUnseen(nil); n != 0 || first != -1 {
		t.Errorf("CountUnseen(nil) = %d, %d, want 0, -1", n, first)
	}
	x := NewMaps(2, 4, 4)
	if n, first := CountUnseen(x); n != 0 || first != -1 {
		t.Errorf("CountUnseen of zeros = %d, %d, want 0, -1", n, first)
	}
	x.Data[16+2*4+1] = float64(float32(Unseen))
	x.Data[16+3*4+3] = Unseen
	if n, first := CountUnseen(x); n != 2 || first != 16+2*4+1 {
		t.Errorf("CountUnseen = %d, %d, want 2, %d", n, first, 16+2*4+1)
	}
}
