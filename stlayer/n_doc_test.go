package stlayer_test

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestNewMapsNegativeSizes: NewMaps's doc says it panics for negative sizes,
// like make; with two negative sizes the product was positive and it
// returned a batch with B = −1, M = −2 instead.
func TestNewMapsNegativeSizes(t *testing.T) {
	for _, s := range [][3]int{{-1, 2, 3}, {-1, -2, 3}, {1, -2, -3}, {-1, -1, -1}, {2, 2, -4}} {
		func() {
			defer func() {
				r := recover()
				if m, ok := r.(string); !ok || !strings.Contains(m, "negative size") {
					t.Errorf("NewMaps%v: recovered %v, want a panic naming the negative size", s, r)
				}
			}()
			stlayer.NewMaps(s[0], s[1], s[2])
		}()
	}
	if x := stlayer.NewMaps(0, 3, 3); len(x.Data) != 0 || x.Check() == nil {
		t.Errorf("NewMaps(0, 3, 3): %d values, Check %v", len(x.Data), x.Check())
	}
	if x := stlayer.NewMaps(2, 3, 4); len(x.Data) != 24 || x.Check() != nil {
		t.Errorf("NewMaps(2, 3, 4): %d values, Check %v", len(x.Data), x.Check())
	}
}
