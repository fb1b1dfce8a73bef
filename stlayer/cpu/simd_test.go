package cpu

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func randCx(rng *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return x
}

func maxDiff(a, b []complex128) float64 {
	m := 0.0
	for i := range a {
		m = max(m, cmplx.Abs(a[i]-b[i]))
	}
	return m
}

// withSIMD runs f with the vector kernels on and off (where available).
func withSIMD(t *testing.T, f func(t *testing.T)) {
	saved := useAVX2
	defer func() { useAVX2 = saved }()
	for _, on := range []bool{false, true} {
		if on && !saved {
			continue
		}
		useAVX2 = on
		name := "go"
		if on {
			name = "avx2"
		}
		t.Run(name, f)
	}
}

func TestR4KernelMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Log("no AVX2+FMA on this machine: only the Go kernel runs")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 8, 17, 64} {
		for _, inv := range []bool{false, true} {
			for _, sc := range []float64{1, 0.25} {
				a, b, c, d := randCx(rng, n), randCx(rng, n), randCx(rng, n), randCx(rng, n)
				w := randCx(rng, 3)
				ref := [][]complex128{append([]complex128(nil), a...), append([]complex128(nil), b...), append([]complex128(nil), c...), append([]complex128(nil), d...)}
				r4Go(ref[0], ref[1], ref[2], ref[3], w[0], w[1], w[2], inv, sc)
				r4(a, b, c, d, w[0], w[1], w[2], inv, sc)
				for i, got := range [][]complex128{a, b, c, d} {
					if e := maxDiff(got, ref[i]); e > 1e-14 || math.IsNaN(e) {
						t.Fatalf("n=%d inv=%v scale=%v output %d: max |Δ| = %g", n, inv, sc, i, e)
					}
				}
			}
		}
	}
}

func TestR4TwKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 4, 16, 33} {
		for _, inv := range []bool{false, true} {
			a, b, c, d := randCx(rng, n), randCx(rng, n), randCx(rng, n), randCx(rng, n)
			w1, w2, w3 := randCx(rng, n), randCx(rng, n), randCx(rng, n)
			ref := [][]complex128{append([]complex128(nil), a...), append([]complex128(nil), b...), append([]complex128(nil), c...), append([]complex128(nil), d...)}
			r4twGo(ref[0], ref[1], ref[2], ref[3], w1, w2, w3, inv)
			r4tw(a, b, c, d, w1, w2, w3, inv)
			for i, got := range [][]complex128{a, b, c, d} {
				if e := maxDiff(got, ref[i]); e > 1e-14 || math.IsNaN(e) {
					t.Fatalf("n=%d inv=%v output %d: max |Δ| = %g", n, inv, i, e)
				}
			}
		}
	}
}
