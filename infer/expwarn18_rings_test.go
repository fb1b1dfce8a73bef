package infer

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestExpwarn18SampleCornerRings: export stores ps_corner_rings, the mean
// and std of the log power of the corner's two rings over the cluster's
// 32² patches (ring 1's equal to NewPSOpOuterCorner on each patch), which
// survive Write/LoadModels; SampleComponent then matches each map's
// outer-ring log power to ring 1's mean shifted as the corner (the corner
// target minus ps_corner_log's mean) and the samples reach it (within
// 0.3, as TestSampleCornerPower's corner). A model without the member has
// no outer-ring term.
func TestExpwarn18SampleCornerRings(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	k := compOf[1]
	c := ms.Components[k]
	const p = 32
	if len(c.PSCornerRings) != 4 {
		t.Fatalf("exported component: ps_corner_rings %v", c.PSCornerRings)
	}
	pt, err := ms.ClusterPatches(k, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	op := NewPSOpOuterCorner(p, p)
	var s, s2 float64
	for b := 0; b < pt.B; b++ {
		co, err := eng.Forward(op.Key(), op.Stat(), &stlayer.Maps{B: 1, M: p, N: p, Data: pt.Map(b)})
		if err != nil {
			t.Fatal(err)
		}
		l := real(co.Data[0])
		s, s2 = s+l, s2+l*l
	}
	n := float64(pt.B)
	m, sd := s/n, math.Sqrt((s2/n-s*s/n/n)*n/(n-1))
	if math.Abs(c.PSCornerRings[2]-m) > 1e-9 || math.Abs(c.PSCornerRings[3]-sd) > 1e-6 {
		t.Errorf("ring 1: stored %v, patches mean %g std %g", c.PSCornerRings[2:], m, sd)
	}
	dir := filepath.Join(t.TempDir(), "m")
	if err := ms.Write(dir); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range back.Components[k].PSCornerRings {
		if v != c.PSCornerRings[i] {
			t.Fatalf("round trip: %v, wrote %v", back.Components[k].PSCornerRings, c.PSCornerRings)
		}
	}
	res, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: 2, Seed: 4, OuterRing: true, SynthConfig: SynthConfig{Steps: 80}})
	if err != nil {
		t.Fatal(err)
	}
	nb := len(c.PS)
	if len(res.PSOuterTargets) != 2 {
		t.Fatalf("%d outer-ring targets, want 2", len(res.PSOuterTargets))
	}
	for b, lp := range res.PSTargets {
		want := c.PSCornerRings[2] + lp[nb] - c.PSCornerLog[0]
		if math.Abs(res.PSOuterTargets[b]-want) > 1e-12 {
			t.Errorf("map %d: outer target %g, want %g", b, res.PSOuterTargets[b], want)
		}
		co, err := eng.Forward(op.Key(), op.Stat(), &stlayer.Maps{B: 1, M: p, N: p, Data: res.Maps.Map(b)})
		if err != nil {
			t.Fatal(err)
		}
		if got := real(co.Data[0]); math.Abs(got-res.PSOuterTargets[b]) > 0.3 {
			t.Errorf("map %d: outer-ring log power %.3f, target %.3f", b, got, res.PSOuterTargets[b])
		}
	}
	old := *c
	old.PSCornerRings = nil
	ms2 := &ModelSet{Dir: ms.Dir, Manifest: ms.Manifest, Components: append([]*ComponentModel(nil), ms.Components...)}
	ms2.Components[k] = &old
	r2, err := SampleComponent(context.Background(), eng, ms2, k, SampleOptions{N: 1, Seed: 4, OuterRing: true, SynthConfig: SynthConfig{Steps: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if r2.PSOuterTargets != nil {
		t.Errorf("without ps_corner_rings: outer targets %v", r2.PSOuterTargets)
	}
	// Off by default (it competes with the statistic term).
	r3, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: 1, Seed: 4, SynthConfig: SynthConfig{Steps: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if r3.PSOuterTargets != nil {
		t.Errorf("OuterRing unset: outer targets %v", r3.PSOuterTargets)
	}
}
