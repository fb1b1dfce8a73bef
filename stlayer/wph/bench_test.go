package wph

import (
	"testing"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

func benchOp(b *testing.B, exact bool, margin int, grad bool) {
	x := testutil.Dust256(b)
	cfg := DefaultConfig()
	cfg.Subsample, cfg.Margin = !exact, margin
	op, err := New(cfg, 256, 256)
	if err != nil {
		b.Fatal(err)
	}
	e := cpu.New()
	if _, err := op.Forward(e, x); err != nil { // warm-up (filters)
		b.Fatal(err)
	}
	b.ResetTimer()
	c0 := cpuTime()
	defer func() { b.ReportMetric((cpuTime()-c0)/float64(b.N), "cpu-s/op") }()
	for i := 0; i < b.N; i++ {
		if grad {
			if _, _, err := e.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2); err != nil {
				b.Fatal(err)
			}
		} else if _, err := op.Forward(e, x); err != nil {
			b.Fatal(err)
		}
	}
}

// J=6, L=4, dn=0 on dust256 (PyWPH: 1.80 s forward, 5.47 s forward+backward
// on this kind of machine, timings.json).
func BenchmarkForward(b *testing.B)           { benchOp(b, true, 0, false) }
func BenchmarkForwardSubsample2(b *testing.B) { benchOp(b, false, 2, false) }
func BenchmarkLossGrad(b *testing.B)          { benchOp(b, true, 0, true) }
func BenchmarkLossGradSubsample2(b *testing.B) {
	benchOp(b, false, 2, true)
}

// cpuTime returns the user+system CPU seconds used by the process (the
// machine is shared: CPU time per op is the stable number, wall time per op
// depends on the load).
func cpuTime() float64 {
	return bench.CPUTime().Seconds()
}
