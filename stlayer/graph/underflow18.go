package graph

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// MinMapScale is the smallest largest |value| of a map that Forward and
// LossGrad accept (zero maps excepted): 10⁴·√(2⁻¹²⁶) = 10⁴·2⁻⁶³ ≈ 1.08e-15,
// where 2⁻¹²⁶ ≈ 1.18e-38 is float32's smallest normal number.
//
// The statistics' degree-2 quantities (|x⋆ψ|², P00, C01, C11, WPH moments)
// are of order max|x|², and their intermediate values (filter tails,
// products of cropped spectra, 1/(MN) normalisations) lie several decades
// below it: when they fall below 2⁻¹²⁶ float32 loses precision (subnormal
// numbers) and below ~1.4e-45 they become 0, and finite but wrong or zero
// coefficients come out with no other sign (checkFloat32Range only sees
// Inf and NaN). Measured on a 32² Gaussian map (scov and WPH J = 4, L = 4,
// WST J = 4, L = 4, largest relative error of a coefficient against the
// float64 cpu engine): 3e-5 (scov), 3e-6 (WPH) at scale 1, the same at
// 1e-10 … 1e-16 (and at 1e-17 on a 64² map), 2.4e-3 at 1e-18 and 1 (zero
// coefficients) at 1e-20. The floor keeps max|x|² 10⁸ above 2⁻¹²⁶: a
// margin of one to two decades of map scale over the smallest scales
// measured unchanged.
//
// Statistics of degree above 2 (e.g. Pow(x, 3)) can still underflow above
// the floor. Rescaling the maps inside the engine by a power of two (exact)
// and the coefficients back would need every statistic's degree of
// homogeneity, which a Stat does not declare (normalised statistics have
// degree 0, raw ones 1 or 2 per coefficient, a Log none), so the engine
// refuses instead (checkMapScale) and the caller rescales.
const MinMapScale = 1e4 * 0x1p-63

// checkMapScale returns an error wrapping ErrFloat32Range when the largest
// |value| of a map of x is positive and below MinMapScale (each map's
// statistics are its own: a tiny map next to a normal one in a batch
// underflows all the same); nil when every map is zero or reaches the
// floor. The error names the map and gives the power of ten that brings
// its largest |value| into [1, 10). A batch holding NaN or ±Inf is refused
// in the same pass, before, with an error matching stlayer.ErrNonFinite
// naming the first such value ("graph: non-finite value NaN in map 0 at
// row 1, column 36"): the statistics gave zeros and NaN with no error.
func checkMapScale(x *stlayer.Maps) error {
	bad, b, amax := stlayer.ScanMaps(x, MinMapScale)
	if bad >= 0 {
		return stlayer.NonFiniteError("graph: ", x, bad)
	}
	if b < 0 {
		return nil
	}
	return fmt.Errorf("graph: %w: map %d of %d: largest |value| is %.3g, below the graph engine's floor %.3g (graph.MinMapScale = 10⁴·√1.18e-38, float32's smallest normal number): the statistics' degree-2 quantities (|x⋆ψ|², P00, C01, C11), of order %.1g and less, underflow float32 and give zero or wrong coefficients; multiply the maps by a constant first, e.g. %s (the raw statistics scale as the constant for degree 1 (mean, S1) and as its square for degree 2 (variance, P00, C01, C11); normalised ones do not change), or use the float64 cpu engine (--engine cpu)",
		ErrFloat32Range, b, x.B, amax, float64(MinMapScale), amax*amax, stlayer.ScaleUpHint(amax))
}

// gradScaled returns ∂ℒ/∂x of s on x for the upstream gradient g = ∂ℒ/∂c
// (c the coefficients of s on x; gmax the largest |Re|, |Im| of g, gfinite
// whether all of g is finite). The gradient graph is linear in g, so it
// runs on g/gs, gs = 2^e the power of two with gmax/gs in [1/2, 1) (gs = 1
// for a zero or non-finite g), and its result is multiplied back by gs in
// float64. Scaling by a power of two commutes with float32 rounding, so
// this is bit for bit the plain run wherever that run stays in float32's
// normal range; where it did not, the gradient graph's values no longer
// scale with gmax: for ℒ = Σ|c|² (gmax ~ |x|² for a degree-2 statistic)
// they were ~|x|³ and underflowed below ~1e-13 (WPH J = 3 at 1e-10: 1e-3
// relative error against the cpu engine), now ~|x|.
//
// A value of ∂ℒ/∂x beyond float32's largest (~3.4e38), or a non-finite one,
// goes to checkGradFloat32Range as before (so ∂ℒ/∂x stays within float32's
// range, as on the plain run). The caller holds e.mu.
func (e *Engine) gradScaled(key string, s stlayer.Stat, x *stlayer.Maps, c *stlayer.Coeffs, g []complex128, gmax float64, gfinite bool) ([]float64, error) {
	gs := 1.0
	if gfinite && gmax > 0 {
		_, exp := math.Frexp(gmax)
		gs = math.Ldexp(1, exp)
	}
	d, bad, err := e.gradRaw(key, s, x, c, g, 1, gs)
	if err != nil {
		return nil, err
	}
	grad := make([]float64, len(d))
	for i, v := range d {
		grad[i] = float64(v) * gs
		if bad < 0 && math.Abs(grad[i]) > math.MaxFloat32 {
			bad = i
		}
	}
	if bad < 0 {
		return grad, nil
	}
	// As float32: ±Inf beyond its range (checkGradFloat32Range counts them).
	d32 := make([]float32, len(grad))
	for i, v := range grad {
		if math.Abs(v) > math.MaxFloat32 {
			d32[i] = float32(math.Inf(int(math.Copysign(1, v))))
		} else {
			d32[i] = float32(v)
		}
	}
	if err := e.checkGradFloat32Range(key, s, x, c, g, gmax, gfinite, d32, bad); err != nil {
		return nil, err
	}
	return grad, nil
}
