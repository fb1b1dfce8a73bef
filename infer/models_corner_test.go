package infer

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// cornerLogStats: a white-noise patch of variance σ² has corner power σ² (the
// IsoPowerSpectrum convention), so the mean log is ≈ log σ²; the std is over
// the patches.
func TestCornerLogStats(t *testing.T) {
	var maps [][]float64
	for i := 0; i < 8; i++ {
		maps = append(maps, randMaps(1, 32, 32, uint64(40+i), 2, 0).Data) // Gaussian white noise, σ = 2
	}
	_, sd, _, _ := Moments(maps[0])
	got := cornerLogStats(maps, 32)
	if len(got) != 2 || math.Abs(got[0]-math.Log(sd*sd)) > 0.15 || !(got[1] > 0 && got[1] < 0.2) {
		t.Errorf("white noise of variance %.3f: corner log stats %v, want ≈ [%.3f, small]", sd*sd, got, math.Log(sd*sd))
	}
	if cornerLogStats(nil, 32) != nil {
		t.Error("no maps: want nil")
	}
}

// Exported models carry ps_corner_log (read back as written); sampling then
// matches the corner power too (one more PS target), and models without the
// member (exported before it) still load and sample with the bins only.
func TestSampleCornerPower(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	k := compOf[1]
	c := ms.Components[k]
	if len(c.PSCornerLog) != 2 {
		t.Fatalf("exported component: ps_corner_log %v", c.PSCornerLog)
	}
	dir := filepath.Join(t.TempDir(), "m")
	if err := ms.Write(dir); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Components[k].PSCornerLog; len(got) != 2 || got[0] != c.PSCornerLog[0] || got[1] != c.PSCornerLog[1] {
		t.Errorf("round trip: %v, wrote %v", got, c.PSCornerLog)
	}
	res, err := SampleComponent(context.Background(), eng, ms, k, SampleOptions{N: 2, Seed: 4, SynthConfig: SynthConfig{Steps: 80}})
	if err != nil {
		t.Fatal(err)
	}
	nb := len(c.PS)
	op := NewPSOpCorner(32, 32)
	for b, lp := range res.PSTargets {
		if len(lp) != nb+1 {
			t.Fatalf("map %d: %d PS targets, want %d bins + the corner", b, len(lp), nb)
		}
		co, err := eng.Forward(op.Key(), op.Stat(), &stlayer.Maps{B: 1, M: 32, N: 32, Data: res.Maps.Map(b)})
		if err != nil {
			t.Fatal(err)
		}
		if got := real(co.Data[nb]); math.Abs(got-lp[nb]) > 0.3 {
			t.Errorf("map %d: log corner power %.3f, target %.3f", b, got, lp[nb])
		}
	}
	// A model without the member: the bins only.
	old := *c
	old.PSCornerLog = nil
	ms2 := &ModelSet{Dir: ms.Dir, Manifest: ms.Manifest, Components: append([]*ComponentModel(nil), ms.Components...)}
	ms2.Components[k] = &old
	r2, err := SampleComponent(context.Background(), eng, ms2, k, SampleOptions{N: 1, Seed: 4, SynthConfig: SynthConfig{Steps: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.PSTargets[0]) != nb {
		t.Errorf("without ps_corner_log: %d PS targets, want %d", len(r2.PSTargets[0]), nb)
	}
}
