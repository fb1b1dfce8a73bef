package filters

import (
	"math"
	"testing"
)

// Uncached builds (the constructors cache, so the benchmarks call the builders).

func BenchmarkMorletCheng256J6L4(b *testing.B) {
	for i := 0; i < b.N; i++ {
		morletBank(256, 256, 4, -1, 0, math.Pi, true, seq(0, 24), 256, 256, "bench")
	}
}

func BenchmarkMorletKymatio384J6L8(b *testing.B) {
	for i := 0; i < b.N; i++ {
		morletBank(384, 384, 8, -2, 2, kymatioPi, false, seq(0, 48), 384, 384, "bench")
	}
}

func BenchmarkBumpSteerable256J6L4(b *testing.B) {
	for i := 0; i < b.N; i++ {
		bumpBank(256, 256, 6, 4, 4, "bench")
	}
}
