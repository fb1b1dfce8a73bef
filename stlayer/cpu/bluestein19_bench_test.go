package cpu

import (
	"fmt"
	"testing"
)

// BenchmarkBluestein19FFT2 times one complex n×n forward FFT2 on one worker
// for survey-like sides: 500 = 2²·5³ (radices 4, 5), 501 = 3·167, 499
// (prime) and 997 (prime).
func BenchmarkBluestein19FFT2(b *testing.B) {
	for _, n := range []int{500, 501, 499, 997} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchFFT2(b, New(WithWorkers(1)), n) })
	}
}

// BenchmarkBluestein19Radix times the mixed-radix FFT of length n in column
// form over 16 columns (the row pass's transposed blocks), with the direct
// butterfly, with Bluestein for the prime radices > 5 or the whole length
// (planRadices' choice), and with Bluestein stages only, and reports
// the process's CPU time per transformed point (the machine is shared).
func BenchmarkBluestein19Radix(b *testing.B) {
	for _, n := range []int{7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 53, 67, 167, 499, 997, 334, 501, 998, 1002, 500} {
		for _, m := range []struct {
			name string
			min  int
		}{{"direct", 1 << 30}, {"bluestein", 7}, {"staged", -1}} {
			b.Run(fmt.Sprintf("%d/%s", n, m.name), func(b *testing.B) {
				const width = 16
				p := newMixedPlanWith(n, m.min)
				if m.min < 0 { // Bluestein stages, never the whole length
					p = newMixedPlanRadices(n, factorRadices(n), 7)
				}
				x := make([]complex128, n*width)
				for i := range x {
					x[i] = complex(float64(i%7), float64(i%5))
				}
				tmp := make([]complex128, n*width)
				b.ResetTimer()
				c0 := cpuSeconds()
				for range b.N {
					p.columns(x, width, width, false, 1.0/float64(n), tmp)
				}
				b.ReportMetric((cpuSeconds()-c0)*1e9/float64(b.N*n*width), "cpu-ns/point")
			})
		}
	}
}
