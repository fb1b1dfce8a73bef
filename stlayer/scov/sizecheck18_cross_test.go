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

// CrossOp.Stat refuses inputs other than pairs of the operator's size
// stacked by rows ([B, 1, 2M, N]) with an *stlayer.ErrShape naming both.
func TestCrossStatRefusesOtherSize18(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	e := cpu.New()
	cop, err := NewCross(Config{J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Forward(cop.Key(), cop.Stat(), testutil.RandMaps(rng, 1, 32, 16)); err != nil {
		t.Fatalf("a 16x16 pair: %v", err)
	}
	for _, x := range []*stlayer.Maps{testutil.RandMaps(rng, 1, 16, 16), testutil.RandMaps(rng, 1, 64, 32), testutil.RandMaps(rng, 1, 16, 32)} {
		_, err := e.Forward(cop.Key(), cop.Stat(), x)
		var es *stlayer.ErrShape
		if !errors.As(err, &es) || !strings.Contains(err.Error(), "built for maps of 16x16 stacked by rows in pairs ([B,1,32,16])") {
			t.Errorf("%dx%d input: %v", x.M, x.N, err)
		}
	}
}
