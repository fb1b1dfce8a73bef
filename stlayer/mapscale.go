package stlayer

import (
	"fmt"
	"math"
)

// SmallMap returns the first map b of x whose largest |value| amax is
// positive and below floor, and −1 when there is none or when x holds a
// NaN or ±Inf (left to the statistic). The engines refuse such maps
// (graph.MinMapScale, cpu.MinMapScale): their degree-2 moments underflow
// the engine's float type.
func SmallMap(x *Maps, floor float64) (b int, amax float64) {
	b = -1
	mn := x.M * x.N
	for i := 0; i < x.B; i++ {
		m := 0.0
		for _, v := range x.Data[i*mn : (i+1)*mn] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return -1, 0
			}
			m = max(m, math.Abs(v))
		}
		if b < 0 && m > 0 && m < floor {
			b, amax = i, m
		}
	}
	return b, amax
}

// ScaleUpHint returns "1eK", the power of ten that brings a (> 0) into
// [1, 10): the factor the engines' map-scale refusals suggest.
func ScaleUpHint(a float64) string {
	return fmt.Sprintf("1e%d", -int(math.Floor(math.Log10(a))))
}
