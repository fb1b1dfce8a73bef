package graph

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// Maps holding a finite value beyond float32's largest (1e39) are +Inf once
// rounded to float32 on the way in; the ErrFloat32Range error blamed
// "|z|² of a value |z| above ~1.8e19" even for a statistic that squares
// nothing (the mean of x). It now says the maps hold values beyond ~3.4e38;
// maps of 1e20 (finite in float32, |z|² overflows) keep the |z|² wording.
func TestFloat32RangeMapsBeyondFloat32(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	power := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(x, 2)) }
	for _, c := range []struct {
		name  string
		v     float64
		stat  stlayer.Stat
		frag  string
		avoid string
	}{
		{"mean of 1e39", 1e39, mean, "values beyond float32's largest, ~3.4e38, which are ±Inf once rounded to float32 on the way in", "|z|²"},
		{"power of 1e20", 1e20, power, "|z|² of a value |z| above ~1.8e19 is +Inf", "on the way in"},
	} {
		x := stlayer.NewMaps(1, 4, 4)
		for i := range x.Data {
			x.Data[i] = c.v * float64(i%3-1)
		}
		_, err := e.Forward(c.name, c.stat, x)
		if !errors.Is(err, ErrFloat32Range) {
			t.Fatalf("%s: error %v, want ErrFloat32Range", c.name, err)
		}
		if !strings.Contains(err.Error(), c.frag) || strings.Contains(err.Error(), c.avoid) {
			t.Errorf("%s: error %q; want it to say %q and not %q", c.name, err, c.frag, c.avoid)
		}
	}
}
