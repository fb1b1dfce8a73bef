package stats

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Forward returns the coefficients of one Forward call on the maps and the
// operator's labels, one per row; it refuses a nil engine or operator, maps
// of another size, and NaN or UNSEEN pixels before evaluating anything.
func TestForwardCoeffsAndLabels18(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	eng := cpu.New()
	x := testutil.RandMaps(rng, 2, 32, 32)
	for _, spec := range []Spec{{Kind: WST, J: 3}, {Kind: SCov, J: 3, Iso: true}, {Kind: WPH, J: 3}} {
		op, err := BuildWithRef(spec, eng, x)
		if err != nil {
			t.Fatal(err)
		}
		c, lab, err := Forward(eng, op, x)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		want, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		if c.B != 2 || c.K != want.K || lab.Len() != c.K || lab != op.Labels() {
			t.Fatalf("%s: [%d, %d] with %d labels, want [2, %d] and op.Labels()", spec, c.B, c.K, lab.Len(), want.K)
		}
		for i, v := range c.Data {
			if v != want.Data[i] {
				t.Fatalf("%s: coefficient %d is %v, eng.Forward gives %v", spec, i, v, want.Data[i])
			}
		}
	}
	op, err := Build(Spec{Kind: WST, J: 3}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	nan := testutil.RandMaps(rng, 1, 32, 32)
	nan.Data[33] = math.NaN()
	unseen := testutil.RandMaps(rng, 1, 32, 32)
	unseen.Data[5] = -1.6375e30
	for _, c := range []struct {
		name string
		eng  stlayer.Engine
		op   Op
		x    *stlayer.Maps
		want string
	}{
		{"nil engine", nil, op, x, "no engine"},
		{"nil op", eng, nil, x, "BuildWithRef"},
		{"nil maps", eng, op, nil, "nil"},
		{"other size", eng, op, testutil.RandMaps(rng, 1, 64, 64), "built for maps of 32×32, the maps are 64×64"},
		{"NaN", eng, op, nan, "NaN"},
		{"UNSEEN", eng, op, unseen, "UNSEEN"},
	} {
		cs, lab, err := Forward(c.eng, c.op, c.x)
		if err == nil || !strings.Contains(err.Error(), c.want) || cs != nil || lab != nil {
			t.Errorf("%s: err %v (want one containing %q), coefficients %v", c.name, err, c.want, cs != nil)
		}
	}
}
