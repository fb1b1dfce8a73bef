package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestLead25TooFewRowsManyMaps: MaxRows below P² + 1 with more maps than
// P² + 1, each giving one row (P×P maps, no augmentation), divided by the
// rows per map counted from the capped total (37/100 = 0) and panicked
// (integer divide by zero) instead of returning the MaxRows error.
func TestLead25TooFewRowsManyMaps(t *testing.T) {
	x := stlayer.NewMaps(100, 6, 6)
	for i := range x.Data {
		x.Data[i] = float64((i*7919)%101) / 101
	}
	_, err := FitPatchPrior(x, PatchPriorOptions{MaxRows: 10, NoAugment: true})
	if err == nil || !errors.Is(err, ErrModelInput) {
		t.Fatalf("want an input error, got %v", err)
	}
	if !strings.Contains(err.Error(), "MaxRows 10 caps the training rows (10 here)") {
		t.Errorf("error: %v", err)
	}
	// one map of 6×6 without augmentation gives 1 row: 37 maps are the fewest
	_, err = FitPatchPrior(stlayer.NewMaps(3, 6, 6), PatchPriorOptions{NoAugment: true})
	if err == nil || !strings.Contains(err.Error(), "37 maps of 6×6") {
		t.Errorf("3 maps of 6×6: %v", err)
	}
}
