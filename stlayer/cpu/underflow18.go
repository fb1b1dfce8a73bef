package cpu

import (
	"errors"
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// MinMapScale is the smallest largest |value| of a map that Forward and
// LossGrad accept (zero maps excepted): 10⁴·√(2⁻¹⁰²²) = 10⁴·2⁻⁵¹¹ ≈
// 1.49e-150, where 2⁻¹⁰²² ≈ 2.2e-308 is float64's smallest normal number —
// the same rule as the graph engine's float32 floor (graph.MinMapScale).
//
// The statistics' degree-2 quantities (|x⋆ψ|², P00, C01, C11, WPH moments)
// are of order max|x|², and their intermediate values several decades
// below it: below 2⁻¹⁰²² float64 loses precision (subnormal numbers) and
// below ~4.9e-324 they become 0, giving finite but wrong or zero
// coefficients. Measured on a 32² Gaussian map (scov, WPH, WST J = 4,
// L = 4) scaled by powers of two, against the map at scale 1 times the
// coefficient's degree: bit for bit down to 2⁻⁴⁹⁸ ≈ 1.2e-150, 9e-9
// relative at 2⁻⁵¹⁵ ≈ 9.3e-156, zero coefficients (C01, C11) at 2⁻⁵³¹ ≈
// 1.4e-160. Statistics of degree above 2 can still underflow above the
// floor; the engine does not rescale the maps itself because a Stat does
// not declare its degree of homogeneity (see graph.MinMapScale).
const MinMapScale = 1e4 * 0x1p-511

// ErrFloat64Range is wrapped by the error Forward and LossGrad return for
// maps whose largest |value| is positive and below MinMapScale.
var ErrFloat64Range = errors.New("maps outside the cpu engine's float64 range")

// checkMapScale returns an error wrapping ErrFloat64Range when the largest
// |value| of a map of x is positive and below MinMapScale (each map's
// statistics are its own); nil when every map is zero or reaches the
// floor. The error names the map and gives the power of ten that brings
// its largest |value| into [1, 10). A batch holding NaN or ±Inf is refused
// in the same pass, before, with an error matching stlayer.ErrNonFinite
// naming the first such value ("cpu: non-finite value NaN in map 0 at row
// 1, column 36"): the statistics gave all-NaN coefficients with no error.
func checkMapScale(x *stlayer.Maps) error {
	bad, b, amax := stlayer.ScanMaps(x, MinMapScale)
	if bad >= 0 {
		return stlayer.NonFiniteError("cpu: ", x, bad)
	}
	if b < 0 {
		return nil
	}
	return fmt.Errorf("cpu: %w: map %d of %d: largest |value| is %.3g, below the cpu engine's floor %.3g (cpu.MinMapScale = 10⁴·√2.2e-308, float64's smallest normal number): the statistics' degree-2 quantities (|x⋆ψ|², P00, C01, C11), of order %.1g and less, underflow float64 and give zero or wrong coefficients; multiply the maps by a constant first, e.g. %s (the raw statistics scale as the constant for degree 1 (mean, S1) and as its square for degree 2 (variance, P00, C01, C11); normalised ones do not change)",
		ErrFloat64Range, b, x.B, amax, float64(MinMapScale), amax*amax, stlayer.ScaleUpHint(amax))
}
