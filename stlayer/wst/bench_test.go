package wst

import (
	"testing"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Peers on a 2-core machine (shared/reference/timings.json): Cheng
// scattering_coef J6 L4 256² 0.115 s forward, 0.241 s forward+backward;
// Kymatio Scattering2D J6 L8 256² 0.58 s forward, 1.5 s forward+backward.

func benchWST(b *testing.B, cfg Config, grad bool) {
	x := testutil.Dust256(b)
	op, err := New(cfg, 256, 256)
	if err != nil {
		b.Fatal(err)
	}
	e := cpu.New()
	s := op.Stat()
	if _, err := e.Forward(op.Key(), s, x); err != nil { // warm-up: plan, pool
		b.Fatal(err)
	}
	c0 := cpuTime()
	n := 0
	defer func() { b.ReportMetric(cpuTime()/float64(max(n, 1))-c0/float64(max(n, 1)), "cpu-s/op") }()
	b.ResetTimer()
	for b.Loop() {
		n++
		if grad {
			if _, _, err := e.LossGrad(op.Key(), s, x, testutil.SumAbs2); err != nil {
				b.Fatal(err)
			}
		} else if _, err := e.Forward(op.Key(), s, x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChengJ6L4Forward(b *testing.B)   { benchWST(b, Config{J: 6, L: 4}, false) }
func BenchmarkChengJ6L4FwdBwd(b *testing.B)    { benchWST(b, Config{J: 6, L: 4}, true) }
func BenchmarkKymatioJ6L8Forward(b *testing.B) { benchWST(b, Config{J: 6, L: 8, Local: true}, false) }
func BenchmarkKymatioJ6L8FwdBwd(b *testing.B)  { benchWST(b, Config{J: 6, L: 8, Local: true}, true) }

func BenchmarkNewChengJ6L4(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{J: 6, L: 4}, 256, 256); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime returns the process's user+system CPU seconds (the machine is
// shared: CPU time per op is steadier than wall time).
func cpuTime() float64 {
	return bench.CPUTime().Seconds()
}
