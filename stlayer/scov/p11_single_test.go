package scov

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestP11SingleScaleSingleAngle: with NormP11, J = 1 and L = 1 every C11
// coefficient has j1 = j2 and l1 = l2 (identically 1 once normalised), so
// the flattened vectors hold no C11 entry at all. New accepts the
// configuration; the Prim assembly must then give the host vector
// (mean, log P00, log S1, C01, log P11) instead of failing on an empty
// channel selection (or panicking on an empty isotropic group list).
func TestP11SingleScaleSingleAngle(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := testutil.RandMaps(rng, 2, 16, 32)
	for i := range x.Data {
		x.Data[i] = math.Exp(x.Data[i])
	}
	op, err := New(Config{J: 1, L: 1, Normalization: NormP11}, 16, 32)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	raw, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := op.Results(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := op.NewRef(eng, x)
	if err != nil {
		t.Fatal(err)
	}
	for _, iso := range []bool{false, true} {
		for _, r := range []*Ref{nil, ref} {
			s, err := op.Synthesis(r, iso)
			if err != nil {
				t.Fatal(err)
			}
			var c interface{ Row(int) []complex128 }
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("iso=%t ref=%t: Forward panicked: %v", iso, r != nil, p)
					}
				}()
				cc, err := eng.Forward(s.Key(), s.Stat(), x)
				if err != nil {
					t.Fatalf("iso=%t ref=%t: %v", iso, r != nil, err)
				}
				if cc.K != op.NumSynthesis(iso) || cc.K != s.Labels().Len() {
					t.Fatalf("iso=%t: %d coefficients, want %d", iso, cc.K, op.NumSynthesis(iso))
				}
				c = cc
			}()
			if r != nil {
				continue
			}
			for b := range rs {
				want := rs[b].ForSynthesis
				if iso {
					want = rs[b].ForSynthesisIso
				}
				testutil.CompareScaled(t, "for_synthesis", c.Row(b), testutil.ToComplex(want), 1e-10, 1e-12)
			}
		}
	}
}
