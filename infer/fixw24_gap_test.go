package infer

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// One tile between two populations of patches (means 0 and 1): its count
// beyond the 5–95 % range cannot fail the pixel-mean check, the gap rule
// does. The detail said "(1 tile(s) cannot fail this check); but in a
// gap …" beside the failure (rev2's review); it says the count cannot
// fail and the gap rule can. A single tile of the patches' population
// keeps the old words (cmd/stkit's demo reads CountCannotFail).
func TestFixw24GapDetailOneTile(t *testing.T) {
	const p = 16
	patches := samplecheck20Maps(48, p, 3, false, 0)
	for i := 24; i < 48; i++ {
		for j := range patches.Map(i) {
			patches.Map(i)[j] += 1
		}
	}
	for _, tc := range []struct {
		name string
		s    *stlayer.Maps
		gap  bool
	}{{"between", samplecheck20Maps(1, p, 4, false, 0.5), true}, {"same", samplecheck20Maps(1, p, 5, false, 0), false}} {
		vm, err := ValidateWith(patches, tc.s, ValidateOptions{Reference: patches})
		if err != nil {
			t.Fatal(err)
		}
		sc := newSampleChecks(vm, tc.s, patches, 0, map[string]any{})
		c := samplecheck20Check(t, sc, "pixel mean")
		if !c.CountCannotFail {
			t.Errorf("%s: CountCannotFail false with one tile: %+v", tc.name, c)
		}
		if tc.gap {
			if c.Pass || strings.Contains(c.Detail, "cannot fail this check") ||
				!strings.Contains(c.Detail, " of 1 above it (the count cannot fail with 1 tile(s); the gap rule can); but in a gap of the patches' values: 24 of the 48 patches lie below") &&
					!strings.Contains(c.Detail, " of 1 below it (the count cannot fail with 1 tile(s); the gap rule can); but in a gap of the patches' values: 24 of the 48 patches lie below") {
				t.Errorf("%s: detail %q (pass %v)", tc.name, c.Detail, c.Pass)
			}
			continue
		}
		if !c.Pass || !strings.HasSuffix(c.Detail, " (1 tile(s) cannot fail this check)") {
			t.Errorf("%s: detail %q (pass %v)", tc.name, c.Detail, c.Pass)
		}
	}
}
