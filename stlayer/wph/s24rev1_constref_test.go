package wph

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestRev1ZeroRefWords: 1498bcc (stlayer.ConstantWords, ConstantPixels)
// changed four of checkConstantRef's messages for a reference of zeros,
// but its test pinned one (TestFixb23CrossConstantRef, the second map of
// one pair): the lone map, every map of a batch, and every first or
// second map of several pairs said "constant (every pixel 0)" and
// "(map 0: every pixel 0)" and now say "identically zero"; -0 is worded
// as 0. Fails on the code before 1498bcc.
func TestRev1ZeroRefWords(t *testing.T) {
	const M = 8
	fill := func(b, rows int, vals ...float64) *stlayer.Maps {
		x := stlayer.NewMaps(b, rows, M)
		for i := range x.Data {
			x.Data[i] = vals[(i/(M*M))%len(vals)]
		}
		return x
	}
	negz := math.Copysign(0, -1)
	for _, c := range []struct {
		name  string
		x     *stlayer.Maps
		cross bool
		want  string
	}{
		{"one map of 0", fill(1, M, 0), false, "wph: NormAuto reference maps: the map is identically zero: "},
		{"one map of -0", fill(1, M, negz), false, "wph: NormAuto reference maps: the map is identically zero: "},
		{"two maps, map 0 of 0", fill(2, M, 0, 0.5), false, "wph: NormAuto reference maps: every map of the 2 is constant (map 0: identically zero): "},
		{"two pairs, first maps of 0", fill(2, 2*M, 0, 0.5), true, "wph: NormAuto reference maps: every first map (x1) of the 2 pairs is constant (pair 0: identically zero): "},
	} {
		err := checkConstantRef(c.x, c.cross, false)
		if err == nil || !errors.Is(err, ErrConstantRef) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant it to start %q", c.name, err, c.want)
		}
	}
}
