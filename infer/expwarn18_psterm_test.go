package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestExpwarn18OuterCornerOp: NewPSOpOuterCorner on the CPU engine is the log
// of CornerPS's second ring (mean power over |k| ≥ 2^¼·min(M, N)/2) of a
// 32² and a 24×32 GRF map, to round-off; it has one coefficient and a key
// of its own, and none below 2².
func TestExpwarn18OuterCornerOp(t *testing.T) {
	eng := cpu.New()
	for _, sz := range [][2]int{{32, 32}, {24, 32}} {
		m, n := sz[0], sz[1]
		x, err := datasets.GaussianRandomField(m, n, -2, 7)
		if err != nil {
			t.Fatal(err)
		}
		mp := &stlayer.Maps{B: 1, M: m, N: n, Data: x}
		op := NewPSOpOuterCorner(m, n)
		if op.Labels().Len() != 1 {
			t.Fatalf("%d×%d: %d coefficients, want 1", m, n, op.Labels().Len())
		}
		co, err := eng.Forward(op.Key(), op.Stat(), mp)
		if err != nil {
			t.Fatal(err)
		}
		cp, ok := CornerPSCompare(mp, mp)
		if !ok {
			t.Fatal("CornerPSCompare refused the map")
		}
		if got, want := real(co.Data[0]), math.Log(cp.Synth[1]); math.Abs(got-want) > 1e-9 {
			t.Errorf("%d×%d: outer ring log power %.12g, CornerPS ring 2 %.12g", m, n, got, want)
		}
		if cp.Edges[1] != cornerRingEdge(m, n) {
			t.Errorf("%d×%d: ring edge %g, CornerPS %g", m, n, cornerRingEdge(m, n), cp.Edges[1])
		}
	}
	if NewPSOpOuterCorner(32, 32).Key() == NewPSOpCorner(32, 32).Key() || NewPSOpOuterCorner(32, 32).Key() == NewPSOp(32, 32).Key() {
		t.Error("the outer-ring operator shares a key with another PSOp")
	}
	if NewPSOpOuterCorner(1, 8).Labels().Len() != 0 {
		t.Error("a 1×8 map has an outer-ring coefficient")
	}
}
