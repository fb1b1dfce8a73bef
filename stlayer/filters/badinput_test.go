package filters

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// panics runs f and returns its panic message ("" when it returned).
func panics(f func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprint(p)
		}
	}()
	f()
	return ""
}

// The constructors panic (programming errors, documented) with a message
// naming the constructor, before allocating a runaway bank or caching a
// half-built one: the same valid call afterwards still works.
func TestConstructorsRefuseBadArguments(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"MorletCheng M=0", func() { MorletCheng(0, 16, 2, 4) }},
		{"MorletCheng J=0", func() { MorletCheng(16, 16, 0, 4) }},
		{"MorletCheng L<0", func() { MorletCheng(16, 16, 2, -1) }},
		{"MorletCheng J=100", func() { MorletCheng(16, 16, 100, 4) }},
		{"MorletCheng huge bank", func() { MorletCheng(1<<16, 1<<16, 2, 4) }},
		{"MorletCheng L overflow", func() { MorletCheng(16, 16, 2, math.MaxInt/2) }},
		{"MorletChengBand j<0", func() { MorletChengBand(16, 16, -1, 4, 16, 16) }},
		{"MorletChengBand j huge", func() { MorletChengBand(16, 16, 1<<40, 4, 16, 16) }},
		{"MorletChengBand L=0", func() { MorletChengBand(16, 16, 1, 0, 16, 16) }},
		{"MorletChengBand N=0", func() { MorletChengBand(16, 0, 1, 4, 16, 1) }},
		{"MorletChengBand crop too large", func() { MorletChengBand(16, 16, 1, 4, 16, 17) }},
		{"MorletChengBand crop zero", func() { MorletChengBand(16, 16, 1, 4, 0, 8) }},
		{"MorletChengBand huge bank", func() { MorletChengBand(64, 64, 1, 1<<30, 64, 64) }},
		{"MorletKymatio J=64", func() { MorletKymatio(16, 16, 64, 4) }},
		{"MorletKymatio huge bank", func() { MorletKymatio(1<<15, 1<<15, 8, 8) }},
		{"BumpSteerable J=63", func() { BumpSteerable(16, 16, 63, 4) }},
		{"BumpSteerable N<0", func() { BumpSteerable(16, -16, 2, 4) }},
		{"BumpSteerable huge L", func() { BumpSteerable(64, 64, 2, 1<<30) }},
		{"BumpSteerableBand j<0", func() { BumpSteerableBand(16, 16, -1, 4, 16, 16) }},
		{"BumpSteerableBand j huge", func() { BumpSteerableBand(16, 16, 1<<40, 4, 16, 16) }},
		{"BumpSteerableBand L=0", func() { BumpSteerableBand(16, 16, 1, 0, 16, 16) }},
		{"BumpSteerableBand M=0", func() { BumpSteerableBand(0, 16, 1, 4, 1, 16) }},
		{"BumpSteerableBand crop too large", func() { BumpSteerableBand(16, 16, 1, 4, 32, 16) }},
		{"BumpSteerableBand crop zero", func() { BumpSteerableBand(16, 16, 1, 4, 8, 0) }},
		{"BumpSteerableBand huge bank", func() { BumpSteerableBand(64, 64, 1, 1<<30, 64, 64) }},
		{"BumpSteerableFull huge bank", func() { BumpSteerableFull(1<<14, 1<<14, 8, 8) }},
		{"GaussianPyWPH empty", func() { GaussianPyWPH(16, 16, nil) }},
		{"GaussianPyWPH j=-2000", func() { GaussianPyWPH(16, 16, []int{-2000}) }},
		{"GaussianPyWPH j=70", func() { GaussianPyWPH(16, 16, []int{0, 70}) }},
		{"Crops J<0", func() { Crops(16, 16, -1) }},
		{"Crops J huge", func() { Crops(16, 16, 1<<40) }},
		{"Cropped nil", func() { Cropped(nil, 4, 4) }},
		{"Cropped too large", func() { Cropped(MorletCheng(16, 16, 1, 1), 32, 4) }},
		{"Cropped zero", func() { Cropped(MorletCheng(16, 16, 1, 1), 0, 4) }},
		{"Subset nil", func() { Subset(nil, []int{0}) }},
		{"Subset empty", func() { Subset(MorletCheng(16, 16, 1, 1), nil) }},
		{"Subset out of range", func() { Subset(MorletCheng(16, 16, 1, 1), []int{1}) }},
	} {
		fn := strings.Fields(c.name)[0]
		done := make(chan string, 1)
		go func() { done <- panics(c.f) }()
		msg := <-done
		if msg == "" {
			t.Errorf("%s: no panic", c.name)
		} else if !strings.Contains(msg, "filters."+fn) {
			t.Errorf("%s: panic %q does not name filters.%s", c.name, msg, fn)
		}
	}
	// A refused Gaussian scale did not poison the cache.
	g := GaussianPyWPH(16, 16, []int{-1, 0})
	for _, v := range g.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatal("Gaussian filter not finite")
		}
	}
	for _, j := range []int{MinGaussianJ, MaxJ} {
		for _, v := range GaussianPyWPH(16, 16, []int{j}).Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("GaussianPyWPH j=%d: not finite", j)
			}
		}
	}
}

// CheckBank refuses what the constructors would refuse, with an ErrShape.
func TestCheckBank(t *testing.T) {
	for _, c := range [][3]int{{0, 16, 16}, {4, -1, 16}, {1 << 20, 1 << 10, 1 << 10}, {4, 1 << 40, 1 << 40}} {
		err := testutil.Refused(t, fmt.Sprint("CheckBank", c), func() error { return CheckBank(c[0], c[1], c[2]) }, "bank")
		if _, ok := err.(*stlayer.ErrShape); err != nil && !ok {
			t.Errorf("CheckBank%v: %T, want *stlayer.ErrShape", c, err)
		}
	}
	if err := CheckBank(24, 256, 256); err != nil {
		t.Errorf("CheckBank(24, 256, 256): %v", err)
	}
}
