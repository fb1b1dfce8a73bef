package scov

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Peers (timings.json, 2 cores): Cheng scattering_cov J7 L4 256² forward
// 0.229 s, iso loss+grad 0.635 s.

func benchOp(b *testing.B, J int) (*Op, *SynthOp) {
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

func BenchmarkForwardJ7L4(b *testing.B) {
	op, _ := benchOp(b, 7)
	x := loadMap(b, "dust256.npy")
	eng := cpu.New()
	b.ResetTimer()
	for b.Loop() {
		if _, err := eng.Forward(op.Key(), op.Stat(), x); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsoLossGradJ7L4(b *testing.B) {
	_, s := benchOp(b, 7)
	x := loadMap(b, "dust256.npy")
	eng := cpu.New()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := eng.LossGrad(s.Key(), s.Stat(), x, sumSquares); err != nil {
			b.Fatal(err)
		}
	}
}
