package stlayer_test

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Gather returns f itself for the identity and p.Channels otherwise (same
// values as Channels in both cases).
func TestGatherIdentity(t *testing.T) {
	x := stlayer.NewMaps(1, 4, 4)
	for i := range x.Data {
		x.Data[i] = float64(i)
	}
	var same, perm bool
	stat := func(p stlayer.Prim, f stlayer.Field) stlayer.Field {
		u := p.Concat(f, p.Scale(f, 2), p.Scale(f, 3))
		same = stlayer.Gather(p, u, []int{0, 1, 2}) == u
		g := stlayer.Gather(p, u, []int{2, 0})
		perm = g != u
		return p.Mean(g)
	}
	c, err := cpu.New().Forward("gather-test", stat, x)
	if err != nil {
		t.Fatal(err)
	}
	if !same || !perm {
		t.Errorf("identity returned f: %v; permutation gathered: %v", same, perm)
	}
	// mean of x is 7.5: channels (3x, x)
	if got := c.Row(0); real(got[0]) != 22.5 || real(got[1]) != 7.5 {
		t.Errorf("gathered means %v, want [22.5 7.5]", got)
	}
}
