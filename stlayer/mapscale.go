package stlayer

import (
	"fmt"
	"math"
)

// SmallMap returns the first map b of x whose largest |value| amax is
// positive and below floor, and −1 when there is none or when x holds a
// NaN or ±Inf (ScanMaps gives its index; the engines refuse it first, with
// an error matching ErrNonFinite). The engines refuse such maps
// (graph.MinMapScale, cpu.MinMapScale): their degree-2 moments underflow
// the engine's float type.
func SmallMap(x *Maps, floor float64) (b int, amax float64) {
	_, b, amax = ScanMaps(x, floor)
	return b, amax
}

// ScaleUpHint returns "1eK", the power of ten that brings a (> 0) into
// [1, 10): the factor the engines' map-scale refusals suggest.
func ScaleUpHint(a float64) string {
	return fmt.Sprintf("1e%d", -int(math.Floor(math.Log10(a))))
}
