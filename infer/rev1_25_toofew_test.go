package infer

import (
	"errors"
	"testing"
)

// TestRev1_25TooFewRowsBothLimits: with MaxRows below the P² + 1 one
// mixture component needs and maps that give fewer rows than that even
// uncapped, kcap25's up-front error said MaxRows capped the rows ("MaxRows
// 30 caps the training rows (8 here) below …: give MaxRows ≥ 37"), though
// those 8 rows were the maps' own and MaxRows 37 failed again. It names
// both limits now; MaxRows alone where the maps give enough.
func TestRev1_25TooFewRowsBothLimits(t *testing.T) {
	for _, c := range []struct {
		b, m, maxRows int
		want          string
	}{
		{1, 6, 30, "patch prior: MaxRows 30 is below the P² + 1 = 37 training rows one mixture component needs (it must hold P² = 36 rows), and the training maps (1 of 6×6) give 8 training rows (6×6 sub-patches at stride 4, with their 8 rotations and flips) even uncapped: give MaxRows ≥ 37 (PatchPriorOptions.MaxRows, --patch-prior-rows) and at least 5 maps of 6×6 or one map of 11×11"},
		{1, 64, 36, "patch prior: MaxRows 36 caps the training rows (36 here) below the P² + 1 = 37 one mixture component needs (it must hold P² = 36 rows): give MaxRows ≥ 37 (PatchPriorOptions.MaxRows, --patch-prior-rows)"},
	} {
		_, err := FitPatchPrior(kcap25Maps(t, 0, c.b, c.m, 1), PatchPriorOptions{MaxRows: c.maxRows})
		if err == nil || !errors.Is(err, ErrModelInput) || err.Error() != c.want {
			t.Errorf("%d of %d², MaxRows %d: %v\nwant %s", c.b, c.m, c.maxRows, err, c.want)
		}
	}
	// the inputs named work with MaxRows 37
	if pp, err := FitPatchPrior(kcap25Maps(t, 0, 5, 6, 1), PatchPriorOptions{MaxRows: 37}); err != nil || pp.KUsed != 1 {
		t.Errorf("5 of 6², MaxRows 37: %v", err)
	}
}
