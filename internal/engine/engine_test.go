package engine

import (
	"fmt"
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func TestChoice(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	for _, tc := range []struct{ name, want string }{{"auto", "cpu"}, {"cpu", "cpu"}, {"graph", "graph"}} {
		c, err := New(tc.name, "go")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Name != tc.want {
			t.Errorf("%s: got %s (%s), want %s", tc.name, c.Name, c.Description, tc.want)
		}
	}
	if _, err := New("fpga", ""); err == nil {
		t.Error("unknown engine accepted")
	}
}

// Both engines give the same coefficients and gradients on every family (small
// maps). The graph engine runs on the process's backend ($GOMLX_BACKEND, else
// a PJRT plugin found on disk, else pure Go): with GOMLX_BACKEND=xla:... this
// is the parity test of the XLA path (native FFT).
func TestEnginesAgree(t *testing.T) {
	cpuE, _ := New("cpu", "")
	grE, err := New("graph", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("graph engine: %s", grE.Description)
	x := stlayer.NewMaps(2, 32, 32)
	for i := range x.Data {
		x.Data[i] = math.Exp(0.7*math.Sin(0.37*float64(i)) + 0.3*math.Cos(0.11*float64(i*i%97)))
	}
	specs := []stats.Spec{
		{Kind: stats.WST, J: 3, L: 4},
		{Kind: stats.WST, J: 2, L: 4, Local: true},
		{Kind: stats.SCov, J: 3, L: 4},
		{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true},
		{Kind: stats.WPH, J: 3, L: 4},
		{Kind: stats.WPH, J: 3, L: 4, Norm: "auto"},
	}
	for _, sp := range specs {
		op, err := stats.BuildWithRef(sp, cpuE.Engine, x)
		if err != nil {
			t.Fatalf("%v: %v", sp, err)
		}
		a, err := cpuE.Engine.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		b, err := grE.Engine.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatalf("%v graph: %v", sp, err)
		}
		scale := 0.0
		for _, v := range a.Data {
			scale = math.Max(scale, math.Hypot(real(v), imag(v)))
		}
		worst := 0.0
		for i := range a.Data {
			d := a.Data[i] - b.Data[i]
			rel := math.Hypot(real(d), imag(d)) / (math.Hypot(real(a.Data[i]), imag(a.Data[i])) + 1e-3*scale)
			worst = math.Max(worst, rel)
		}
		if worst > 1e-4 {
			t.Errorf("%v: engines differ by %.2g (relative, floor 1e-3 of the largest)", sp, worst)
		}
		// One map per call (a graph compiled for batch 1) gives the rows of
		// the batch-2 graph.
		bc, err := stlayer.ForwardChunked(grE.Engine, op.Key(), op.Stat(), x, 1, nil)
		if err != nil {
			t.Fatalf("%v graph, chunked: %v", sp, err)
		}
		testutil.CompareScaled(t, fmt.Sprintf("%v graph chunked", sp), bc.Data, b.Data, 1e-5, 1e-6)
		_, ga, err := cpuE.Engine.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		_, gb, err := grE.Engine.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
		if err != nil {
			t.Fatal(err)
		}
		gmax := 0.0
		for _, v := range ga {
			gmax = math.Max(gmax, math.Abs(v))
		}
		for i := range ga {
			if math.Abs(ga[i]-gb[i]) > 1e-4*gmax {
				t.Errorf("%v: gradient differs at %d: %g vs %g (max %g)", sp, i, ga[i], gb[i], gmax)
				break
			}
		}
	}
}
