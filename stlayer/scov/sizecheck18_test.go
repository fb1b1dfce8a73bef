package scov

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Op.Stat itself refuses maps of another size than the operator's with an
// *stlayer.ErrShape naming both sizes (the stats wrapper did, the raw
// operator failed inside its filter bank), for Forward and LossGrad, and
// the synthesis and spectra operators built on it inherit the check; maps
// of the right size still work.
func TestStatRefusesOtherSize18(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 1))
	e := cpu.New()
	op, err := New(Config{J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	good := testutil.RandMaps(rng, 1, 16, 16)
	ref, err := op.NewRef(e, good)
	if err != nil {
		t.Fatal(err)
	}
	syn, err := op.Synthesis(ref, true)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.Forward(op.Key(), op.Stat(), good); err != nil || c.K != op.NumRaw() {
		t.Fatalf("16x16 maps: %v (K %v, want %d)", err, c, op.NumRaw())
	}
	for _, x := range []*stlayer.Maps{testutil.RandMaps(rng, 1, 32, 32), testutil.RandMaps(rng, 2, 16, 32)} {
		for name, st := range map[string]stlayer.Stat{"raw": op.Stat(), "synthesis": syn.Stat()} {
			_, err := e.Forward(op.Key()+name, st, x)
			var es *stlayer.ErrShape
			if !errors.As(err, &es) {
				t.Fatalf("%s on %dx%d: err %v, want an *stlayer.ErrShape", name, x.M, x.N, err)
			}
			for _, want := range []string{"built for maps of 16x16", "one operator per map size"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s: %q lacks %q", name, err, want)
				}
			}
			_, _, err = e.LossGrad(op.Key()+name, st, x, stlayer.SumAbs2)
			if !errors.As(err, &es) || !strings.Contains(err.Error(), "built for maps of 16x16") {
				t.Errorf("%s LossGrad on %dx%d: %v", name, x.M, x.N, err)
			}
		}
	}
}
