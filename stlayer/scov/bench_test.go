package scov

import (
	"testing"
	"time"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Peers (timings.json, 2 cores): Cheng scattering_cov J7 L4 256² forward
// 0.229 s, iso loss+grad 0.635 s.

func benchOp(b testing.TB, J int) (*Op, *SynthOp) {
	x := loadMap(b, "dust256.npy")
	op, err := New(Config{J: J, L: 4}, 256, 256)
	if err != nil {
		b.Fatal(err)
	}
	ref, err := op.NewRef(cpu.New(), x)
	if err != nil {
		b.Fatal(err)
	}
	s, err := op.SynthesisIso(ref)
	if err != nil {
		b.Fatal(err)
	}
	return op, s
}

// cpuTime returns the process's user+system CPU time (the machine is shared,
// so the benchmarks also report CPU seconds per operation, less sensitive to
// contention than wall time).
func cpuTime() time.Duration {
	return bench.CPUTime()
}

func BenchmarkForwardJ7L4(b *testing.B) {
	op, _ := benchOp(b, 7)
	x := loadMap(b, "dust256.npy")
	eng := cpu.New()
	c0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := eng.Forward(op.Key(), op.Stat(), x); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(n), "cpu-s/op")
}

func BenchmarkIsoLossGradJ7L4(b *testing.B) {
	_, s := benchOp(b, 7)
	x := loadMap(b, "dust256.npy")
	eng := cpu.New()
	c0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, _, err := eng.LossGrad(s.Key(), s.Stat(), x, stlayer.SumRe2); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(n), "cpu-s/op")
}
