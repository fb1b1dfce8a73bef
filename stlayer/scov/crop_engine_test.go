package scov

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/graph"
)

// The two engines agree on the non-periodic statistic (raw auto and cross
// moments, the isotropic synthesis vector): coefficients to 1e-5 relative
// (floor 1e-6 of the largest; the graph engine computes in float32 on some
// backends), gradients of Σ|Φ|² to 1e-4 of the largest |gradient|.
func TestCropEnginesAgree(t *testing.T) {
	cpuE := cpu.New()
	grE := graph.New(gomlxtest.Backend(t))
	x := cropTestMaps(41, 2, 32, 32)
	pair := cropTestMaps(42, 2, 64, 32)
	cfg := Config{J: 3, L: 4, NonPeriodic: true}
	op, err := New(cfg, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	cop, err := NewCross(cfg, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	so, err := op.Synthesis(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, key string
		s         stlayer.Stat
		x         *stlayer.Maps
	}{{"raw", op.Key(), op.Stat(), x}, {"cross", cop.Key(), cop.Stat(), pair}, {"iso synthesis", so.Key(), so.Stat(), x}} {
		a, err := cpuE.Forward(c.key, c.s, c.x)
		if err != nil {
			t.Fatal(err)
		}
		b, err := grE.Forward(c.key, c.s, c.x)
		if err != nil {
			t.Fatalf("%s graph: %v", c.name, err)
		}
		w := testutil.CompareScaled(t, c.name, b.Data, a.Data, 1e-5, 1e-6)
		_, ga, err := cpuE.LossGrad(c.key, c.s, c.x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		_, gb, err := grE.LossGrad(c.key, c.s, c.x, stlayer.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		gmax, worst := 0.0, 0.0
		for _, v := range ga {
			gmax = math.Max(gmax, math.Abs(v))
		}
		for i := range ga {
			worst = math.Max(worst, math.Abs(ga[i]-gb[i])/gmax)
		}
		t.Logf("%s: coefficients worst relative difference %.2e; gradient worst difference %.2e of the largest", c.name, w, worst)
		if worst > 1e-4 {
			t.Errorf("%s: gradients differ by %.2e of the largest", c.name, worst)
		}
	}
}
