package cpu

import "math"

// UseDirectFFT19 makes e's FFT of length n the mixed-radix plan without
// Bluestein stages (the direct O(r²) butterfly for every prime radix > 5),
// the plan before session 19: package cpu_test compares statistics with it.
func UseDirectFFT19(e *Engine, n int) {
	e.planMu.Lock()
	e.mixed[n] = newMixedPlanWith(n, math.MaxInt)
	e.planMu.Unlock()
}
